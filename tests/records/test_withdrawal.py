"""Withdrawal by the requester (signed link) and by an officer (mail, phone): the case closes as
withdrawn, the clock stops and a confirmation goes out (issue 11)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.urls import reverse
from viewflow.workflow.status import PROCESS, STATUS

from notifications.models import OutboxMessage
from notifications.sweeps import run_periodic_work
from requests_flow import links, services
from requests_flow.constants import CaseStatus, Outcome
from requests_flow.models import AuditEntry
from tests.domain_fixtures import login, submit_access_request
from tests.records.helpers import document_text, refuse

pytestmark = pytest.mark.django_db


def at(time_machine, moment: str):
    wall = datetime.datetime.fromisoformat(moment).replace(tzinfo=ZoneInfo("Europe/Amsterdam"))
    time_machine.move_to(wall, tick=False)


def _path(url):
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_requester_withdraws_through_the_signed_link(client, access_case, mailoutbox):
    # issue 11: the requester withdraws; the case closes as withdrawn and a confirmation goes out
    url = _path(links.withdrawal_url(access_case))
    page = client.get(url)
    assert page.status_code == 200
    assert access_case.reference in page.content.decode()
    response = client.post(url)
    assert response.status_code == 302
    access_case.refresh_from_db()
    assert access_case.status == CaseStatus.CLOSED
    assert access_case.outcome == Outcome.WITHDRAWN
    assert access_case.closed_at is not None
    after = client.get(url)
    assert "records/public/withdrawn.html" in [t.name for t in after.templates]
    message = OutboxMessage.objects.get(case=access_case, template="withdrawal_confirmed")
    assert message.to == "anna@example.org"
    letter = access_case.documents.get(file__contains="-withdrawal")
    text = document_text(letter)
    assert "u dit verzoek intrekt" in text
    assert access_case.reference in text
    entry = AuditEntry.objects.get(case=access_case, action="withdrawn")
    assert entry.actor is None and entry.to_status == CaseStatus.CLOSED
    # a second POST changes nothing
    client.post(url)
    assert OutboxMessage.objects.filter(template="withdrawal_confirmed").count() == 1


def test_withdrawal_stops_the_clock(time_machine, werkse, officer, colleague, fg, mailoutbox):
    # issue 11: the clock stops: no open task and no pending timer, so no reminder or escalation
    at(time_machine, "2026-03-02 10:00")
    request_obj = submit_access_request(werkse)
    services.confirm_email(request_obj)
    case = request_obj.cases.get()
    assert case.process.task_set.filter(status=STATUS.SCHEDULED).exists()
    at(time_machine, "2026-03-05 10:00")
    services.withdraw_case(case=case, actor=officer, channel="phone", note="Belde zelf.")
    case.refresh_from_db()
    live = case.process.task_set.exclude(status__in=[STATUS.DONE, STATUS.CANCELED])
    assert not live.exists()
    assert case.process.status == PROCESS.CANCELED
    for moment in ("2026-03-26 01:00", "2026-03-31 01:00", "2026-04-03 01:00"):
        at(time_machine, moment)
        run_periodic_work()
    sent_subjects = [m.subject for m in mailoutbox]
    assert not [s for s in sent_subjects if "Herinnering" in s or "Escalatie" in s]
    assert (
        AuditEntry.objects.filter(case=case, action__in=["reminder_sent", "escalated"]).count() == 0
    )


def test_officer_records_a_withdrawal_by_post(client, access_case, officer):
    url = reverse("records:withdrawal", args=[access_case.pk])
    login(client, officer)
    today = datetime.date.today()
    response = client.post(
        url, {"channel": "post", "received_on": today.isoformat(), "note": "Brief ontvangen."}
    )
    assert response.status_code == 302
    access_case.refresh_from_db()
    assert access_case.outcome == Outcome.WITHDRAWN
    entry = AuditEntry.objects.get(case=access_case, action="withdrawn")
    assert entry.actor == officer and "Brief ontvangen." in entry.details
    # closed: the page is gone, and a withdrawal cannot be recorded twice
    assert client.get(url).status_code == 404


def test_officer_withdrawal_refuses_a_future_date(client, access_case, officer):
    login(client, officer)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    response = client.post(
        reverse("records:withdrawal", args=[access_case.pk]),
        {"channel": "phone", "received_on": tomorrow.isoformat()},
    )
    assert response.status_code == 200
    assert "toekomst" in response.content.decode() or "future" in response.content.decode()
    access_case.refresh_from_db()
    assert access_case.is_open


def test_decided_case_cannot_be_withdrawn(client, access_case, officer, colleague):
    refuse(client, access_case, officer, colleague)
    url = _path(links.withdrawal_url(access_case))
    assert client.get(url).status_code == 410
    with pytest.raises(services.ServiceError):
        services.withdraw_case(case=access_case)


def test_tampered_withdrawal_link(client, access_case):
    # signed links have their own tests (DESIGN.md, Benchmarks and matrices)
    token = signing.dumps(access_case.pk, salt="another.purpose", compress=True)
    assert client.get(f"/verzoek/intrekken/{token}/").status_code == 404
    assert client.get("/verzoek/intrekken/nonsense/").status_code == 404


def test_withdrawal_page_access(
    client, access_case, officer, system_owner, other_officer, outsider
):
    # DESIGN rule 8: same organisation without permission 403, others 404, anonymous to login
    url = reverse("records:withdrawal", args=[access_case.pk])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user, expected in (
        (officer, 200),
        (system_owner, 403),
        (other_officer, 404),
        (outsider, 404),
    ):
        client.logout()
        login(client, user)
        assert client.get(url).status_code == expected, user
