"""Decision letters as PDF (LEGAL.md §5).

Templates live in ``templates/letters/``: a shared layout, and the prose per language in
``letters/nl/`` and ``letters/en/`` (legal text reads better written whole than assembled from
message ids). weasyprint is imported inside the render function only (DESIGN.md rule 7) and
fetches nothing but ``data:`` URLs and files under the project's static directories.
"""

import datetime
import functools
import logging
import mimetypes
import re
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import strip_tags

from organisations.services import logo_data_url
from requests_flow.constants import (
    ItemDecision,
    ItemGround,
    Language,
    NotificationStatus,
    Outcome,
    RefusalGround,
    Right,
)
from requests_flow.models import AccessAnswer, Case, CaseDocument, DocumentKind

logger = logging.getLogger(__name__)

STYLESHEET = "letters/letter.css"
ACCESS_TEMPLATE = "letters/access_decision.html"
ITEMS_TEMPLATE = "letters/items_decision.html"
REFUSAL_TEMPLATE = "letters/refusal_decision.html"
DEFAULT_BRAND_COLOUR = "#1f4e79"

_HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
# Nine digits, bare or grouped as 1234.56.789 / 123 456 789, not inside a longer number.
_BSN_CANDIDATE = re.compile(
    r"(?<![\d.])(\d{4}[. ]?\d{2}[. ]?\d{3}|\d{3}[. ]\d{3}[. ]\d{3})(?![\d])"
)

_SECTION_LABELS = {
    "purposes": "purposes (AVG 15(1)(a))",
    "categories": "categories of personal data (AVG 15(1)(b))",
    "recipients": "recipients (AVG 15(1)(c))",
    "retention": "retention period (AVG 15(1)(d))",
    "rights": "rights to rectification, erasure, restriction and objection (AVG 15(1)(e))",
    "complaint": "right to complain to the AP (AVG 15(1)(f))",
    "source": "source of the data (AVG 15(1)(g))",
    "automated_decisions": "automated decision-making (AVG 15(1)(h))",
}


class LetterIncomplete(ValueError):
    """A decision lacks content the law requires; it must not be sent like this."""


class LetterContainsBSN(ValueError):
    """The rendered letter contains what looks like a BSN (LEGAL.md 2.4: never printed)."""


# --- rendering ---------------------------------------------------------------------------------


def static_roots() -> list[Path]:
    """The project's static directories (STATICFILES_DIRS), resolved; the only files letters use."""
    roots = []
    for entry in settings.STATICFILES_DIRS:
        path = entry[1] if isinstance(entry, list | tuple) else entry
        roots.append(Path(path).resolve())
    return roots


def letters_base_url() -> str:
    """A file URL of the static root that holds the letter stylesheet, ending in '/'.

    Templates link ``letters/letter.css`` relative to it, so the link resolves to a file the
    fetcher serves.
    """
    for root in static_roots():
        if (root / STYLESHEET).is_file():
            return root.as_uri() + "/"
    raise ImproperlyConfigured(f"{STYLESHEET} is not in any of STATICFILES_DIRS.")


@functools.cache
def _letter_url_fetcher_class():
    # built on first use: weasyprint is imported only when a letter is rendered (DESIGN.md rule 7)
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LetterURLFetcher(URLFetcher):
        """Serves ``data:`` URLs and files under the static roots; refuses everything else.

        No network at all: a letter template (or text an officer typed into one) must never make
        the server fetch a URL or read a file outside the static directories.
        """

        def __init__(self, roots=None):
            super().__init__(allowed_protocols=("data", "file"), allow_redirects=False, timeout=2)
            self.roots = [Path(root).resolve() for root in (roots or static_roots())]

        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                return self._fetch_static_file(url)
            return self._refuse(url)

        def _fetch_static_file(self, url):
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                return self._refuse(url)
            # resolve() follows symlinks and "..", so the containment check sees the real file
            path = Path(url2pathname(parts.path)).resolve()
            if not path.is_file() or not any(path.is_relative_to(root) for root in self.roots):
                return self._refuse(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if content_type.startswith("text/"):
                content_type += "; charset=utf-8"
            return URLFetcherResponse(
                path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
            )

        def _refuse(self, url):
            shown = url if len(url) < 200 else url[:200] + "…"
            logger.warning("Letter rendering refused to fetch %s", shown)
            raise ValueError(f"Letters may only use data: URLs and static files, not {shown}")

    return LetterURLFetcher


def letter_url_fetcher(roots=None):
    """A new fetcher for letter rendering (see ``LetterURLFetcher``); ``roots`` for tests."""
    return _letter_url_fetcher_class()(roots)


def html_to_pdf(html: str) -> bytes:
    """Turn letter HTML into an archival (PDF/A-2a), tagged PDF."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=letters_base_url(), url_fetcher=letter_url_fetcher())
    return document.write_pdf(pdf_variant="pdf/a-2a")


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a Django template to an archival, tagged PDF (any document: letters, extracts)."""
    return html_to_pdf(render_to_string(template_name, context))


def render_letter(template_name: str, context: dict) -> bytes:
    """Like ``render_pdf``, for a letter: refuses (``LetterContainsBSN``) when its text holds a
    number that passes the BSN eleven-test, because a BSN is never printed in a letter (LEGAL.md
    2.4). Extracts for an inzage copy may show the person's own BSN; use ``render_pdf`` for them.
    """
    html = render_to_string(template_name, context)
    _refuse_bsn(strip_tags(html))
    return html_to_pdf(html)


def _passes_eleven_test(digits: str) -> bool:
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 == 0


def _refuse_bsn(text: str) -> None:
    for match in _BSN_CANDIDATE.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        if len(digits) == 9 and int(digits) and _passes_eleven_test(digits):
            raise LetterContainsBSN(
                "The letter contains a number that looks like a BSN; remove it from the text."
            )


# --- decision letters --------------------------------------------------------------------------


def decision_letter(case: Case, sent_on: datetime.date) -> bytes:
    """The decision letter for ``case`` as a PDF, dated ``sent_on`` (the dispatch date, Awb 3:41).

    Granted and partly granted access cases get the inzage letter; a decision per item (granted,
    partly granted or refused item by item) the items letter, which gives each refused item's
    ground and reasons once; a request refused or not handled as a whole the refusal letter.
    The grounds' words are rendered here, in the requester's language. Raises
    ``LetterIncomplete`` naming what is missing when the decision lacks content the law
    requires (LEGAL.md 5.3), so it never goes out incomplete.
    """
    template_name = _template_for(case)
    missing = _missing_content(case, template_name)
    if missing:
        raise LetterIncomplete(
            f"Decision letter for {case.reference or f'case {case.pk}'} is missing: "
            + "; ".join(missing)
            + "."
        )
    context = _context(case, sent_on)
    with translation.override(context["lang"]):
        return render_letter(template_name, context)


def _template_for(case: Case) -> str:
    if case.outcome in (Outcome.GRANTED, Outcome.PARTLY_GRANTED):
        return ACCESS_TEMPLATE if case.right == Right.ACCESS else ITEMS_TEMPLATE
    if case.outcome == Outcome.REFUSED and case.refusal_ground == RefusalGround.ITEMS_REFUSED:
        return ITEMS_TEMPLATE
    if case.outcome in (Outcome.REFUSED, Outcome.NOT_HANDLED):
        return REFUSAL_TEMPLATE
    raise LetterIncomplete("The case has no outcome yet, so there is no decision to send.")


def _access_answer(case: Case) -> AccessAnswer | None:
    try:
        return case.access_answer
    except ObjectDoesNotExist:
        return None


def _enclosures(case: Case) -> list[CaseDocument]:
    """The copy sent with an inzage letter: shared documents, not our own earlier letters."""
    return list(case.documents.filter(shared_with_requester=True).exclude(kind=DocumentKind.LETTER))


def _missing_content(case: Case, template_name: str) -> list[str]:
    """What the law requires in this decision and the case does not have yet."""
    missing = []
    org = case.organisation
    if template_name == ACCESS_TEMPLATE:
        answer = _access_answer(case)
        if answer is None:
            missing.append("the AVG 15(1) answer (purposes, categories, ... automated decisions)")
        else:
            missing += [
                _SECTION_LABELS[field]
                for field in AccessAnswer.SECTION_FIELDS
                if not getattr(answer, field).strip()
            ]
            if answer.data_processed and not _enclosures(case):
                missing.append(
                    "a copy of the data (AVG 15(3)): no document is shared with the requester"
                )
    if template_name == ITEMS_TEMPLATE:
        missing += _missing_item_content(case)
    elif case.refusal_ground == RefusalGround.NO_REPLY:
        # the letter states what we asked for and the reply term that ran out (Awb 4:5)
        if case.expired_information_request() is None:
            missing.append("the request for information whose reply term ran out (Awb 4:5)")
    elif (
        case.outcome in (Outcome.REFUSED, Outcome.PARTLY_GRANTED, Outcome.NOT_HANDLED)
        and not case.decision_reasons.strip()
    ):
        missing.append("the reasons for the decision (Awb 3:46)")
    if case.outcome == Outcome.REFUSED and not case.refusal_ground:
        missing.append("the refusal ground")
    if org.is_public_body:
        if not org.on_behalf_of.strip():
            missing.append("the body the letter is signed on behalf of (organisation policy)")
        if not org.objection_body.strip():
            missing.append("the body that handles a bezwaarschrift (Awb 6:7)")
        if not (org.objection_address.strip() or org.address.strip()):
            missing.append("the address for a bezwaarschrift")
    return missing


def _missing_item_content(case: Case) -> list[str]:
    """A decision per item (LEGAL.md 4.2-4.6, 4.9): every item decided, every refusal with its
    ground and reasons, every system done, every recipient notified or skipped with a reason,
    and for portability the export."""
    missing = []
    items = list(case.items.all())
    if not items:
        missing.append("the items the decision is about")
    for item in items:
        if item.decision == ItemDecision.PENDING:
            missing.append(f"a decision on '{item.description}'")
        elif item.decision == ItemDecision.REFUSED and not (
            item.legal_ground and item.reason.strip()
        ):
            missing.append(f"the ground and reasons for refusing '{item.description}' (Awb 3:46)")
    for record in case.executions.filter(done_on__isnull=True).select_related("system"):
        missing.append(f"confirmation that {record.system.name} carried out the decision")
    for notification in case.notifications.filter(status=NotificationStatus.PENDING):
        missing.append(f"the AVG 19 notification of {notification.recipient} (sent or skipped)")
    if (
        case.right == Right.PORTABILITY
        and any(i.is_granted for i in items)
        and not case.documents.filter(kind=DocumentKind.EXPORT).exists()
    ):
        missing.append("the structured export (AVG 20(1))")
    return missing


_ARTICLE = {
    Right.ACCESS: "15",
    Right.RECTIFICATION: "16",
    Right.ERASURE: "17",
    Right.RESTRICTION: "18",
    Right.PORTABILITY: "20",
    Right.OBJECTION: "21",
}


def _context(case: Case, sent_on: datetime.date) -> dict:
    req = case.request
    org = case.organisation
    lang = Language.EN if req.language == Language.EN else Language.NL
    brand = org.brand_colour if _HEX_COLOUR.fullmatch(org.brand_colour or "") else None
    if req.representative_name:
        # LEGAL.md 2.3: the answer goes to the representative, at their own address
        street, postal_code, city = (
            req.representative_address,
            req.representative_postal_code,
            req.representative_city,
        )
    else:
        street, postal_code, city = (
            req.requester_address,
            req.requester_postal_code,
            req.requester_city,
        )
    address_lines = [
        line for line in (street, " ".join(p for p in (postal_code, city) if p)) if line.strip()
    ]
    return {
        "lang": str(lang),
        "lang_dir": f"letters/{lang}/",
        "case": case,
        "req": req,
        "org": org,
        # a data: URL: the letter's URL fetcher serves nothing from the media directory
        "logo_url": logo_data_url(org),
        "public": org.is_public_body,
        "brand_colour": brand or DEFAULT_BRAND_COLOUR,
        "sent_on": sent_on,
        "addressee_name": req.correspondent_name,
        "addressee_lines": address_lines,
        "addressee_email": "" if address_lines else req.correspondent_email,
        "represented": req.requester_name if req.representative_name else "",
        "answer": _access_answer(case),
        "documents": _enclosures(case),
        "findings": list(case.findings.all()),
        "ground": case.refusal_ground,
        "objection_address": org.objection_address.strip() or org.address.strip(),
        "is_partial": case.outcome == Outcome.PARTLY_GRANTED,
        "is_refused": case.outcome == Outcome.REFUSED,
        "is_not_handled": case.outcome == Outcome.NOT_HANDLED,
        "expired_request": case.expired_information_request()
        if case.refusal_ground == RefusalGround.NO_REPLY
        else None,
        "article": _ARTICLE.get(case.right, ""),
        "items": list(case.items.select_related("activity")),
        "executions": list(case.executions.select_related("system").filter(done_on__isnull=False)),
        "notifications": list(case.notifications.exclude(status=NotificationStatus.PENDING)),
        "export": case.documents.filter(kind=DocumentKind.EXPORT).first(),
        # AVG 20(3): portability refused for a public task offers inzage instead (LEGAL.md 4.6)
        "offers_access": case.right == Right.PORTABILITY
        and case.items.filter(legal_ground=ItemGround.PUBLIC_TASK_PORTABILITY).exists(),
        "linked_access": case.linked_cases.filter(right=Right.ACCESS).first(),
    }


# --- notices: letters that are not decisions -------------------------------------------------


def information_request_letter(info_request, sent_on: datetime.date) -> bytes:
    """The written request for information (LEGAL.md 5.2): what is needed, the reply term, and
    that the request will not be handled without a reply in time (Awb 4:5)."""
    case = info_request.case
    context = {**_context(case, sent_on), "info": info_request}
    with translation.override(context["lang"]):
        return render_letter("letters/information_request.html", context)


def extension_notice_letter(extension, sent_on: datetime.date) -> bytes:
    """The extension notice (LEGAL.md 5.4): the new deadline and the reasons (AVG 12(3))."""
    if not extension.explanation.strip():
        raise LetterIncomplete("An extension notice needs its reasons (AVG 12(3)).")
    case = extension.case
    context = {**_context(case, sent_on), "extension": extension}
    with translation.override(context["lang"]):
        return render_letter("letters/extension_notice.html", context)


def letter_context(case: Case, sent_on: datetime.date) -> dict:
    """The context every letter about `case` shares (addressee, organisation, language), for
    letters that other apps render with ``render_letter``."""
    return _context(case, sent_on)


def withdrawal_letter(case: Case, sent_on: datetime.date, received_on: datetime.date) -> bytes:
    """The confirmation that a request was withdrawn (not a decision: no remedies clause)."""
    context = {**_context(case, sent_on), "withdrawn_on": received_on}
    with translation.override(context["lang"]):
        return render_letter("letters/withdrawal_confirmation.html", context)


# --- forwarding (LEGAL.md 3, 5.5) -------------------------------------------------------------


def _forwarding_context(forwarding, sent_on: datetime.date) -> dict:
    from requests_flow import links

    case = forwarding.case
    target = forwarding.target
    activity = target.processing_activity
    return {
        **_context(case, sent_on),
        "forwarding": forwarding,
        "target": target,
        "as_processor": target.as_processor,
        "activity": activity,
        "confirm_url": links.forwarding_url(forwarding),
        "forwarded_documents": list(forwarding.documents.order_by("pk")),
    }


def forwarding_letter(forwarding, sent_on: datetime.date) -> bytes:
    """The letter to the forward target (Awb 2:3; AVG 28(3)(e)): the request, what is forwarded
    and why, and the link to confirm receipt. Always in Dutch: the targets are Dutch bodies. A
    processor's letter names us as processor of the controller it is addressed to."""
    context = _forwarding_context(forwarding, sent_on)
    target = forwarding.target
    context.update(
        lang=str(Language.NL),
        lang_dir="letters/nl/",
        addressee_name=target.name,
        addressee_lines=[line for line in target.address.splitlines() if line.strip()],
        addressee_email="" if target.address.strip() else target.email,
    )
    with translation.override(Language.NL):
        return render_letter("letters/nl/forwarding_letter.html", context)


def forwarding_notice_letter(forwarding, sent_on: datetime.date) -> bytes:
    """The forwarding notice to the requester (LEGAL.md 5.5): to whom and why, and what happens
    now; for a part, that we handle the rest."""
    context = _forwarding_context(forwarding, sent_on)
    with translation.override(context["lang"]):
        return render_letter("letters/forwarding_notice.html", context)


def return_letter(case: Case, explanation: str, sent_on: datetime.date) -> bytes:
    """The request returned to its sender because no body is responsible for it (Awb 2:3(2);
    LEGAL.md 3.3), with the explanation."""
    if not explanation.strip():
        raise LetterIncomplete("A returned request needs its explanation (LEGAL.md 3.3).")
    context = {**_context(case, sent_on), "explanation": explanation}
    with translation.override(context["lang"]):
        return render_letter("letters/return_to_sender.html", context)
