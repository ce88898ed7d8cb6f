"""Remedies against a decision: a hold on the dossier, reconsideration and a revised decision
linked to the original (issue 11; LEGAL.md §0, 5.3, 6.2)."""

import datetime

import pytest
from django.urls import reverse

from notifications.models import OutboxMessage
from records import services
from records.constants import RemedyStatus
from records.models import Remedy, RevisedDecision
from requests_flow.constants import Outcome
from requests_flow.models import AuditEntry
from tests.domain_fixtures import login, submit_access_request
from tests.records.helpers import document_text, refuse

pytestmark = pytest.mark.django_db


@pytest.fixture
def refused_case(client, access_case, officer, colleague):
    return refuse(client, access_case, officer, colleague)


def test_bezwaarschrift_holds_and_revised_decision_names_the_original(
    client, refused_case, officer
):
    # LEGAL.md §0 (public body: bezwaarschrift, Awb 6:7), 5.3 (revised decision), 6.2 (hold)
    case = refused_case
    original_sent_on = case.decision_sent_on
    original_outcome = case.outcome
    assert original_outcome in (Outcome.REFUSED, Outcome.NOT_HANDLED)
    login(client, officer)
    remedies_url = reverse("records:remedies", args=[case.pk])
    response = client.post(
        remedies_url,
        {"kind": "objection", "received_on": original_sent_on.isoformat(), "summary": "Oneens."},
    )
    assert response.status_code == 302
    remedy = Remedy.objects.get(case=case)
    assert remedy.is_hold
    assert Remedy.objects.holding().filter(case__request=case.request).exists()

    assert client.post(reverse("records:reconsider", args=[remedy.pk])).status_code == 302
    remedy.refresh_from_db()
    assert remedy.status == RemedyStatus.RECONSIDERING
    response = client.post(
        reverse("records:revise", args=[remedy.pk]),
        {"outcome": "granted", "reasons": "Uw identiteit is alsnog vastgesteld via DigiD."},
    )
    assert response.status_code == 302
    revised = RevisedDecision.objects.get(remedy=remedy)
    case.refresh_from_db()
    assert case.outcome == Outcome.GRANTED
    assert revised.original_outcome == original_outcome
    assert revised.original_sent_on == original_sent_on
    assert revised.original_letter is not None
    remedy.refresh_from_db()
    assert remedy.status == RemedyStatus.CLOSED and not remedy.is_hold

    text = document_text(revised.letter)
    assert "Beslissing op uw bezwaar" in text
    assert f"vervangt ons besluit van {original_sent_on:%-d}" in text
    assert case.reference in text
    assert "Uw identiteit is alsnog vastgesteld via DigiD." in text
    assert "beroep" in text and "8:1 Awb" in text  # after a bezwaar: appeal to the court
    # the audit trail shows both decisions
    actions = list(
        AuditEntry.objects.filter(case=case).order_by("pk").values_list("action", flat=True)
    )
    assert actions.index("decision_sent") < actions.index("remedy_registered")
    assert actions[-1] == "revised_decision_sent"
    last = AuditEntry.objects.filter(case=case).latest("pk")
    assert case.reference in last.details and last.from_status == original_outcome
    assert OutboxMessage.objects.filter(case=case, template="revised_decision_ready").exists()


def test_private_organisation_has_no_bezwaarschrift(client, workways, other_officer):
    # LEGAL.md §0: a private organisation takes no besluit: court petition or AP complaint only
    from organisations.constants import Role
    from organisations.services import create_staff_user
    from tests.domain_fixtures import PASSWORD

    approver = create_staff_user(
        organisation=workways, username="wendy", role=Role.FG, password=PASSWORD
    )
    request_obj = submit_access_request(workways)
    from requests_flow import services as flow_services

    flow_services.confirm_email(request_obj)
    case = refuse(client, request_obj.cases.get(), other_officer, approver)
    with pytest.raises(services.RecordsError):
        services.register_remedy(
            case=case, actor=other_officer, kind="objection", received_on=case.decision_sent_on
        )
    remedy = services.register_remedy(
        case=case, actor=other_officer, kind="court_petition", received_on=case.decision_sent_on
    )
    services.start_reconsideration(remedy=remedy, actor=other_officer)
    revised = services.issue_revised_decision(
        remedy=remedy,
        actor=other_officer,
        outcome="refused",
        reasons="Nog steeds niet.",
        refusal_ground="identity",
    )
    text = document_text(revised.letter)
    assert "vervangt ons antwoord" in text
    assert "verzoekschrift" in text and "bezwaarschrift" not in text


def test_remedy_needs_a_decision_and_a_plausible_date(access_case, officer, client, colleague):
    with pytest.raises(services.RecordsError):
        services.register_remedy(
            case=access_case, actor=officer, kind="objection", received_on=datetime.date.today()
        )
    case = refuse(client, access_case, officer, colleague)
    with pytest.raises(services.RecordsError):
        services.register_remedy(
            case=case,
            actor=officer,
            kind="objection",
            received_on=case.decision_sent_on - datetime.timedelta(days=1),
        )


def test_closing_a_remedy_lifts_the_hold(refused_case, officer):
    remedy = services.register_remedy(
        case=refused_case,
        actor=officer,
        kind="ap_complaint",
        received_on=refused_case.decision_sent_on,
    )
    services.close_remedy(remedy=remedy, actor=officer, note="De AP heeft de klacht gesloten.")
    assert not Remedy.objects.holding().exists()
    assert AuditEntry.objects.filter(case=refused_case, action="remedy_closed").exists()


def test_remedy_pages_access(client, refused_case, officer, system_owner, other_officer, outsider):
    # DESIGN rule 8
    remedy = services.register_remedy(
        case=refused_case,
        actor=officer,
        kind="objection",
        received_on=refused_case.decision_sent_on,
    )
    urls = [
        reverse("records:remedies", args=[refused_case.pk]),
        reverse("records:close_remedy", args=[remedy.pk]),
        reverse("records:incident", args=[refused_case.pk]),
    ]
    for url in urls:
        client.logout()
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
            assert client.get(url).status_code == expected, (url, user)
    # reconsideration only takes POST
    client.logout()
    login(client, officer)
    assert client.get(reverse("records:reconsider", args=[remedy.pk])).status_code == 405
    client.logout()
    login(client, other_officer)
    assert client.post(reverse("records:reconsider", args=[remedy.pk])).status_code == 404
