"""Requests registered by an officer: post, desk, phone or e-mail (issue 4; LEGAL.md 1.1)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from notifications.models import OutboxMessage
from requests_flow.constants import CaseStatus
from requests_flow.flows import AccessFlow
from requests_flow.models import Request
from tests.domain_fixtures import login

pytestmark = pytest.mark.django_db

URL = reverse("officer:register_request")


def form_data(**overrides):
    return {
        "channel": "post",
        "received_on": "2026-03-05",
        "rights": ["access"],
        "name": "Dirk Visser",
        "address": "Markt 1",
        "postal_code": "2611 GP",
        "city": "Delft",
        "relation": "client",
        "language": "nl",
        **overrides,
    }


@pytest.fixture
def today_12_march(time_machine):
    time_machine.move_to(
        datetime.datetime(2026, 3, 12, 10, tzinfo=ZoneInfo("Europe/Amsterdam")), tick=False
    )


def test_postal_request_counts_from_the_day_it_arrived(client, today_12_march, officer):
    # LEGAL.md 1.1 and 1.2: received 5 March 2026 by post -> D1 Sunday 5 April, Tweede Paasdag
    # 6 April -> Tuesday 7 April 2026
    login(client, officer)
    response = client.post(URL, form_data())
    assert response.status_code == 302
    request_obj = Request.objects.get()
    assert request_obj.channel == "post"
    assert request_obj.received_on == datetime.date(2026, 3, 5)
    case = request_obj.cases.get()
    assert case.legal_due_on == datetime.date(2026, 4, 7)
    assert case.status == CaseStatus.IDENTITY
    assert case.process.task_set.get(flow_task=AccessFlow.verify_identity).status == "NEW"
    # no e-mail address, so no confirmation and no acknowledgement by e-mail
    assert not OutboxMessage.objects.exists()
    assert case.audit_entries.filter(action="registered", actor=officer).exists()


def test_desk_request_with_email_gets_acknowledgement_without_confirmation(
    client, today_12_march, officer
):
    # LEGAL.md 5.1: the acknowledgement; no confirmation link for a request made at the desk
    login(client, officer)
    client.post(URL, form_data(channel="desk", email="dirk@example.org", received_on="2026-03-12"))
    templates = list(OutboxMessage.objects.values_list("template", flat=True))
    assert templates == ["acknowledgement"]


def test_receipt_date_never_in_the_future(client, today_12_march, officer):
    # issue 4: the receipt date may lie in the past, never in the future
    login(client, officer)
    response = client.post(URL, form_data(received_on="2026-03-13"))
    assert response.status_code == 200
    assert "toekomst" in response.content.decode() or "future" in response.content.decode()
    assert not Request.objects.exists()


def test_registration_needs_an_address_to_answer_to(client, today_12_march, officer):
    # LEGAL.md 5.7: electronically or by post; one of the two must be known
    login(client, officer)
    response = client.post(URL, form_data(address="", city=""))
    assert response.status_code == 200
    assert not Request.objects.exists()


def test_registration_access(client, officer, system_owner, fg, outsider):
    # DESIGN rule 8: a staff member without the permission gets 403, an outsider 404
    login(client, system_owner)
    assert client.get(URL).status_code == 403
    client.logout()
    login(client, outsider)
    assert client.get(URL).status_code == 404
    client.logout()
    assert client.get(URL).status_code == 302
    login(client, officer)
    assert client.get(URL).status_code == 200
