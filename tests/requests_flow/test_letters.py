"""Decision letters: content the law requires, PDF/A tagging, and a fetcher that fetches nothing.

The PDF text is read back with pypdf, so these tests see what the requester will read; phrases
are counted in pdftotext's reading of it.
"""

import datetime
import io
import os
import re
import select
import socket
import subprocess
import sys
import zlib

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template import engines
from django.utils import translation
from pypdf import PdfReader

from organisations.constants import LegalForm
from organisations.models import Organisation
from requests_flow import services
from requests_flow.constants import (
    ITEM_GROUNDS,
    Channel,
    InformationKind,
    InformationStatus,
    ItemDecision,
    ItemGround,
    Language,
    Outcome,
    RefusalGround,
    Relation,
    Right,
)
from requests_flow.letters import (
    LetterContainsBSN,
    LetterIncomplete,
    decision_letter,
    html_to_pdf,
    letter_url_fetcher,
    letters_base_url,
    static_roots,
)
from requests_flow.models import (
    AccessAnswer,
    Case,
    CaseDocument,
    InformationRequest,
    Request,
    SourceFinding,
)
from tests.requests_flow.items_helpers import as_read, pdftotext

SENT_ON = datetime.date(2026, 3, 12)

SECTIONS_NL = {
    "purposes": ("Doelen", "Wij begeleiden u naar passend werk."),
    "categories": ("Soorten gegevens", "Naam, adres, werkervaring en afspraken."),
    "recipients": ("Ontvangers", "Het UWV, alleen voor uw uitkering; niets buiten de EU."),
    "retention": ("Bewaartermijn", "Tot twee jaar na het einde van uw traject."),
    "rights": ("Uw rechten", "U kunt vragen om correctie, verwijdering of beperking."),
    "complaint": ("Klacht bij de Autoriteit Persoonsgegevens", "U mag altijd klagen bij de AP."),
    "source": ("Bron", "Gegevens van de gemeente Delft over uw uitkering."),
    "automated_decisions": ("Geautomatiseerde besluitvorming", "Wij nemen geen automatische"),
}
SECTIONS_EN_HEADINGS = [
    "Purposes",
    "Categories of data",
    "Recipients",
    "Retention",
    "Your rights",
    "Complaint to the Autoriteit Persoonsgegevens",
    "Source",
    "Automated decision-making",
]
AP_CLAUSE = "Autoriteit Persoonsgegevens, Postbus 93374, 2509 AJ Den Haag"


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def officer(db):
    return get_user_model().objects.create_user("letters-officer", password="not-used-here-123")


@pytest.fixture
def public_body(db):
    return Organisation.objects.create(
        name="Werkse!",
        slug="werkse-letters",
        legal_form=LegalForm.PUBLIC_BODY,
        on_behalf_of="het college van burgemeester en wethouders van Delft",
        objection_body="Het college van burgemeester en wethouders van Delft",
        objection_address="Postbus 78\n2600 ME Delft",
        parent_name="gemeente Delft",
        address="Voorbeeldstraat 1\n2611 AA Delft",
        website="https://werkse.example",
        email="privacy@werkse.example",
        phone="015 000 0000",
        fg_name="M. Bakker",
        fg_email="fg@delft.example",
        brand_colour="#c8102e",
        signatory="J. de Vries, privacy officer",
    )


@pytest.fixture
def private_org(db):
    return Organisation.objects.create(
        name="Workways B.V.",
        slug="workways-letters",
        legal_form=LegalForm.PRIVATE,
        address="Werkweg 2\n3511 AB Utrecht",
        email="privacy@workways.example",
        brand_colour="#00695c",
        signatory="A. Jansen, privacy officer",
    )


def make_case(org, *, language=Language.NL, outcome=Outcome.GRANTED, **case_fields):
    request = Request.objects.create(
        reference=f"AVG-2026-{Request.objects.count() + 41:05d}",
        organisation=org,
        channel=Channel.WEB,
        received_on=datetime.date(2026, 3, 2),
        language=language,
        requester_name="Sanne Visser",
        requester_email="sanne@example.org",
        requester_address="Kerkstraat 5",
        requester_postal_code="2611 BB",
        requester_city="Delft",
        relation=Relation.CLIENT,
    )
    return Case.objects.create(
        request=request,
        organisation=org,
        right=case_fields.pop("right", Right.ACCESS),
        internal_due_on=datetime.date(2026, 3, 30),
        legal_due_on=datetime.date(2026, 4, 2),
        outcome=outcome,
        **case_fields,
    )


def add_access_answer(case, officer, **overrides):
    fields = {field: content for field, (_, content) in SECTIONS_NL.items()}
    fields["automated_decisions"] = "Wij nemen geen automatische besluiten over u."
    fields.update(overrides)
    AccessAnswer.objects.create(case=case, **fields)
    CaseDocument.objects.create(
        case=case,
        kind="extract",
        title="Uittreksel klantvolgsysteem",
        file="cases/test/extract.pdf",
        content_type="application/pdf",
        size=1000,
        shared_with_requester=True,
    )
    CaseDocument.objects.create(
        case=case,
        kind="extract",
        title="Interne notitie (niet gedeeld)",
        file="cases/test/note.pdf",
        content_type="application/pdf",
        size=1000,
        shared_with_requester=False,
    )
    SourceFinding.objects.create(
        case=case, system="Klantvolgsysteem", found=True, summary="dossier", recorded_by=officer
    )
    return case


@pytest.fixture
def public_access_case(public_body, officer):
    return add_access_answer(make_case(public_body), officer)


@pytest.fixture
def private_access_case(private_org, officer):
    return add_access_answer(make_case(private_org), officer)


def pdf_text(pdf: bytes) -> str:
    """All text of the PDF with whitespace collapsed, so wrapped lines still match."""
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "{#" not in text and "{%" not in text and "{{" not in text, "template syntax leaked"
    return text


def label(choice, language) -> str:
    with translation.override(language):
        return as_read(str(choice.label))


# --- the inzage letter ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_access_letter_has_every_15_1_section_and_the_copy(public_access_case):
    # AVG 15(1): each of (a)-(h) under its own heading, with the content tailored to this person
    text = pdf_text(decision_letter(public_access_case, SENT_ON))

    assert "AVG-2026-00041" in text
    assert "12 maart 2026" in text  # the date of dispatch (Awb 3:41)
    assert "Sanne Visser" in text and "2611 BB Delft" in text
    assert "Wij gebruiken persoonsgegevens van u." in text
    for heading, content in SECTIONS_NL.values():
        assert heading in text
        assert content in text
    # AVG 15(3): the copy is enclosed; documents not shared are not listed
    assert "Uittreksel klantvolgsysteem" in text
    assert "Interne notitie" not in text


@pytest.mark.django_db
def test_earlier_letters_are_not_listed_as_the_copy(public_body, officer):
    # AVG 15(3): the copy is the person's data, not our own correspondence about the request
    case = add_access_answer(make_case(public_body), officer)
    CaseDocument.objects.filter(case=case).update(shared_with_requester=False)
    CaseDocument.objects.create(
        case=case,
        kind="letter",
        title="Besluit AVG-2026-00041",
        file="cases/test/decision.pdf",
        content_type="application/pdf",
        size=1000,
        shared_with_requester=True,
    )

    with pytest.raises(LetterIncomplete, match=re.escape("a copy of the data (AVG 15(3))")):
        decision_letter(case, SENT_ON)


@pytest.mark.django_db
def test_public_body_letter_has_ap_and_bezwaarschrift_clauses_and_is_signed_namens(
    public_access_case,
):
    # AVG 12(4), 77: the right to complain to the AP; Awb 6:7, 6:8: bezwaarschrift within six
    # weeks to the body in the policy; LEGAL.md §0: signed "namens" that body
    text = pdf_text(decision_letter(public_access_case, SENT_ON))

    assert AP_CLAUSE in text
    assert "autoriteitpersoonsgegevens.nl" in text
    assert "bezwaarschrift" in text
    assert "binnen zes weken naar Het college van burgemeester en wethouders van Delft" in text
    assert "De zes weken beginnen op de dag na de datum van deze brief" in text
    assert "Postbus 78 2600 ME Delft" in text
    assert "artikel 6:7 en 6:8 Awb" in text
    assert "namens het college van burgemeester en wethouders van Delft" in text
    assert "J. de Vries, privacy officer" in text
    assert "verzoekschrift" not in text


@pytest.mark.django_db
def test_private_organisation_letter_offers_court_petition_not_bezwaarschrift(
    private_access_case,
):
    # UAVG 35: a private organisation's answer is no besluit: petition to the court within six
    # weeks, and no bezwaarschrift (LEGAL.md §0); AVG 12(4): the AP clause still applies
    text = pdf_text(decision_letter(private_access_case, SENT_ON))

    assert "verzoekschrift" in text
    assert "rechtbank" in text
    assert "binnen zes weken nadat u dit antwoord hebt ontvangen" in text
    assert "artikel 35 Uitvoeringswet AVG" in text
    assert "bezwaar" not in text.lower()
    assert "namens" not in text
    assert "Awb" not in text
    assert AP_CLAUSE in text
    assert "A. Jansen, privacy officer" in text
    assert "Workways B.V." in text


@pytest.mark.django_db
def test_english_requester_gets_an_english_letter(public_body, officer):
    # LEGAL.md 5.6: English where the requester chose English; AVG 15(1) headings in English
    case = add_access_answer(make_case(public_body, language=Language.EN), officer)

    text = pdf_text(decision_letter(case, SENT_ON))

    assert "12 March 2026" in text
    assert "Dear Sanne Visser" in text
    for heading in SECTIONS_EN_HEADINGS:
        assert heading in text
    assert "notice of objection" in text  # Awb 6:7
    assert "on behalf of het college van burgemeester en wethouders van Delft" in text
    assert AP_CLAUSE in text  # AVG 12(4)
    assert "Beste" not in text
    assert "Doelen" not in text


@pytest.mark.django_db
def test_partly_granted_access_letter_gives_reasons(public_body, officer):
    # Awb 3:46: a partial refusal carries its reasons
    case = add_access_answer(
        make_case(
            public_body,
            outcome=Outcome.PARTLY_GRANTED,
            decision_reasons="Een verslag over een collega valt onder artikel 15 lid 4 AVG.",
        ),
        officer,
    )

    text = pdf_text(decision_letter(case, SENT_ON))

    assert "Wij geven u gedeeltelijk inzage" in text
    assert "Een verslag over een collega valt onder artikel 15 lid 4 AVG." in text


@pytest.mark.django_db
def test_representative_is_addressed_and_the_requester_named(public_body, officer):
    # LEGAL.md 2.3: the answer goes to the representative
    case = add_access_answer(make_case(public_body), officer)
    Request.objects.filter(pk=case.request_id).update(
        representative_role="bewindvoerder",
        representative_name="P. de Boer",
        representative_email="bewind@example.org",
    )
    case.refresh_from_db()

    text = pdf_text(decision_letter(case, SENT_ON))

    assert "Beste P. de Boer" in text
    assert "namens Sanne Visser" in text
    assert "Kerkstraat 5" not in text  # the requester's address is not the representative's


# --- refusals ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_refusal_letter_gives_its_reasons_and_the_remedies(public_body):
    # Awb 3:46: the reasons; Awb 6:7: bezwaarschrift; AVG 12(4): the AP clause
    case = make_case(
        public_body,
        outcome=Outcome.REFUSED,
        refusal_ground=RefusalGround.IDENTITY_NOT_ESTABLISHED,
        decision_reasons="U hebt niet laten zien dat u de persoon bent om wie het gaat.",
    )

    text = pdf_text(decision_letter(case, SENT_ON))

    assert "AVG-2026-00041" in text
    assert "Wij wijzen uw verzoek af." in text
    assert "U hebt niet laten zien dat u de persoon bent om wie het gaat." in text
    assert "Wij konden niet vaststellen dat u de persoon bent" in text
    assert "bezwaarschrift" in text
    assert AP_CLAUSE in text
    assert "namens het college van burgemeester en wethouders van Delft" in text


@pytest.mark.django_db
def test_not_handled_letter_for_a_private_organisation(private_org):
    # UAVG 35: no "buiten behandeling" under the Awb and no bezwaarschrift for a company
    case = make_case(
        private_org,
        outcome=Outcome.NOT_HANDLED,
        refusal_ground=RefusalGround.IDENTITY_NOT_ESTABLISHED,
        right=Right.ERASURE,
        decision_reasons="Wij vroegen op 4 maart om uw klantnummer; dat kwam niet.",
    )

    pdf = decision_letter(case, SENT_ON)
    text = pdf_text(pdf)

    assert "Antwoord op uw verzoek om verwijdering van uw gegevens" in text
    title = PdfReader(io.BytesIO(pdf)).metadata.title
    assert title == "Antwoord op uw verzoek om verwijdering van uw gegevens – AVG-2026-00041"
    assert "Wij behandelen uw verzoek niet verder." in text
    assert "Wij vroegen op 4 maart om uw klantnummer; dat kwam niet." in text
    assert "verzoekschrift" in text
    assert "bezwaar" not in text.lower()


@pytest.mark.django_db
def test_english_refusal_not_an_avg_request(public_body):
    # Awb 3:46 reasons, in English
    case = make_case(
        public_body,
        language=Language.EN,
        outcome=Outcome.REFUSED,
        refusal_ground=RefusalGround.NOT_AN_AVG_REQUEST,
        decision_reasons="Your question is about a parking permit, not about personal data.",
    )

    text = pdf_text(decision_letter(case, SENT_ON))

    assert "We refuse your request." in text
    assert "Your question is about a parking permit, not about personal data." in text
    assert "Complaint to the Autoriteit Persoonsgegevens" in text


@pytest.mark.django_db
@pytest.mark.parametrize("language", [Language.NL, Language.EN])
def test_not_handled_letter_says_once_what_we_asked_for_and_when(public_body, officer, language):
    # Awb 4:5, Awb 3:46: the request for information and its term are the reasons, stated once
    case = make_case(public_body, language=language, right=Right.RESTRICTION, outcome="")
    asked = "Welke gegevens bedoelt u precies?"
    InformationRequest.objects.create(
        case=case,
        kind=InformationKind.CLARIFICATION,
        what_is_needed=asked,
        sent_on=datetime.date(2026, 3, 4),
        reply_due_on=datetime.date(2026, 3, 18),
        status=InformationStatus.EXPIRED,
        created_by=officer,
    )
    Case.objects.filter(pk=case.pk).update(
        outcome=Outcome.NOT_HANDLED, refusal_ground=RefusalGround.NO_REPLY
    )
    case.refresh_from_db()

    text = pdftotext(decision_letter(case, SENT_ON))

    assert text.count(asked) == 1
    day, term = {Language.NL: ("4 maart 2026", "18 maart 2026")}.get(
        language, ("4 March 2026", "18 March 2026")
    )
    assert text.count(day) == 1 and text.count(term) == 1
    assert "bezwaarschrift" in text  # Awb 6:7
    assert AP_CLAUSE in text  # AVG 12(4)


@pytest.mark.django_db
def test_not_handled_without_the_expired_request_refuses_to_render(public_body):
    # Awb 4:5: "not handled" for want of a reply names what was asked; without it, no letter
    case = make_case(
        public_body, outcome=Outcome.NOT_HANDLED, refusal_ground=RefusalGround.NO_REPLY
    )

    with pytest.raises(LetterIncomplete, match="request for information"):
        decision_letter(case, SENT_ON)


# --- decisions per item --------------------------------------------------------------------------


def refused_items(right) -> list[tuple[str, str, str]]:
    """Three items of `right`, each refused on one of its grounds, with reasons in Dutch."""
    grounds = (ITEM_GROUNDS[right] * 3)[:3]
    return [
        (f"Onderdeel {n} van het dossier", ground, f"Reden {n}: zo staat het in ons besluit.")
        for n, ground in enumerate(grounds, start=1)
    ]


def decide_items(case, officer, rows, remarks=""):
    """Decide and draft through the services the officer's tasks call."""
    services.assess_items(
        case=case,
        actor=officer,
        assessment=services.Assessment(
            decisions=[
                services.ItemDecisionInput(
                    decision=ItemDecision.REFUSED,
                    description=description,
                    legal_ground=ground,
                    reason=reason,
                )
                for description, ground, reason in rows
            ]
        ),
    )
    services.draft_items_decision(case=case, actor=officer, remarks=remarks)
    case.refresh_from_db()


ITEM_RIGHTS = [Right.ERASURE, Right.RECTIFICATION, Right.RESTRICTION, Right.OBJECTION]


@pytest.mark.django_db
@pytest.mark.parametrize("language", [Language.NL, Language.EN])
@pytest.mark.parametrize("right", [*ITEM_RIGHTS, Right.PORTABILITY])
def test_refusal_of_every_item_gives_each_items_ground_and_reasons_once(
    public_body, officer, right, language
):
    # Awb 3:46: reasons per item, stated once (the table); LEGAL.md 5.6: the grounds' words in
    # the requester's language, whatever language the officer works in
    case = make_case(public_body, language=language, right=right, outcome="")
    rows = refused_items(right)
    with translation.override(Language.NL):  # a Dutch officer decides
        decide_items(case, officer, rows)
    assert case.outcome == Outcome.REFUSED and case.decision_reasons == ""

    text = pdftotext(decision_letter(case, SENT_ON))

    other = Language.EN if language == Language.NL else Language.NL
    for description, ground, reason in rows:
        assert text.count(description) == 1, description
        assert text.count(reason) == 1, reason
        expected = sum(1 for _, g, _ in rows if g == ground)
        assert text.count(label(ItemGround(ground), language)) == expected, ground
    for ground in ItemGround:
        assert label(ground, other) not in text, ground
    assert "bezwaarschrift" in text  # Awb 6:7, the body from the policy
    assert "het college van burgemeester en wethouders van Delft" in text
    assert AP_CLAUSE in text  # AVG 12(4)


@pytest.mark.django_db
def test_item_refusal_shows_remarks_only_when_the_officer_wrote_some(public_body, officer):
    # Awb 3:46: the officer's own words come with the reasons per item, never in their place
    rows = refused_items(Right.ERASURE)
    silent = make_case(public_body, right=Right.ERASURE, outcome="")
    decide_items(silent, officer, rows)
    remarks = "Wij hebben uw verzoek met de archivaris besproken."
    remarked = make_case(public_body, right=Right.ERASURE, outcome="")
    decide_items(remarked, officer, rows, remarks=remarks)

    # the page footer ("Werkse! · AVG-2026-00041 1 / 2") may fall anywhere in the text
    footer = re.compile(r"Werkse! · AVG-\d{4}-\d{5} \d+ / \d+ ")
    silent_text = footer.sub("", pdftotext(decision_letter(silent, SENT_ON)))
    remarked_text = footer.sub("", pdftotext(decision_letter(remarked, SENT_ON)))

    summary = "Bij elk onderdeel staat hierboven waarom wij het afwijzen."
    assert f"{summary} Bent u het niet eens met dit besluit?" in silent_text
    assert remarked_text.count(remarks) == 1
    assert f"{summary} {remarks}" in remarked_text


@pytest.mark.django_db
@pytest.mark.parametrize("org", ["public_body", "private_org"])
def test_item_refusal_has_the_remedies_of_the_organisations_legal_form(request, org, officer):
    # LEGAL.md §0, 5.3: a public body's letter gives the bezwaarschrift (Awb 6:7) to the body of
    # its policy; a company's the petition to the court (UAVG 35); both the AP (AVG 12(4), 77)
    organisation = request.getfixturevalue(org)
    case = make_case(organisation, right=Right.RECTIFICATION, outcome="")
    decide_items(case, officer, refused_items(Right.RECTIFICATION))

    text = pdftotext(decision_letter(case, SENT_ON))

    assert AP_CLAUSE in text
    if organisation.is_public_body:
        assert "bezwaarschrift" in text and organisation.objection_body in text
        assert "namens het college van burgemeester en wethouders van Delft" in text
    else:
        assert "verzoekschrift" in text and "rechtbank" in text
        assert "bezwaar" not in text.lower()


@pytest.mark.django_db
def test_item_refusal_without_reasons_for_an_item_refuses_to_render(public_body, officer):
    # Awb 3:46: a refused item without its reasons must not go out
    case = make_case(public_body, right=Right.ERASURE, outcome="")
    decide_items(case, officer, refused_items(Right.ERASURE))
    case.items.filter(pk=case.items.first().pk).update(reason=" ")

    with pytest.raises(LetterIncomplete, match="Onderdeel 1 van het dossier"):
        decision_letter(case, SENT_ON)


# --- mandatory content ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("field", AccessAnswer.SECTION_FIELDS)
def test_missing_15_1_section_refuses_to_render(public_body, officer, field):
    # AVG 15(1): a letter without one of (a)-(h) must not go out
    case = add_access_answer(make_case(public_body), officer, **{field: "  "})

    with pytest.raises(LetterIncomplete, match=re.escape("AVG 15(1)(")):
        decision_letter(case, SENT_ON)


@pytest.mark.django_db
def test_access_letter_without_answer_or_copy_refuses_to_render(public_body):
    # AVG 15(1), 15(3): no answer and no copy: nothing to send yet
    case = make_case(public_body)

    with pytest.raises(LetterIncomplete, match="AVG 15\\(1\\) answer"):
        decision_letter(case, SENT_ON)


@pytest.mark.django_db
def test_refusal_without_reasons_refuses_to_render(public_body):
    # Awb 3:46: a refusal carries its reasons
    case = make_case(
        public_body, outcome=Outcome.REFUSED, refusal_ground=RefusalGround.NOT_AN_AVG_REQUEST
    )

    with pytest.raises(LetterIncomplete, match="reasons"):
        decision_letter(case, SENT_ON)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "named"),
    [("objection_body", "bezwaarschrift"), ("on_behalf_of", "on behalf of")],
)
def test_public_body_without_objection_body_or_signing_body_refuses(
    public_access_case, field, named
):
    # Awb 6:7: the bezwaarschrift clause names the body; LEGAL.md §0: signed "namens" it
    Organisation.objects.filter(pk=public_access_case.organisation_id).update(**{field: ""})
    public_access_case.refresh_from_db()

    with pytest.raises(LetterIncomplete, match=named):
        decision_letter(public_access_case, SENT_ON)


@pytest.mark.django_db
def test_case_without_outcome_has_no_letter(public_body):
    case = make_case(public_body, outcome="")

    with pytest.raises(LetterIncomplete, match="no outcome"):
        decision_letter(case, SENT_ON)


@pytest.mark.django_db
def test_a_bsn_in_the_text_is_never_printed(public_body):
    # LEGAL.md 2.4 (AVG 87, UAVG 46): a BSN is never printed in a letter
    case = make_case(
        public_body,
        outcome=Outcome.REFUSED,
        refusal_ground=RefusalGround.IDENTITY_NOT_ESTABLISHED,
        decision_reasons="Uw BSN 1234.56.782 hoort bij een andere naam.",
    )

    with pytest.raises(LetterContainsBSN):
        decision_letter(case, SENT_ON)


# --- the PDF itself ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_letter_is_tagged_and_declares_pdf_a(public_access_case):
    # AVG 12(1) accessible and Archiefwet-fit: PDF/A-2a is tagged (StructTreeRoot, MarkInfo)
    reader = PdfReader(io.BytesIO(decision_letter(public_access_case, SENT_ON)))
    catalog = reader.trailer["/Root"]

    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "nl"
    xmp = catalog["/Metadata"].get_object().get_data()
    assert b"pdfaid" in xmp
    assert re.search(rb"pdfaid:part(>|=\")2", xmp)
    assert re.search(rb"pdfaid:conformance(>|=\")A", xmp)


# --- the URL fetcher -----------------------------------------------------------------------------


def _all_decoded_streams(pdf: bytes) -> bytes:
    """Every stream of the PDF, decompressed where it is Flate-encoded."""
    chunks = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        data = match.group(1)
        try:
            chunks.append(zlib.decompress(data))
        except zlib.error:
            chunks.append(data)
    return b"\n".join(chunks)


@pytest.fixture
def listener():
    """A real socket on a free local port; the test checks that nobody connected to it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield sock
    sock.close()


def test_rendering_fetches_nothing_from_the_network_or_outside_static(listener, caplog):
    # AVG 32 (security of processing): a letter never makes the server fetch a URL or read a file
    # (issue 10: an external URL, file:///etc/passwd and a local port, none fetched)
    caplog.set_level("WARNING", logger="requests_flow.letters")
    port = listener.getsockname()[1]
    template = engines["django"].from_string(
        """<html lang="nl"><head><title>fetch test</title>
        <link rel="stylesheet" href="letters/letter.css">
        <link rel="stylesheet" href="http://127.0.0.1:{{ port }}/x.css">
        <link rel="stylesheet" href="https://example.org/external.css">
        <link rel="stylesheet" href="file:///etc/passwd">
        <link rel="attachment" href="file:///etc/passwd">
        </head><body>
        <p>Inhoud van de brief</p>
        <img src="http://127.0.0.1:{{ port }}/x.png" alt="">
        <img src="https://127.0.0.1:{{ port }}/y.png" alt="">
        <img src="http://localhost:{{ port }}/z.png" alt="">
        <img src="file:///etc/passwd" alt="">
        <img src="https://example.org/external.png" alt="">
        <img src="letters/../../../../../../etc/passwd" alt="">
        </body></html>"""
    )

    pdf = html_to_pdf(template.render({"port": port}))

    readable, _, _ = select.select([listener], [], [], 0.2)
    assert readable == [], "the renderer connected to the local listener"
    refused = " ".join(
        r.getMessage() for r in caplog.records if "refused to fetch" in r.getMessage()
    )
    for url in (
        "https://example.org/external.css",
        "https://example.org/external.png",
        "file:///etc/passwd",
        f"http://127.0.0.1:{port}/x.css",
        f"http://localhost:{port}/z.png",
    ):
        assert url in refused, url
    reader = PdfReader(io.BytesIO(pdf))
    assert "Inhoud van de brief" in reader.pages[0].extract_text()
    assert not reader.attachments
    assert b"root:" not in _all_decoded_streams(pdf)
    # the static stylesheet was served: the text is in DejaVu Sans, not the default serif font
    fonts = {
        str(font.get_object()["/BaseFont"])
        for font in reader.pages[0]["/Resources"]["/Font"].values()
    }
    assert fonts and all("Sans" in font and "Serif" not in font for font in fonts), fonts


def test_fetcher_serves_static_files_and_data_urls():
    fetcher = letter_url_fetcher()

    css = fetcher.fetch(letters_base_url() + "letters/letter.css")
    assert css.content_type == "text/css"
    assert b"@page" in css.read()
    data = fetcher.fetch("data:text/plain;base64,aGFsbG8=")
    assert data.read() == b"hallo"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "file://evil.example/etc/passwd",
        "http://127.0.0.1:1/x.png",
        "https://example.org/x.png",
        "ftp://example.org/x",
    ],
)
def test_fetcher_refuses_everything_else(url):
    # AVG 32: no network, no files outside the static directories
    with pytest.raises(ValueError, match="only use data: URLs and static files"):
        letter_url_fetcher().fetch(url)


def test_fetcher_refuses_traversal_and_symlinks_out_of_static(tmp_path):
    # AVG 32: ".." and a symlink inside the static root still resolve outside it
    root = tmp_path / "static"
    (root / "letters").mkdir(parents=True)
    (root / "letters" / "ok.css").write_text("p {}")
    (tmp_path / "secret.txt").write_text("secret")
    (root / "letters" / "link.txt").symlink_to(tmp_path / "secret.txt")
    fetcher = letter_url_fetcher(roots=[root])

    assert fetcher.fetch((root / "letters" / "ok.css").as_uri()).read() == b"p {}"
    for url in (
        root.as_uri() + "/letters/../../secret.txt",
        root.as_uri() + "/letters/%2e%2e/%2e%2e/secret.txt",
        (root / "letters" / "link.txt").as_uri(),
        (root / "letters" / "missing.css").as_uri(),
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_static_roots_are_the_project_static_dirs():
    assert static_roots() == [path.resolve() for path in settings.STATICFILES_DIRS]
    assert letters_base_url().endswith("/static/")


def test_importing_letters_does_not_import_weasyprint():
    # DESIGN.md rule 7: weasyprint is imported inside the render function only
    code = (
        "import sys, django; django.setup(); import requests_flow.letters; "
        "sys.exit('weasyprint' in sys.modules)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "x"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, capture_output=True
    )
    assert result.returncode == 0, result.stderr.decode()
