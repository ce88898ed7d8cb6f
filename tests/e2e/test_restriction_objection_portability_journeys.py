"""Issue 3, acceptance 1: a beperking, a verzet and two overdraagbaarheid requests walked in
Chromium, from the public form to the final e-mail and the decision PDF."""

import io
import json
import re
import zipfile

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from organisations.constants import LegalBasis
from requests_flow.constants import CaseStatus, ItemGround, RestrictionGround, Right
from requests_flow.flows import ObjectionFlow, PortabilityFlow, RestrictionFlow
from requests_flow.models import Restriction
from tests.e2e.rights_steps import (
    REQUESTER_EMAIL,
    approve,
    complete,
    cvs_owned_by,
    decision_pdf_text,
    download,
    execute_as_owner,
    last_mail,
    only_system,
    open_answer,
    open_task,
    start_assessment,
    submit_and_confirm,
)

# the register rows for a Werkse! client, in the register's order (by name)
SUBSIDIE, NIEUWSBRIEF, REINTEGRATIE = 0, 1, 2


def _nl(message, **values):
    with translation.override("nl"):
        return _(message) % values


def _label(choice):
    with translation.override("nl"):
        return str(choice.label)


def _remedies(text, organisation):
    # LEGAL.md 5.3: AVG 12(4) and 77, and for a public body Awb 6:7 with the body named
    assert "Autoriteit Persoonsgegevens" in text
    assert "bezwaarschrift" in text
    assert f"binnen zes weken naar {organisation.objection_body}" in text


def _refuse_row(page, index, ground, reason):
    page.locator(f"input[name='items-{index}-decision'][value=refused]").check()
    page.select_option(f"#id_items-{index}-legal_ground", ground)
    page.fill(f"#id_items-{index}-reason", reason)


def _task_titles(page):
    tasks = page.locator("section[aria-labelledby=tasks-title] tbody td:first-child")
    return tasks.all_inner_texts()


def test_restriction_from_form_to_pdf_and_lifted_after_the_notice(
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
    # AVG 18(1)(a), 18(2), 18(3), AVG 19, Awb 3:46 and 6:7: the whole journey in the browser
    cvs = cvs_owned_by(werkse, system_owner)

    def fill(page):
        page.fill("#id_details-restriction_what", "Mijn adres in het cliëntvolgsysteem.")
        page.locator("input[name='details-restriction_ground'][value=a]").check()

    case = submit_and_confirm(page, werkse, "restriction", fill, assert_accessible, screenshot)
    assert case.ground_asked == RestrictionGround.ACCURACY_CONTESTED

    start_assessment(page, officer, case, RestrictionFlow)
    assert _label(RestrictionGround.ACCURACY_CONTESTED) in page.locator("main").inner_text()
    refused = "U betwist alleen uw adres; die gegevens gebruiken wij hier niet."
    _refuse_row(page, SUBSIDIE, ItemGround.NO_RESTRICTION_GROUND, refused)
    _refuse_row(page, NIEUWSBRIEF, ItemGround.NO_RESTRICTION_GROUND, refused)
    only_system(page, cvs)
    page.fill("#id_recipients", "UWV")
    assert_accessible(page)
    screenshot(page, "restriction-2-assess")
    complete(page)

    execute_as_owner(browser, live_server, system_owner, case, RestrictionFlow, assert_accessible)
    # which processing is restricted, and where
    restriction = Restriction.objects.get(case=case)
    assert restriction.where == cvs.name and restriction.is_active
    open_task(page, case, RestrictionFlow.notify)
    page.locator("input[name=outcome][value=sent]").check()
    page.fill("#id_sent_on", timezone.localdate().isoformat())
    complete(page)
    open_task(page, case, RestrictionFlow.draft_decision)
    complete(page)
    approve(browser, live_server, colleague, case, RestrictionFlow)
    case.refresh_from_db()
    assert case.status == CaseStatus.RESTRICTION_IN_FORCE  # decided, not closed (AVG 18(3))

    text = decision_pdf_text(page, case)
    for expected in (
        case.reference,
        "beperking van het gebruik van uw gegevens",
        "gedeeltelijk toe",
        _label(ItemGround.NO_RESTRICTION_GROUND),  # Awb 3:46: the reason per processing
        refused,
        "gemarkeerd als beperkt",
        cvs.name,
        "artikel 18 lid 3 AVG",
        "UWV",  # AVG 19
    ):
        assert expected in text, expected
    _remedies(text, werkse)

    # AVG 18(3): the lift waits for the notice to the requester
    page.goto(f"/behandeling/zaken/{case.pk}/")
    assert _label(CaseStatus.RESTRICTION_IN_FORCE) in page.locator("p.status").inner_text()
    restriction_panel = page.locator("section[aria-labelledby=restriction-title]")
    assert cvs.name in restriction_panel.inner_text()
    assert _nl("Tell the requester first (AVG 18(3)); then lift the restriction.") in (
        restriction_panel.inner_text()
    )
    titles = _task_titles(page)
    with translation.override("nl"):
        notice_title = str(RestrictionFlow.tell_before_lifting.task_title)
        lift_title = str(RestrictionFlow.lift.task_title)
    assert notice_title in titles and lift_title not in titles
    assert_accessible(page)
    screenshot(page, "restriction-3-case-before-notice")

    open_task(page, case, RestrictionFlow.tell_before_lifting)
    page.locator("main form.form button[type=submit]").click()  # no reason: nothing to lift
    expect(page.locator(".error-summary")).to_be_visible()
    assert not case.process.task_set.filter(flow_task=RestrictionFlow.lift).exists()
    assert_accessible(page)
    screenshot(page, "restriction-4-notice")
    reason = "Uw adres is gecontroleerd en klopt."
    page.fill("#id_reason", reason)
    complete(page)
    message, _found = last_mail(re.escape(reason))
    assert message.to == [REQUESTER_EMAIL] and case.reference in message.subject
    assert "artikel 18 lid 3 AVG" in message.body

    open_task(page, case, RestrictionFlow.lift)
    assert cvs.name in page.locator("section[aria-labelledby=restriction-title]").inner_text()
    assert_accessible(page)
    screenshot(page, "restriction-5-lift")
    page.locator("#id_confirm").check()
    complete(page)
    restriction.refresh_from_db()
    assert restriction.lift_notice_sent_on <= restriction.lifted_on
    assert restriction.lifted_by == officer
    page.goto(f"/behandeling/zaken/{case.pk}/")
    assert lift_title in _task_titles(page)
    assert _label(CaseStatus.CLOSED) in page.locator("p.status").inner_text()


def test_objection_from_form_to_pdf(
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
    # AVG 21(1), LEGAL.md 4.5: only 6(1)(e)/(f); processing stops unless compelling grounds are
    # written down and approved; "verzet tegen verwerking", never "bezwaarschrift", in the UI
    cvs = cvs_owned_by(werkse, system_owner)
    situation = "Werkgevers bellen mij steeds; ik zorg voor mijn zieke moeder."

    def fill(page):
        assert _label(Right.OBJECTION) in page.locator("main form").inner_text()
        page.fill("#id_details-objection_what", "Het delen van mijn gegevens met werkgevers.")
        page.fill("#id_details-objection_situation", situation)

    case = submit_and_confirm(page, werkse, "objection", fill, assert_accessible, screenshot)
    assert situation in case.details

    start_assessment(page, officer, case, ObjectionFlow)
    main = page.locator("main")
    assert situation in main.inner_text()
    assert _label(Right.OBJECTION) in main.inner_text()
    assert "bezwaarschrift" not in main.inner_text().lower()
    # the register's legal basis beside each processing: consent is not 6(1)(e)/(f), so no
    # verzet against it; a public task is
    items = page.locator("fieldset.item")
    assert _label(LegalBasis.PUBLIC_TASK) in items.nth(REINTEGRATIE).inner_text()
    assert _label(LegalBasis.CONSENT) in items.nth(NIEUWSBRIEF).inner_text()
    assert page.input_value(f"#id_items-{NIEUWSBRIEF}-legal_ground") == ItemGround.NOT_E_OR_F
    # the suggested reasons name that basis, in the requester's language (Dutch here)
    basis = _nl(
        "Our register gives the legal basis of this processing as: %(basis)s.",
        basis=_label(LegalBasis.CONSENT),
    )
    assert page.input_value(f"#id_items-{NIEUWSBRIEF}-reason") == basis
    page.locator(f"input[name='items-{SUBSIDIE}-decision'][value=refused]").check()
    page.select_option(f"#id_items-{SUBSIDIE}-legal_ground", ItemGround.COMPELLING_GROUNDS)
    only_system(page, cvs)
    page.locator("main form.form button[type=submit]").click()  # no balancing written down
    assert _nl("Give the reasons for the refusal.") in page.locator(".error-summary").inner_text()
    balancing = (
        "Zonder uw werkgever kunnen wij de loonkostensubsidie niet uitbetalen; dat belang weegt "
        "zwaarder dan de telefoontjes, die wij voortaan via ons laten lopen."
    )
    page.fill(f"#id_items-{SUBSIDIE}-reason", balancing)
    assert_accessible(page)
    screenshot(page, "objection-2-assess")
    complete(page)

    execute_as_owner(browser, live_server, system_owner, case, ObjectionFlow, assert_accessible)
    open_task(page, case, ObjectionFlow.draft_decision)
    assert balancing in page.locator("main").inner_text()
    assert_accessible(page)
    complete(page)
    approve(browser, live_server, colleague, case, ObjectionFlow)
    case.refresh_from_db()
    assert case.status == "closed" and case.approved_by == colleague

    text = decision_pdf_text(page, case)
    for expected in (
        case.reference,
        "verzet tegen het gebruik van uw gegevens",
        "gedeeltelijk toe",
        _label(ItemGround.COMPELLING_GROUNDS),
        balancing,  # the written balancing, approved with the decision
        _label(ItemGround.NOT_E_OR_F),
        "gestopt met dit gebruik van uw gegevens",
        cvs.name,
        "artikel 21 lid 1 AVG",
    ):
        assert expected in text, expected
    _remedies(text, werkse)


def test_portability_from_form_to_pdf_and_export(
    page, browser, live_server, werkse, officer, colleague, assert_accessible, screenshot
):
    # AVG 20(1): the data in a structured, machine-readable format next to the letter; 20(3):
    # never for a public task
    def fill(page):
        page.fill("#id_details-portability_what", "Mijn gegevens voor de nieuwsbrief.")

    case = submit_and_confirm(page, werkse, "portability", fill, assert_accessible, screenshot)
    start_assessment(page, officer, case, PortabilityFlow)
    for public_task in (SUBSIDIE, REINTEGRATIE):
        ground = page.input_value(f"#id_items-{public_task}-legal_ground")
        assert ground == ItemGround.PUBLIC_TASK_PORTABILITY
    page.fill(
        f"#id_items-{NIEUWSBRIEF}-current_value",
        "e-mail: anna@example.org\ninteresse: techniek",
    )
    assert_accessible(page)
    screenshot(page, "portability-2-assess")
    complete(page)
    open_task(page, case, PortabilityFlow.draft_decision)
    complete(page)
    approve(browser, live_server, colleague, case, PortabilityFlow)
    case.refresh_from_db()
    assert case.status == "closed"

    open_answer(page, case)
    assert_accessible(page)
    screenshot(page, "portability-3-answer")
    export_title = _nl("Your data (JSON and CSV) %(reference)s", reference=case.reference)
    with zipfile.ZipFile(io.BytesIO(download(page, export_title))) as archive:
        assert sorted(archive.namelist()) == ["data.csv", "data.json"]
        document = json.loads(archive.read("data.json"))
        csv_text = archive.read("data.csv").decode()
    assert document["reference"] == case.reference
    [record] = document["records"]
    assert record["processing"] == "Nieuwsbrief en uitnodigingen"
    assert record["data"] == [
        {"field": "e-mail", "value": "anna@example.org"},
        {"field": "interesse", "value": "techniek"},
    ]
    assert csv_text.splitlines() == [
        "processing,field,value",
        "Nieuwsbrief en uitnodigingen,e-mail,anna@example.org",
        "Nieuwsbrief en uitnodigingen,interesse,techniek",
    ]

    text = decision_pdf_text(page, case)
    for expected in (
        case.reference,
        "overdracht van uw gegevens",
        "gedeeltelijk toe",
        "JSON en CSV",
        _label(ItemGround.PUBLIC_TASK_PORTABILITY),  # AVG 20(3), per refused processing
        "Nieuwsbrief en uitnodigingen",
    ):
        assert expected in text, expected
    _remedies(text, werkse)


def test_portability_for_a_public_task_refused_with_linked_inzage(
    page, browser, live_server, werkse, officer, colleague, assert_accessible, screenshot
):
    # AVG 20(3), LEGAL.md 4.6: refused with that reason; one click starts the inzage case for
    # the same person, linked, with the original receipt date
    case = submit_and_confirm(
        page, werkse, "portability", lambda page: None, assert_accessible, screenshot
    )
    start_assessment(page, officer, case, PortabilityFlow)
    not_subscribed = "U bent geen abonnee van de nieuwsbrief."
    _refuse_row(page, NIEUWSBRIEF, ItemGround.OTHER, not_subscribed)
    complete(page)
    case.refresh_from_db()
    assert case.outcome == "refused"

    page.goto(f"/behandeling/zaken/{case.pk}/")
    assert_accessible(page)
    screenshot(page, "portability-4-refused-case")
    page.get_by_role("button", name=_nl("Start an access case for this person")).click()
    access = case.linked_cases.get()
    page.wait_for_url(f"**/behandeling/zaken/{access.pk}/")
    assert access.right == Right.ACCESS and access.request == case.request
    assert _label(Right.ACCESS) in page.get_by_role("heading", level=1).inner_text()
    assert _nl("Access case started for the same person.") in page.locator("main").inner_text()
    back = page.get_by_role("link", name=_label(Right.PORTABILITY))
    assert back.get_attribute("href") == f"/behandeling/zaken/{case.pk}/"
    assert_accessible(page)
    screenshot(page, "portability-5-linked-inzage")

    # refused item by item: drafted per item, the reasons shown beside the officer's remarks
    open_task(page, case, PortabilityFlow.draft_decision)
    assert not_subscribed in page.locator("main").inner_text()
    assert page.input_value("#id_remarks") == ""
    assert_accessible(page)
    complete(page)
    approve(browser, live_server, colleague, case, PortabilityFlow)
    text = decision_pdf_text(page, case)
    for expected in (
        case.reference,
        "Wij wijzen uw verzoek af",
        "artikel 20 lid 3 AVG",
        "dezelfde ontvangstdatum",  # the linked inzage case keeps the receipt date
    ):
        assert expected in text, expected
    # Awb 3:46: each item's ground and reasons once, in the table
    assert text.count(_label(ItemGround.PUBLIC_TASK_PORTABILITY)) == 2  # two public-task lines
    assert text.count(not_subscribed) == 1
    _remedies(text, werkse)
