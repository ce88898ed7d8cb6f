"""The legal clock's pages in Chromium: the requester's reply page, the officer's dashboard,
extension and decreed-day pages (issue 4); each passes axe-core."""

import re

from django.core import mail
from playwright.sync_api import expect

from notifications.services import send_pending_messages
from requests_flow import services
from tests.domain_fixtures import browser_login, submit_access_request


def test_requester_replies_to_an_information_request(
    page, werkse, officer, assert_accessible, screenshot
):
    # LEGAL.md 1.5: the requester answers through a secure link; the clock resumes
    request_obj = submit_access_request(werkse)
    services.confirm_email(request_obj)
    case = request_obj.cases.get()
    services.request_information(
        case=case,
        actor=officer,
        kind="clarification",
        what_is_needed="Over welke periode gaat uw verzoek?",
        reply_term_days=14,
    )
    send_pending_messages()
    link = re.search(r"https?://\S+/verzoek/reactie/\S+/", mail.outbox[-1].body).group(0)
    page.goto("/" + link.split("://", 1)[1].split("/", 1)[1])
    assert_accessible(page)
    screenshot(page, "clock-1-reply")
    page.locator("main form button[type=submit]").click()  # empty: error summary
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)
    page.fill("#id_message", "Over 2025 en 2026.")
    with page.expect_navigation():  # the next page, not this one's heading
        page.locator("main form button[type=submit]").click()
    assert_accessible(page)
    case.refresh_from_db()
    assert not case.is_paused


def test_officer_clock_pages_are_accessible(page, werkse, officer, assert_accessible, screenshot):
    request_obj = submit_access_request(werkse)
    case = request_obj.cases.get()
    browser_login(page, officer)
    for path, name in (
        ("/behandeling/termijnen/", "clock-2-dashboard"),
        (f"/behandeling/zaken/{case.pk}/verdagen/", "clock-3-extend"),
        ("/behandeling/beheer/feestdagen/", "clock-4-decreed-days"),
        (f"/behandeling/zaken/{case.pk}/", "clock-5-case"),
    ):
        page.goto(path)
        assert_accessible(page)
        screenshot(page, name)
