"""Issue 3, acceptance 1: a rectification and an erasure request walked in Chromium, from the
public form to the final e-mail and the decision PDF."""

from django.utils import timezone, translation

from organisations.models import SourceSystem
from requests_flow.constants import ErasureGround
from requests_flow.flows import ErasureFlow, RectificationFlow
from tests.e2e.rights_steps import (
    approve,
    complete,
    cvs_owned_by,
    decision_pdf_text,
    execute_as_owner,
    only_system,
    open_task,
    start_assessment,
    submit_and_confirm,
)


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
    cvs = cvs_owned_by(werkse, system_owner)

    def fill(page):
        page.fill("#id_details-item_0_what", "Adres")
        page.fill("#id_details-item_0_current", "Oude Delft 1")
        page.fill("#id_details-item_0_correct", "Nieuwe Langendijk 2")

    case = submit_and_confirm(page, werkse, "rectification", fill, assert_accessible, screenshot)
    assert case.items.get().requested_value == "Nieuwe Langendijk 2"

    start_assessment(page, officer, case, RectificationFlow)
    page.locator("input[name='items-0-decision'][value=granted]").check()
    only_system(page, cvs)
    page.fill("#id_recipients", "UWV\nSVB")
    assert_accessible(page)
    screenshot(page, "rectification-2-assess")
    complete(page)

    execute_as_owner(browser, live_server, system_owner, case, RectificationFlow, assert_accessible)

    uwv, svb = case.notifications.order_by("recipient").reverse()
    open_task(page, case, RectificationFlow.notify, notification_id=uwv.pk)
    page.locator("input[name=outcome][value=sent]").check()
    page.fill("#id_sent_on", timezone.localdate().isoformat())
    assert_accessible(page)
    complete(page)
    open_task(page, case, RectificationFlow.notify, notification_id=svb.pk)
    page.locator("input[name=outcome][value=skipped]").check()
    page.fill("#id_reason", "De SVB kreeg uw adres nooit van ons.")
    complete(page)
    open_task(page, case, RectificationFlow.draft_decision)
    assert_accessible(page)
    complete(page)
    screenshot(page, "rectification-3-case")
    assert_accessible(page)

    approve(browser, live_server, colleague, case, RectificationFlow)
    case.refresh_from_db()
    assert case.status == "closed"
    text = decision_pdf_text(page, case)
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

    case = submit_and_confirm(page, werkse, "erasure", fill, assert_accessible, screenshot)
    start_assessment(page, officer, case, ErasureFlow)
    with translation.override("nl"):
        assert str(ErasureGround.CONSENT_WITHDRAWN.label) in page.locator("main").inner_text()
    assert_accessible(page)
    screenshot(page, "erasure-2-assess")
    complete(page)
    execute_as_owner(browser, live_server, system_owner, case, ErasureFlow, assert_accessible)
    open_task(page, case, ErasureFlow.draft_decision)
    complete(page)
    approve(browser, live_server, colleague, case, ErasureFlow)
    text = decision_pdf_text(page, case)
    for expected in (
        "verwijdering van uw gegevens",
        "gedeeltelijk toe",
        "Archiefwet",  # AVG 17(3)(d), from the register's retention rule
        "Nieuwsbriefsysteem",
        "Autoriteit Persoonsgegevens",
        "bezwaarschrift",
    ):
        assert expected in text, expected
