"""Drafting, approving and sending decisions (LEGAL.md 4.1, 5.3)."""

import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.services import queue_message
from requests_flow import links
from requests_flow.constants import (
    AuditAction,
    CaseStatus,
    Outcome,
    RefusalGround,
)
from requests_flow.models import (
    AccessAnswer,
    Case,
    CaseDocument,
    DocumentKind,
    Restriction,
)
from requests_flow.services._common import ServiceError, _date, _move


def access_answer_defaults(case: Case) -> dict[str, str]:
    """AVG 15(1)(a)-(h) texts pre-filled from the organisation's processing register."""
    organisation = case.organisation
    # tailored to this person (AVG 15; a generic privacy statement does not satisfy it): only
    # the processing activities about people with the requester's relation to us
    activities = list(
        organisation.processing_activities.filter(data_subjects=case.request.relation)
    ) or list(organisation.processing_activities.all())
    with translation.override(case.request.language):

        def join(field):
            lines = [
                f"{a.name}: {getattr(a, field)}" for a in activities if getattr(a, field).strip()
            ]
            return "\n".join(lines)

        recipients = join("recipients")
        third = join("third_countries")
        return {
            "purposes": join("purposes"),
            "categories": join("data_categories"),
            "recipients": "\n".join(filter(None, [recipients, third]))
            or _("We do not share your data with others."),
            "retention": join("retention"),
            "rights": _(
                "You may ask us to correct your data (art. 16 GDPR), to erase them (art. 17), to "
                "restrict their processing (art. 18) and you may object to processing based on a "
                "public task or a legitimate interest (art. 21). Send your request to %(email)s."
            )
            % {"email": organisation.email or organisation.name},
            "complaint": _(
                "If you do not agree with how we handle your data, you may complain to the "
                "Autoriteit Persoonsgegevens (autoriteitpersoonsgegevens.nl)."
            ),
            "source": join("source") or _("We received your data from you."),
            "automated_decisions": join("automated_decisions")
            or _("We do not take decisions about you by automated means only, and do not profile."),
        }


@transaction.atomic
def draft_answer(*, case: Case, actor, answer: dict[str, str], data_processed: bool) -> None:
    """The officer's draft of the inzage answer (AVG 15(1)), ready for approval."""
    AccessAnswer.objects.update_or_create(
        case=case, defaults={**answer, "data_processed": data_processed}
    )
    case.outcome = Outcome.GRANTED
    _finish_draft(case, actor)


@transaction.atomic
def draft_refusal(*, case: Case, actor, reasons: str) -> None:
    """The officer's reasons for refusing (Awb 3:46), ready for approval. A request not handled
    for want of a reply needs none: its letter states what we asked for and the reply term
    (Awb 4:5), and `reasons` are only remarks added to that."""
    if not reasons.strip() and case.refusal_ground != RefusalGround.NO_REPLY:
        raise ServiceError(_("A refusal needs its reasons."))
    case.decision_reasons = reasons
    if case.outcome not in (Outcome.REFUSED, Outcome.NOT_HANDLED):
        case.outcome = Outcome.REFUSED
    _finish_draft(case, actor)


def _finish_draft(case, actor):
    case.drafted_by = actor
    case.approved_by = None
    case.approval_note = ""
    target = CaseStatus.APPROVAL if case.needs_approval else case.status
    _move(
        case,
        target,
        AuditAction.DECISION_DRAFTED,
        actor=actor,
        details=str(Outcome(case.outcome).label),
    )


@transaction.atomic
def decide_approval(*, case: Case, actor, approve: bool, note: str = "") -> None:
    """A second person approves the drafted decision or returns it with a note."""
    if case.drafted_by_id == actor.pk:
        raise ServiceError(_("The person who drafted a decision cannot approve it."))
    case.approval_note = note
    if approve:
        case.approved_by = actor
        _move(case, case.status, AuditAction.DECISION_APPROVED, actor=actor, details=note)
    else:
        if not note.strip():
            raise ServiceError(_("Say what must change when you return a decision."))
        case.approved_by = None
        _move(case, CaseStatus.DRAFTING, AuditAction.DECISION_RETURNED, actor=actor, details=note)


@transaction.atomic
def send_decision(case: Case) -> CaseDocument:
    """Render the decision letter, store it, close the case and e-mail a download link.

    The letter carries its date of dispatch, which is the day the decision is made known
    (Awb 3:41) and is recorded on the case. A restriction in force keeps its case until it is
    lifted (AVG 18(3)): that case is decided, not closed.
    """
    from requests_flow import letters

    request_obj = case.request
    sent_on = timezone.localdate()
    with translation.override(request_obj.language):
        pdf = letters.decision_letter(case, sent_on)
        title = _("Decision %(reference)s") % {"reference": request_obj.reference}
    letter = CaseDocument.objects.create(
        case=case,
        kind=DocumentKind.LETTER,
        title=title,
        file=ContentFile(pdf, name=f"{request_obj.reference}-decision.pdf"),
        content_type="application/pdf",
        size=len(pdf),
        shared_with_requester=True,
        created_by=case.approved_by or case.drafted_by,
    )
    case.decision_sent_on = sent_on
    if Restriction.objects.filter(case=case, lifted_on__isnull=True).exists():
        target = CaseStatus.RESTRICTION_IN_FORCE
    else:
        target = CaseStatus.CLOSED
        case.closed_at = timezone.now()
    actor = case.approved_by or case.drafted_by
    _move(
        case,
        target,
        AuditAction.DECISION_SENT,
        actor=actor,
        details=str(Outcome(case.outcome).label),
    )
    if request_obj.correspondent_email:
        with translation.override(request_obj.language):
            queue_message(
                template="decision_ready",
                to=request_obj.correspondent_email,
                language=request_obj.language,
                organisation=case.organisation,
                request=request_obj,
                case=case,
                context={
                    "organisation_name": case.organisation.name,
                    "requester_name": request_obj.correspondent_name,
                    "reference": request_obj.reference,
                    "download_url": links.answer_url(case),
                    "valid_until": _date(
                        sent_on + datetime.timedelta(days=settings.DOWNLOAD_LINK_DAYS)
                    ),
                },
            )
    return letter
