"""The revised decision letter (LEGAL.md 5.3): it names the decision it replaces."""

import datetime

from django.utils import translation

from requests_flow import letters
from requests_flow.constants import Outcome


def revised_decision_letter(revised, sent_on: datetime.date) -> bytes:
    """The letter for a revised decision (not yet saved), dated `sent_on`. It gives the revised
    outcome and its reasons (Awb 3:46, 7:12), names the original decision's date and reference,
    and carries the remedies clause that applies now."""
    case = revised.case
    context = {
        **letters.letter_context(case, sent_on),
        "revised": revised,
        "remedy": revised.remedy,
        "after_objection": revised.remedy.kind == "objection",
        "is_grant": revised.outcome == Outcome.GRANTED,
        "is_partial": revised.outcome == Outcome.PARTLY_GRANTED,
        "is_refusal": revised.outcome == Outcome.REFUSED,
    }
    with translation.override(context["lang"]):
        return letters.render_letter("letters/revised_decision.html", context)
