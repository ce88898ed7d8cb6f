"""Officer digests: new tasks told by e-mail, at most one digest per officer per interval."""

import datetime

import pytest
from django.utils import timezone

from notifications.constants import Audience
from notifications.models import OutboxMessage
from notifications.sweeps import run_periodic_work
from requests_flow import services
from tests.domain_fixtures import submit_access_request

pytestmark = pytest.mark.django_db


def _digests():
    return OutboxMessage.objects.filter(template="officer_digest").order_by("pk")


@pytest.fixture
def staff(officer, colleague, fg, system_owner, other_officer):
    return {"officer": officer, "colleague": colleague, "fg": fg, "other": other_officer}


def _confirmed_request(organisation, email):
    request_obj = submit_access_request(organisation, email=email)
    services.confirm_email(request_obj)
    return request_obj.cases.get()


# Issue 7: a new task notifies those who may take it, once per interval, with deadline and link
def test_new_tasks_are_batched_into_one_digest_per_interval(staff, werkse, settings, time_machine):
    settings.OFFICER_DIGEST_MINUTES = 60
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=1), tick=False)
    first = _confirmed_request(werkse, "a@example.org")
    second = _confirmed_request(werkse, "b@example.org")

    assert run_periodic_work().digests_queued == 2

    # verify_identity is a privacy officers' task: the FG, the system owner and Workways' officer
    # are not concerned
    assert sorted(_digests().values_list("to", flat=True)) == [
        "cas@example.org",
        "olga@example.org",
    ]
    digest = _digests().get(to="olga@example.org")
    assert digest.audience == Audience.OFFICER
    assert [t["reference"] for t in digest.context["tasks"]] == [
        first.reference,
        second.reference,
    ]
    line = digest.context["tasks"][0]
    assert line["legal_due_on"] and line["internal_due_on"]
    assert line["url"].endswith(
        f"/behandeling/taken/{first.process.task_set.get(status='NEW').pk}/"
    )

    # nothing new: nothing sent; a new task within the interval waits for the next digest
    time_machine.shift(datetime.timedelta(minutes=1))
    assert run_periodic_work().digests_queued == 0
    third = _confirmed_request(werkse, "c@example.org")
    time_machine.shift(datetime.timedelta(minutes=30))
    assert run_periodic_work().digests_queued == 0
    time_machine.shift(datetime.timedelta(minutes=30))
    assert run_periodic_work().digests_queued == 2
    latest = _digests().filter(to="olga@example.org").last()
    assert [t["reference"] for t in latest.context["tasks"]] == [third.reference]


# Issue 7: a task assigned to someone notifies its owner only
def test_assigned_task_goes_to_its_owner(staff, werkse, settings, time_machine):
    from viewflow.workflow.models import Task

    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=1), tick=False)
    case = _confirmed_request(werkse, "a@example.org")
    task = Task.objects.get(process__caseprocess__case=case, status="NEW", flow_task_type="HUMAN")
    services.assign_task(task=task, actor=staff["colleague"])

    assert run_periodic_work().digests_queued == 1
    assert list(_digests().values_list("to", flat=True)) == ["cas@example.org"]


# The digest renders in Dutch, every task with its deadlines and link
def test_digest_renders_tasks_with_deadlines_and_links(staff, werkse, time_machine):
    from notifications.services import render_message

    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=1), tick=False)
    case = _confirmed_request(werkse, "a@example.org")
    run_periodic_work()

    subject, text, html = render_message(_digests().first())

    assert subject == "1 nieuwe taak (Werkse!)"
    assert case.reference in text and case.reference in html
    line = _digests().first().context["tasks"][0]
    for value in (line["url"], line["legal_due_on"], line["internal_due_on"]):
        assert value in text
