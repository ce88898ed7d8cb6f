"""Issue 5 in Chromium: a masked ID copy from request to deletion, the status page, the form for
a representative, the new-link page; each public page passes axe-core."""

import re

from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from notifications.services import send_pending_messages
from requests_flow import identity, links, services
from requests_flow.constants import IdentityMethod
from requests_flow.flows import AccessFlow
from requests_flow.models import AuditEntry, IdDocumentCopy, Request
from tests.domain_fixtures import browser_login, submit_access_request
from tests.upload_samples import png


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _link_in_last_mail(pattern: str, to: str) -> str:
    send_pending_messages()
    for message in reversed(mail.outbox):
        found = re.search(pattern, message.body)
        if found and to in message.to:
            return _path(found.group(0))
    raise AssertionError(f"no e-mail to {to} with {pattern}")


def _take_and_open(page, case, node):
    task = case.process.task_set.get(flow_task=node, status="NEW")
    page.goto(f"/behandeling/taken/{task.pk}/")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def test_masked_id_copy_is_deleted_when_identity_is_verified(
    page, browser, live_server, werkse, officer, assert_accessible, screenshot
):
    # Acceptance 1 (issue 5); LEGAL.md 2.2: a masked copy only when asked, used only to verify,
    # deleted as soon as the check is recorded; the timeline shows the method, never the file
    request_obj = submit_access_request(werkse, email="anna@example.org")
    services.confirm_email(request_obj)
    case = request_obj.cases.get()

    browser_login(page, officer)
    _take_and_open(page, case, AccessFlow.verify_identity)
    assert_accessible(page)
    page.locator("input[name=established][value=ask_id_copy]").check()
    page.locator("main form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/behandeling/zaken/\d+/$"))
    case.refresh_from_db()
    assert case.is_paused

    # the requester follows the status link in the e-mail and uploads the copy
    requester = browser.new_context(base_url=live_server.url)
    public = requester.new_page()
    public.goto(_link_in_last_mail(r"https?://\S+/verzoek/status/\S+/", "anna@example.org"))
    assert request_obj.reference in public.locator("h1").inner_text()
    expect(public.get_by_text("KopieID").first).to_be_visible()
    assert_accessible(public)
    screenshot(public, "identity-1-status-asks-for-copy")
    public.set_input_files(
        "#id_id_copy",
        files=[
            {"name": "paspoort-afgeschermd.png", "mimeType": "image/png", "buffer": png(40, 30)}
        ],
    )
    with public.expect_navigation():  # the next page, not this one's heading
        public.locator("main form button[type=submit]").click()
    assert_accessible(public)

    # stored encrypted at rest: one file in the store, not the PNG it was
    copy = IdDocumentCopy.objects.get()
    files = identity.store_dir().iterdir()
    stored = list(files)
    assert [p.name for p in stored] == [copy.stored_name]
    assert b"PNG" not in stored[0].read_bytes() and b"IHDR" not in stored[0].read_bytes()

    # the officer takes the check again, sees the copy and records "verified"
    _take_and_open(page, case, AccessFlow.verify_identity)
    image = page.locator("img.id-copy")
    image.wait_for()
    assert page.evaluate("document.querySelector('img.id-copy').naturalWidth") == 40
    assert_accessible(page)
    screenshot(page, "identity-2-officer-sees-copy")
    page.locator("input[name=method][value=masked_id_copy]").check()
    page.locator("input[name=established][value=yes]").check()
    page.locator("main form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/behandeling/zaken/\d+/$"))

    # gone from storage and from the database in that same step
    assert list(identity.store_dir().iterdir()) == []
    assert not IdDocumentCopy.objects.exists()
    case.refresh_from_db()
    assert case.status == "assessment"
    # the timeline (its first list: changes, not reads) shows the method, never the file
    timeline = page.locator(".timeline").first.inner_text()
    verified = AuditEntry.objects.get(case=case, action="identity_verified")
    with translation.override("nl"):
        assert verified.details.startswith(str(IdentityMethod.MASKED_ID_COPY.label))
    assert verified.details in timeline
    assert "paspoort-afgeschermd" not in page.content()
    screenshot(page, "identity-3-case-after-check")
    requester.close()


def test_representative_form_and_new_link_page_are_accessible(
    page, werkse, assert_accessible, screenshot
):
    # LEGAL.md 2.3: the form captures the role, both people and the evidence; no JavaScript
    page.goto(f"/{werkse.slug}/verzoek/")
    assert_accessible(page)
    page.locator("input[name=rights][value=access]").check()  # six rights on offer (issue 3)
    page.fill("#id_name", "Piet de Boer")
    page.fill("#id_email", "piet@example.org")
    page.locator("input[name=representative_role][value=bewindvoerder]").check()
    page.fill("#id_subject_name", "Anna de Vries")
    page.set_input_files(
        "#id_authority_files",
        files=[
            {
                "name": "beschikking.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4\n%%EOF\n",
            }
        ],
    )
    screenshot(page, "identity-4-representative-form")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/verzoek/ontvangen/**")
    request_obj = Request.objects.get()
    assert request_obj.representative_name == "Piet de Boer"
    assert request_obj.requester_name == "Anna de Vries"
    assert request_obj.cases.get().documents.get().kind == "authority"

    page.goto("/verzoek/nieuwe-link/")
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)
    page.fill("#id_email", "piet@example.org")
    page.fill("#id_reference", request_obj.reference)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/verzoek/nieuwe-link/verstuurd/")
    assert_accessible(page)
    screenshot(page, "identity-5-new-link-sent")


def test_status_page_and_its_broken_link_page_are_accessible(
    page, werkse, browser_errors, assert_accessible, screenshot
):
    request_obj = submit_access_request(werkse)
    page.goto(_path(links.status_url(request_obj)))
    assert_accessible(page)
    screenshot(page, "identity-6-status-new-request")
    page.goto(_path(links.status_url(request_obj))[:-4] + "xyz/")
    assert page.locator("h1").inner_text()
    assert request_obj.reference not in page.content()
    assert_accessible(page)
    screenshot(page, "identity-7-link-invalid")
    # the 404 of the tampered link is what this test expects
    browser_errors[:] = [e for e in browser_errors if "404" not in e]
