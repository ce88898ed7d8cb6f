"""Issue 3, acceptance 1: a rectification and an erasure request walked in Chromium, from the
public form to the final e-mail and the decision PDF."""

import io
import re

from django.core import mail
from pypdf import PdfReader

from notifications.services import send_pending_messages
from organisations.models import SourceSystem
from requests_flow.flows import ErasureFlow, RectificationFlow
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


def _open(page, case, node, **data):
    """Open the task from the queue (by its link) and take it."""
    tasks = case.process.task_set.filter(flow_task=node, status="NEW")
    for key, value in data.items():
        tasks = tasks.filter(**{f"data__{key}": value})
    task = tasks.get()
    page.goto("/behandeling/wachtrij/")
    page.locator(f'a[href="/behandeling/taken/{task.pk}/"]').click()
    page.locator("main form button[type=submit]").click()


def _complete(page, to=r"/behandeling/zaken/\d+/$"):
    page.locator("main form.form button[type=submit]").click()
    page.wait_for_url(re.compile(to))


def _submit_and_confirm(page, organisation, right, fill, assert_accessible, screenshot):
    page.goto(f"/{organisation.slug}/verzoek/")
    page.locator(f"input[name=rights][value={right}]").check()
    page.fill("#id_name", "Anna de Vries")
    page.fill("#id_email", "anna@example.org")
    fill(page)
    assert_accessible(page)
    screenshot(page, f"{right}-1-form")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/verzoek/ontvangen/**")
    page.goto(_last_link(r"https?://\S+/verzoek/bevestigen/\S+/"))
    page.locator("main form button[type=submit]").click()
    page.get_by_role("heading", level=1).wait_for()
    return Case.objects.get(request=Request.objects.get())


def _decision_pdf_text(page, reference) -> str:
    page.goto(_last_link(r"https?://\S+/verzoek/antwoord/\S+/"))
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(reference)).click()
    content = download_info.value.path().read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def _verify(page, case, flow):
    _open(page, case, flow.verify_identity)
    page.locator("input[name=method][value=held_data]").check()
    page.locator("input[name=matched_items][value=name]").check()
    page.locator("input[name=established][value=yes]").check()
    _complete(page)


def _execute_as_owner(browser, live_server, owner, case, flow, assert_accessible):
    owner_page = browser.new_context(base_url=live_server.url).new_page()
    browser_login(owner_page, owner)
    for execution in case.executions.all():
        _open(owner_page, case, flow.execute, system_id=execution.system_id)
        assert execution.system.name in owner_page.content()
        assert_accessible(owner_page)
        _complete(owner_page, to=r"/behandeling/$")
    owner_page.context.close()


def _approve(browser, live_server, colleague, case, flow):
    approver = browser.new_context(base_url=live_server.url).new_page()
    browser_login(approver, colleague)
    _open(approver, case, flow.approve)
    approver.locator("input[name=decision][value=approve]").check()
    _complete(approver)
    approver.context.close()


def test_rectification_from_form_to_pdf(
    page,
    browser,
    live_server,
    werkse,
    officer,
    colleague,
    system_owner,
    assert_accessible,
    screenshot,
):
    # AVG 16, AVG 19, AVG 12(4), Awb 3:46 and 6:7: the whole journey in the browser
    cvs = SourceSystem.objects.get(organisation=werkse, name="Cliëntvolgsysteem (CVS)")
    cvs.owners.add(system_owner)

    def fill(page):
        page.fill("#id_details-item_0_what", "Adres")
        page.fill("#id_details-item_0_current", "Oude Delft 1")
        page.fill("#id_details-item_0_correct", "Nieuwe Langendijk 2")

    case = _submit_and_confirm(page, werkse, "rectification", fill, assert_accessible, screenshot)
    assert case.items.get().requested_value == "Nieuwe Langendijk 2"

    browser_login(page, officer)
    _verify(page, case, RectificationFlow)
    _open(page, case, RectificationFlow.assess)
    page.locator("input[name=is_avg_request][value=yes]").check()
    page.locator("input[name='items-0-decision'][value=granted]").check()
    for box in page.locator("input[name=systems]").all():
        box.uncheck()
    page.locator(f"input[name=systems][value='{cvs.pk}']").check()
    page.fill("#id_recipients", "UWV\nSVB")
    assert_accessible(page)
    screenshot(page, "rectification-2-assess")
    _complete(page)

    _execute_as_owner(
        browser, live_server, system_owner, case, RectificationFlow, assert_accessible
    )

    uwv, svb = case.notifications.order_by("recipient").reverse()
    _open(page, case, RectificationFlow.notify, notification_id=uwv.pk)
    page.locator("input[name=outcome][value=sent]").check()
    page.fill("#id_sent_on", "2026-03-10")
    assert_accessible(page)
    _complete(page)
    _open(page, case, RectificationFlow.notify, notification_id=svb.pk)
    page.locator("input[name=outcome][value=skipped]").check()
    page.fill("#id_reason", "De SVB kreeg uw adres nooit van ons.")
    _complete(page)
    _open(page, case, RectificationFlow.draft_decision)
    assert_accessible(page)
    _complete(page)
    screenshot(page, "rectification-3-case")
    assert_accessible(page)

    _approve(browser, live_server, colleague, case, RectificationFlow)
    case.refresh_from_db()
    assert case.status == "closed"
    text = _decision_pdf_text(page, case.reference)
    for expected in (
        case.reference,
        "correctie van uw gegevens",
        "Nieuwe Langendijk 2",
        "Cliëntvolgsysteem (CVS)",
        "UWV",
        "De SVB kreeg uw adres nooit van ons.",  # AVG 19: skipped with its reason
        "Autoriteit Persoonsgegevens",  # AVG 12(4), 77
        "bezwaarschrift",  # Awb 6:7: Werkse! is a public body
    ):
        assert expected in text, expected


def test_erasure_from_form_to_pdf(
    page,
    browser,
    live_server,
    werkse,
    officer,
    colleague,
    system_owner,
    assert_accessible,
    screenshot,
):
    # AVG 17(1) and 17(3): exceptions pre-filled from the register; partial refusal with reasons
    for system in SourceSystem.objects.filter(organisation=werkse):
        system.owners.add(system_owner)

    def fill(page):
        page.fill("#id_details-erasure_what", "Mijn gegevens voor de nieuwsbrief en mijn dossier.")
        page.locator("input[name='details-erasure_ground'][value=b]").check()

    case = _submit_and_confirm(page, werkse, "erasure", fill, assert_accessible, screenshot)
    browser_login(page, officer)
    _verify(page, case, ErasureFlow)
    _open(page, case, ErasureFlow.assess)
    page.locator("input[name=is_avg_request][value=yes]").check()
    assert_accessible(page)
    screenshot(page, "erasure-2-assess")
    _complete(page)
    _execute_as_owner(browser, live_server, system_owner, case, ErasureFlow, assert_accessible)
    _open(page, case, ErasureFlow.draft_decision)
    _complete(page)
    _approve(browser, live_server, colleague, case, ErasureFlow)
    text = _decision_pdf_text(page, case.reference)
    for expected in (
        "verwijdering van uw gegevens",
        "gedeeltelijk toe",
        "Archiefwet",  # AVG 17(3)(d), from the register's retention rule
        "Nieuwsbriefsysteem",
        "Autoriteit Persoonsgegevens",
        "bezwaarschrift",
    ):
        assert expected in text, expected
