"""Issue 2, acceptance 2: one inzage request, from the public form to the PDF, in Chromium."""

import io
import re

from django.core import mail
from playwright.sync_api import expect
from pypdf import PdfReader

from notifications.services import send_pending_messages
from requests_flow.flows import AccessFlow
from requests_flow.models import Case, Request
from tests.domain_fixtures import browser_login


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _last_link(pattern: str) -> str:
    send_pending_messages()
    for message in reversed(mail.outbox):
        found = re.search(pattern, message.body)
        if found:
            return _path(found.group(0))
    raise AssertionError(f"no e-mail with {pattern}")


def _take_and_open(page, case, node):
    """Open the task from the queue (by its link, whatever the language) and take it."""
    task = case.process.task_set.get(flow_task=node, status="NEW")
    page.goto("/behandeling/wachtrij/")
    page.locator(f'a[href="/behandeling/taken/{task.pk}/"]').click()
    page.locator("main form button[type=submit]").click()


def _complete(page):
    page.locator("main form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/behandeling/zaken/\d+/$"))


def test_inzage_from_form_to_pdf(
    page, browser, live_server, werkse, officer, colleague, assert_accessible, screenshot
):
    # AVG 15, AVG 12(3), LEGAL.md 5.1 and 5.3: the whole journey, checked in the browser
    page.goto(f"/{werkse.slug}/verzoek/")
    assert_accessible(page)
    screenshot(page, "inzage-1-form")
    page.locator("input[name=rights][value=access]").check()  # six rights on offer since issue 3
    page.fill("#id_name", "Anna de Vries")
    page.fill("#id_email", "anna@example.org")
    page.fill("#id_description", "Ik wil mijn dossier bij de jobcoach zien.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/verzoek/ontvangen/**")
    reference = Request.objects.get().reference
    assert reference in page.locator(".reference").inner_text()
    assert_accessible(page)
    screenshot(page, "inzage-2-submitted")

    page.goto(_last_link(r"https?://\S+/verzoek/bevestigen/\S+/"))
    assert_accessible(page)
    with page.expect_navigation():  # the next page, not this one's heading
        page.locator("main form button[type=submit]").click()
    assert_accessible(page)
    case = Case.objects.get()
    case.refresh_from_db()
    assert case.status == "identity"

    browser_login(page, officer)
    page.goto("/behandeling/wachtrij/")
    assert_accessible(page)
    screenshot(page, "inzage-3-queue")
    _take_and_open(page, case, AccessFlow.verify_identity)
    assert_accessible(page)
    page.locator("input[name=method][value=held_data]").check()
    page.locator("input[name=matched_items][value=name]").check()
    page.locator("input[name=matched_items][value=address]").check()
    page.locator("input[name=established][value=yes]").check()
    _complete(page)

    _take_and_open(page, case, AccessFlow.assess)
    page.locator("input[name=is_avg_request][value=yes]").check()
    page.locator("#id_findings-0-found").check()
    page.fill("#id_findings-0-summary", "Trajectdossier 2026")
    page.set_input_files(
        "#id_extracts",
        files=[
            {
                "name": "uittreksel.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4\n%%EOF\n",
            }
        ],
    )
    assert_accessible(page)
    _complete(page)

    _take_and_open(page, case, AccessFlow.draft_answer)
    assert page.locator("#id_purposes").input_value().strip()  # pre-filled from the register
    assert_accessible(page)
    _complete(page)
    screenshot(page, "inzage-4-case")
    assert_accessible(page)

    approver = browser.new_context(base_url=live_server.url).new_page()
    browser_login(approver, colleague)
    _take_and_open(approver, case, AccessFlow.approve)
    assert_accessible(approver)
    approver.locator("input[name=decision][value=approve]").check()
    _complete(approver)
    case.refresh_from_db()
    assert case.status == "closed"

    page.goto(_last_link(r"https?://\S+/verzoek/antwoord/\S+/"))
    assert_accessible(page)
    screenshot(page, "inzage-5-answer")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(reference)).click()
    content = download_info.value.path().read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert reference in text
    # AVG 15(1)(a)-(h), AVG 12(4), Awb 6:7
    for heading in (
        "Doelen",
        "Soorten gegevens",
        "Ontvangers",
        "Bewaartermijn",
        "Uw rechten",
        "Autoriteit Persoonsgegevens",
        "Bron",
        "Geautomatiseerde besluitvorming",
        "bezwaarschrift",
    ):
        assert heading in text, heading


def test_form_works_with_the_keyboard_alone(page, werkse):
    # accessibility: every field reachable and the form sent without a mouse
    page.goto(f"/{werkse.slug}/verzoek/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    focused = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.id || document.activeElement.name"))
        if focused[-1] == "id_rights_0" and focused.count("id_rights_0") == 1:
            page.keyboard.press(" ")  # inzage, the first of the rights on offer (once: 40 tabs
            # may wrap round the page since the form asks per right too)
        if focused[-1] == "id_name":
            page.keyboard.type("Bram Jansen")
        if focused[-1] == "id_email":
            page.keyboard.type("bram@example.org")
    for required in ("id_rights_0", "id_description", "id_name", "id_email", "id_relation_0"):
        assert required in focused
    page.locator("main form button[type=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/verzoek/ontvangen/**")
    assert Request.objects.get().requester_name == "Bram Jansen"


def test_error_summary_takes_focus_order(page, werkse, assert_accessible):
    # errors re-shown with a summary linking to each field; nothing typed is lost
    page.goto(f"/{werkse.slug}/verzoek/")
    page.locator("input[name=rights][value=access]").check()
    page.fill("#id_name", "Chantal")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.input_value("#id_name") == "Chantal"
    assert_accessible(page)
    page.locator(".error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == "id_email"
