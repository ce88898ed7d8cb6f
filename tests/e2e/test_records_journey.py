"""After the decision, in Chromium (issue 11): the requester withdraws from the status page's
link; an officer registers a bezwaarschrift and issues a revised decision; the FG's pages
(reports, incidents, retention) and the post queue pass axe-core."""

import datetime

from django.core import mail
from playwright.sync_api import expect

from notifications.services import send_pending_messages
from records.models import RevisedDecision
from requests_flow import links, services
from requests_flow.constants import Outcome
from tests.domain_fixtures import browser_login, submit_access_request
from tests.records.helpers import document_text, refuse


def _path(url):
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_requester_withdraws_and_gets_the_confirmation(page, werkse, assert_accessible, screenshot):
    # issue 11 acceptance 1: withdrawal from the status page, confirmation letter and e-mail
    request_obj = submit_access_request(werkse)
    services.confirm_email(request_obj)
    case = request_obj.cases.get()
    page.goto(_path(links.status_url(request_obj)))  # the requester's status page (issue 5)
    link = page.locator("a[href*='/verzoek/intrekken/']")
    # links in pages are absolute on SITE_URL; the live server runs elsewhere: follow the path
    page.goto(_path(link.get_attribute("href")))
    assert case.reference in page.locator("main").inner_text()
    assert_accessible(page)
    screenshot(page, "records-1-withdraw")
    with page.expect_navigation():  # the POST's answer, before the case is read back
        page.locator("main form button[type=submit]").click()
    assert_accessible(page)
    screenshot(page, "records-2-withdrawn")
    case.refresh_from_db()
    assert case.outcome == Outcome.WITHDRAWN
    letter = case.documents.get(file__contains="-withdrawal")
    text = document_text(letter)
    assert "hebt u laten weten dat u dit verzoek intrekt" in text
    assert "Wij behandelen het niet verder" in text
    send_pending_messages()
    confirmation = [m for m in mail.outbox if "ingetrokken" in m.subject]
    assert len(confirmation) == 1
    assert case.reference in confirmation[0].body
    assert "behandelen het niet verder" in confirmation[0].body


def test_officer_registers_bezwaarschrift_and_issues_revised_decision(
    page, client, werkse, officer, colleague, assert_accessible, screenshot
):
    # issue 11 acceptance 1: bezwaarschrift (Awb 6:7) -> reconsideration -> revised decision
    request_obj = submit_access_request(werkse)
    services.confirm_email(request_obj)
    case = refuse(client, request_obj.cases.get(), officer, colleague)
    original_sent_on = case.decision_sent_on
    browser_login(page, officer)
    page.goto(f"/behandeling/zaken/{case.pk}/")
    with page.expect_navigation():
        page.locator(f"a[href='/behandeling/dossiers/zaken/{case.pk}/rechtsmiddelen/']").click()
    assert_accessible(page)
    page.locator("main form button[type=submit]").last.click()  # empty form: error summary
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)
    page.check("input[name=kind][value=objection]")
    page.fill("#id_received_on", original_sent_on.isoformat())
    page.fill("#id_summary", "Ik ben het niet eens met de afwijzing.")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    screenshot(page, "records-3-remedies")
    page.locator("form[action$='/heroverwegen/'] button").click()
    page.wait_for_url("**/herzien/")
    assert_accessible(page)
    page.check("input[name=outcome][value=granted]")
    page.fill("#id_reasons", "Uw identiteit is alsnog vastgesteld met DigiD.")
    screenshot(page, "records-4-revise")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/rechtsmiddelen/")
    assert_accessible(page)
    revised = RevisedDecision.objects.get(case=case)
    text = document_text(revised.letter)
    assert "Beslissing op uw bezwaar" in text
    assert f"Dit besluit vervangt ons besluit van {original_sent_on.day}" in text
    assert f"met kenmerk {case.reference}" in text
    assert "Uw identiteit is alsnog vastgesteld met DigiD." in text
    page.goto(f"/behandeling/zaken/{case.pk}/")
    timeline = page.locator("ol.timeline").first.inner_text()
    assert case.reference in timeline  # the revised decision's entry names the original


def test_fg_and_post_pages_are_accessible(
    page, client, werkse, officer, colleague, fg, assert_accessible, screenshot
):
    request_obj = services.register_request(
        organisation=werkse,
        actor=officer,
        channel="post",
        received_on=datetime.date.today(),
        rights=["access"],
        requester=services.Requester(name="Piet Post", address="Markt 1", city="Delft"),
    )
    case = refuse(client, request_obj.cases.get(), officer, colleague)
    browser_login(page, officer)
    for path, name in (
        ("/behandeling/dossiers/post/", "records-5-post"),
        (f"/behandeling/dossiers/zaken/{case.pk}/incident/", "records-6-incident"),
        (f"/behandeling/dossiers/zaken/{case.pk}/rechtsmiddelen/", "records-7-remedies"),
    ):
        page.goto(path)
        assert_accessible(page)
        screenshot(page, name)
    page.context.clear_cookies()
    _seed_for_report(werkse)
    browser_login(page, fg)
    for path, name in (
        ("/behandeling/rapportage/", "records-8-report"),
        ("/behandeling/dossiers/incidenten/", "records-9-incidents"),
        ("/behandeling/dossiers/vernietiging/", "records-10-retention"),
    ):
        page.goto(path)
        assert_accessible(page)
        screenshot(page, name)


def _seed_for_report(organisation):
    """Some decided and open cases so the report's charts have something to show."""
    from requests_flow.models import Case, Request

    today = datetime.date.today()
    rights = ["access", "access", "access", "erasure", "rectification", "objection"]
    channels = ["web", "web", "email", "post", "phone", "desk"]
    outcomes = ["granted", "granted", "refused", "not_handled", "partly_granted", ""]
    for i in range(36):
        received = today - datetime.timedelta(days=3 + (i * 7) % 90)
        request_obj = Request.objects.create(
            reference=f"SEED-{i}",
            organisation=organisation,
            channel=channels[i % 6],
            received_on=received,
            requester_name="Seed",
            relation="client",
        )
        outcome = outcomes[i % 6] if received < today - datetime.timedelta(days=10) else ""
        Case.objects.create(
            request=request_obj,
            organisation=organisation,
            right=rights[(i * 5) % 6],
            status="closed" if outcome else "assessment",
            internal_due_on=received + datetime.timedelta(days=28),
            legal_due_on=received + datetime.timedelta(days=31),
            decision_sent_on=received + datetime.timedelta(days=8 + i % 30) if outcome else None,
            outcome=outcome,
            refusal_ground={"refused": "not_avg", "not_handled": "no_reply"}.get(outcome, ""),
        )
