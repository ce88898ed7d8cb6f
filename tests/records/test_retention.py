"""Retention and destruction with time travel (issue 11; LEGAL.md 6.2): a closed dossier past
its term is proposed, approved and destroyed; one with an open bezwaarschrift is not; the
destruction record holds no personal data."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from viewflow.workflow.models import Process, Task

from notifications.models import OutboxMessage
from records import services
from records.constants import DestructionStatus
from records.models import DestructionRecord, DestructionRun, Incident
from requests_flow import services as flow_services
from requests_flow.models import AuditEntry, Case, CaseDocument, Request
from tests.domain_fixtures import login, submit_access_request
from tests.records.helpers import refuse

pytestmark = pytest.mark.django_db


def at(time_machine, moment: str):
    wall = datetime.datetime.fromisoformat(moment).replace(tzinfo=ZoneInfo("Europe/Amsterdam"))
    time_machine.move_to(wall, tick=False)


def _closed_case(client, organisation, officer, colleague, name, email):
    request_obj = submit_access_request(
        organisation, name=name, email=email, description=f"Gegevens van {name}, Delft"
    )
    flow_services.confirm_email(request_obj)
    return refuse(client, request_obj.cases.get(), officer, colleague)


def test_destruction_run_by_time_travel(
    time_machine, client, werkse, officer, colleague, fg, django_capture_on_commit_callbacks
):
    # LEGAL.md 6.2: destroyed after the term, approved by an authorised person; a hold stops it
    at(time_machine, "2026-03-02 10:00")
    gone = _closed_case(client, werkse, officer, colleague, "Gerda Weg", "gerda@example.org")
    held = _closed_case(client, werkse, officer, colleague, "Henk Houd", "henk@example.org")
    services.register_remedy(
        case=held, actor=officer, kind="objection", received_on=held.decision_sent_on
    )
    services.record_incident(
        case=gone,
        actor=officer,
        what="Brief aan de verkeerde persoon.",
        occurred_on=gone.decision_sent_on,
        noticed_on=gone.decision_sent_on,
        noticed_by="Olga",
        measures="Teruggevraagd.",
    )
    still_open = submit_access_request(werkse, name="Otto Open", email="otto@example.org")
    files = list(CaseDocument.objects.filter(case=gone).values_list("file", flat=True))
    assert files and all(default_storage.exists(name) for name in files)
    gone_request_pk, gone_reference = gone.request_id, gone.reference
    process_pk = gone.process.pk
    assert OutboxMessage.objects.filter(request_id=gone_request_pk).exists()

    at(time_machine, "2031-03-01 04:00")  # the five years have not passed yet
    assert services.propose_all() == []

    at(time_machine, "2031-03-03 04:00")
    call_command("propose_destruction")  # the embedded default's daily command
    run = DestructionRun.objects.get()
    assert run.status == DestructionStatus.PROPOSED
    assert [c.reference for c in run.candidates.all()] == [gone_reference]
    assert run.category == werkse.selection_list_category
    assert services.propose_all() == []  # already proposed: not twice

    # the officer may not approve; the FG may
    login(client, officer)
    url = reverse("records:destruction_run", args=[run.pk])
    assert client.post(url, {"decision": "approve"}).status_code == 403
    client.logout()
    login(client, fg)
    assert "0 / 1" in client.get(reverse("records:destruction_runs")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"decision": "approve"}).status_code == 302
    run.refresh_from_db()
    assert run.status == DestructionStatus.DONE
    assert (run.destroyed, run.total) == (1, 1)
    page = client.get(url).content.decode()
    assert 'value="1"' in page and 'max="1"' in page  # the progress bar

    # case data, documents (files too), messages, audit trail and the process are gone
    assert not Request.objects.filter(pk=gone_request_pk).exists()
    assert not Case.objects.filter(pk=gone.pk).exists()
    assert not CaseDocument.objects.filter(case_id=gone.pk).exists()
    assert not any(default_storage.exists(name) for name in files)
    assert not OutboxMessage.objects.filter(request_id=gone_request_pk).exists()
    assert not AuditEntry.objects.filter(request_id=gone_request_pk).exists()
    assert not Process.objects.filter(pk=process_pk).exists()
    assert not Task.objects.filter(process_id=process_pk).exists()
    # the breach register keeps its line, without the link
    assert Incident.objects.get().case is None
    # the held dossier and the open one are untouched
    assert Case.objects.filter(pk=held.pk).exists()
    assert Request.objects.filter(pk=still_open.pk).exists()

    record = DestructionRecord.objects.get()
    assert record.reference == gone_reference
    assert record.approved_by == fg
    assert record.destroyed_on == datetime.date(2031, 3, 3)
    assert record.closed_on == datetime.date(2026, 3, 2)
    assert record.category == werkse.selection_list_category
    # the test looks: no personal data in any field of the record
    values = " ".join(
        str(getattr(record, f.attname)) for f in DestructionRecord._meta.concrete_fields
    )
    for personal in ("Gerda", "Weg", "gerda@example.org", "Delft", "Gegevens van"):
        assert personal not in values, personal


def test_rejected_run_destroys_nothing(time_machine, client, werkse, officer, colleague, fg):
    at(time_machine, "2026-03-02 10:00")
    case = _closed_case(client, werkse, officer, colleague, "Rita Rest", "rita@example.org")
    at(time_machine, "2031-03-03 04:00")
    run = services.propose_destruction(organisation=werkse)
    services.decide_destruction_run(run=run, actor=fg, approve=False)
    with pytest.raises(services.RecordsError):
        services.destroy_run(run)
    assert Case.objects.filter(pk=case.pk).exists()
    # a rejected run no longer blocks a later proposal
    assert services.propose_destruction(organisation=werkse) is not None


def test_hold_registered_after_the_proposal_still_protects(
    time_machine, client, werkse, officer, colleague, fg
):
    # LEGAL.md 6.2: nothing is destroyed while a remedy is pending, even one that came late
    at(time_machine, "2026-03-02 10:00")
    case = _closed_case(client, werkse, officer, colleague, "Lars Laat", "lars@example.org")
    at(time_machine, "2031-03-03 04:00")
    run = services.propose_destruction(organisation=werkse)
    services.register_remedy(
        case=case, actor=officer, kind="ap_complaint", received_on=datetime.date(2031, 3, 3)
    )
    services.decide_destruction_run(run=run, actor=fg, approve=True)
    run = services.destroy_run(run)
    assert run.destroyed == 0
    assert Case.objects.filter(pk=case.pk).exists()


def test_destruction_pages_access(client, werkse, fg, officer, other_officer, outsider):
    # DESIGN rule 8: only the FG of the same organisation
    run = DestructionRun.objects.create(organisation=werkse, proposed_for=datetime.date.today())
    for url in (
        reverse("records:destruction_runs"),
        reverse("records:destruction_run", args=[run.pk]),
    ):
        client.logout()
        assert "/accounts/login/" in client.get(url)["Location"]
        login(client, officer)
        assert client.get(url).status_code == 403
        client.logout()
        login(client, fg)
        assert client.get(url).status_code == 200
        client.logout()
        login(client, outsider)
        assert client.get(url).status_code == 404
    client.logout()
    from organisations.constants import Role
    from organisations.services import create_staff_user
    from tests.domain_fixtures import PASSWORD

    other_fg = create_staff_user(
        organisation=other_officer.membership.organisation,
        username="wfg",
        role=Role.FG,
        password=PASSWORD,
    )
    login(client, other_fg)
    assert client.get(reverse("records:destruction_run", args=[run.pk])).status_code == 404
