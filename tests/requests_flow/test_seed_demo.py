"""`manage.py seed_demo`, which `make run` calls on every start: after it every demo user finds
work in their queue, and a second run adds nothing."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from viewflow.workflow.models import Task

from notifications.models import OutboxMessage
from organisations.models import ProcessingActivity, SourceSystem
from requests_flow.constants import Right
from requests_flow.management.commands.seed_demo import DEMO_PASSWORD
from requests_flow.models import (
    AuditEntry,
    Case,
    CaseDocument,
    CaseItem,
    ExecutionRecord,
    RecipientNotification,
    Request,
)

pytestmark = pytest.mark.django_db

COUNTED = (
    get_user_model(),
    ProcessingActivity,
    SourceSystem,
    Request,
    Case,
    CaseItem,
    Task,
    CaseDocument,
    ExecutionRecord,
    RecipientNotification,
    AuditEntry,
    OutboxMessage,
)


def seed():
    call_command("seed_demo", stdout=io.StringIO())


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


def queue(client, username):
    """The demo user's queue, after logging in with the printed password (README, Demo
    logins: no second step while DEBUG is on); every link of the staff menu must open."""
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"{username} could not log in"
    response = client.get(reverse("officer:queue"))
    assert response.status_code == 200
    html = response.content.decode()
    menu = html[html.index('<nav class="officer-nav"') : html.index("</nav>")]
    for link in re.findall(r'href="([^"]+)"', menu):
        assert client.get(link).status_code == 200, f"{username}: {link}"
    for task in response.context["page"].object_list:
        if "system_id" in (task.data or {}):
            page = client.get(reverse("officer:task", args=[task.pk])).content.decode()
            assert SourceSystem.objects.get(pk=task.data["system_id"]).name in page
    client.logout()
    return [
        (task.flow_task.name, task.process.caseprocess.case, task.data or {})
        for task in response.context["page"].object_list
    ], html


def test_every_demo_role_has_work_and_a_second_run_duplicates_nothing(client, settings):
    # seed_demo refuses to run with DEBUG off: it creates users with a known password
    settings.DEBUG = True
    seed()
    for slug in ("werkse", "workways"):
        check_queues(client, slug)
    # README: make run loads the demo data on every start
    before = counts()
    seed()
    assert counts() == before


def check_queues(client, slug):
    tasks, pages = {}, {}
    for role in ("privacy", "privacy2", "fg", "systeem"):
        tasks[role], pages[role] = queue(client, f"{slug}-{role}")
    for role, found in tasks.items():
        assert found, f"{slug}-{role} has an empty queue"
        # DESIGN.md rule 9: nobody sees another organisation's work
        assert {case.organisation.slug for _node, case, _data in found} == {slug}

    officer = tasks["privacy"]
    assert {"verify_identity", "assess"} <= {node for node, _case, _data in officer}
    assessed = {case.right for node, case, _data in officer if node == "assess"}
    assert assessed - {Right.ACCESS}, "no assessment of a right beside inzage"

    # the FG approves, and so does an officer who did not draft the decision (four-eyes rule)
    approvals = [case for node, case, _data in tasks["fg"] if node == "approve"]
    assert approvals and {node for node, _case, _data in tasks["fg"]} == {"approve"}
    assert {c.right for c in approvals} - {Right.ACCESS}, "no approval of a right beside inzage"
    assert {case.drafted_by.username for case in approvals} == {f"{slug}-privacy"}
    assert {c.pk for node, c, _data in tasks["privacy2"] if node == "approve"} == {
        c.pk for c in approvals
    }
    assert not any(node == "approve" for node, _case, _data in officer)

    # system owners see only the changes to carry out in the systems they own
    owner = get_user_model().objects.get(username=f"{slug}-systeem")
    owned = set(owner.owned_systems.values_list("pk", flat=True))
    assert {node for node, _case, _data in tasks["systeem"]} == {"execute"}
    assert {data["system_id"] for _node, _case, data in tasks["systeem"]} <= owned
    # a case with changes in two systems has two tasks: the queue and the task page name the
    # system of each
    for _node, _case, data in tasks["systeem"]:
        assert SourceSystem.objects.get(pk=data["system_id"]).name in pages["systeem"]
