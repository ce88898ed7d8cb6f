"""Forwarding in Chromium (issue 6, acceptance 5): the officer forwards a case from its page,
the target confirms receipt and reports the answer through its link; the FG's policy pages.
Every page passes axe-core."""

import datetime
import re

from django.core import mail
from playwright.sync_api import expect

from notifications.services import send_pending_messages
from requests_flow import services
from requests_flow.constants import CaseStatus, Outcome
from requests_flow.flows import AccessFlow
from requests_flow.flows.runner import complete_human_task
from tests.domain_fixtures import browser_login, submit_access_request


def _in_assessment(organisation, officer):
    request_obj = submit_access_request(organisation)
    services.confirm_email(request_obj)
    case = request_obj.cases.get()
    complete_human_task(
        case,
        AccessFlow.verify_identity,
        officer,
        lambda: services.verify_identity(
            case=case,
            actor=officer,
            method="held_data",
            established=True,
            matched_items=["name", "address"],
        ),
    )
    return case


def test_officer_forwards_and_target_confirms(page, werkse, officer, assert_accessible, screenshot):
    # Awb 2:3, LEGAL.md 3.2 and 5.5: forwarded in one step from the case page; the target
    # confirms receipt and reports the answer through its link; the case shows it
    case = _in_assessment(werkse, officer)
    browser_login(page, officer)
    page.goto(f"/behandeling/zaken/{case.pk}/")
    page.get_by_role(
        "link", name=re.compile("Forward the request|verzoek doorzenden", re.I)
    ).click()
    page.wait_for_url(f"**/zaken/{case.pk}/doorzenden/")
    assert_accessible(page)
    screenshot(page, "forwarding-1-form")

    # nothing chosen: the error summary, keyboard-reachable links, nothing sent
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)
    assert not case.forwardings.exists()

    page.get_by_label(re.compile("Privacyloket gemeente Delft")).check()
    page.fill(
        "#id_reason", "Uw vraag gaat over uw bijstandsuitkering; die heeft de gemeente Delft."
    )
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/zaken/{case.pk}/")
    expect(page.get_by_text("Privacyloket gemeente Delft").first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "forwarding-2-case-transferred")
    case.refresh_from_db()
    assert case.status == CaseStatus.TRANSFERRED

    # the target's side: the link from its e-mail, no account
    send_pending_messages()
    to_target = next(m for m in mail.outbox if m.to == ["privacy@delft.example"])
    link = re.search(r"https?://\S+/doorgezonden/\S+/", to_target.body).group(0)
    page.context.clear_cookies()
    page.goto("/" + link.split("://", 1)[1].split("/", 1)[1])
    assert_accessible(page)
    screenshot(page, "forwarding-3-target-page")
    page.locator("#id_receipt-name").fill("")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)
    page.fill("#id_receipt-name", "Petra Loket")
    page.locator("main form button[type=submit]").first.click()
    page.get_by_text("Petra Loket").first.wait_for()
    assert_accessible(page)
    page.fill("#id_answer-name", "Petra Loket")
    page.fill("#id_answer-answer_sent_on", datetime.date.today().isoformat())
    page.locator("main form button[type=submit]").click()
    page.locator(".messages").wait_for()
    assert_accessible(page)
    screenshot(page, "forwarding-4-target-answered")

    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.outcome == Outcome.ANSWERED_BY_TRANSFEREE
    browser_login(page, officer)
    page.goto(f"/behandeling/zaken/{case.pk}/")
    expect(page.get_by_text(re.compile("Petra Loket")).first).to_be_visible()


def test_return_and_policy_pages_are_accessible(
    page, werkse, officer, fg, assert_accessible, screenshot
):
    case = _in_assessment(werkse, officer)
    browser_login(page, officer)
    page.goto(f"/behandeling/zaken/{case.pk}/terugsturen/")
    assert_accessible(page)
    page.context.clear_cookies()
    browser_login(page, fg)
    for path, name in (
        ("/behandeling/beheer/organisatie/", "forwarding-5-policy"),
        ("/behandeling/beheer/doorzendadressen/", "forwarding-6-targets"),
        (f"/behandeling/beheer/doorzendadressen/{werkse.forward_targets.first().pk}/", None),
    ):
        page.goto(path)
        assert_accessible(page)
        if name:
            screenshot(page, name)
