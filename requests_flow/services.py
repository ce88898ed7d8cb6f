"""Every state change of a request or case goes through one function here (DESIGN.md rule 2).

Each function is atomic, takes the acting user (None for the requester or the system), writes
one audit entry per case it changes, and queues its outgoing messages in the same transaction.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from notifications.services import queue_message
from requests_flow import deadlines, links
from requests_flow.constants import (
    AuditAction,
    CaseStatus,
    Channel,
    IdentityMethod,
    Outcome,
    RefusalGround,
    Right,
)
from requests_flow.models import (
    AccessAnswer,
    AuditEntry,
    Case,
    CaseDocument,
    DocumentKind,
    Request,
    SourceFinding,
)
from requests_flow.references import next_reference


class ServiceError(Exception):
    """A state change that the rules do not allow; the message is shown to the user."""


def _audit(request_obj, action, *, case=None, actor=None, from_status="", to_status="", details=""):
    return AuditEntry.objects.create(
        request=request_obj,
        case=case,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        details=details,
    )


def _move(case, to_status, action, *, actor=None, details=""):
    """Change a case's status and write the audit entry for it."""
    from_status = case.status
    case.status = to_status
    case.save()
    _audit(
        case.request,
        action,
        case=case,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        details=details,
    )


def _date(value: datetime.date) -> str:
    return formats.date_format(value, "j F Y")


@dataclass(frozen=True)
class Requester:
    name: str
    email: str = ""
    phone: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    relation: str = "other"


def submit_request(
    *,
    organisation,
    rights: list[str],
    requester: Requester,
    description: str = "",
    language: str = "nl",
    channel: str = Channel.WEB,
    received_at: datetime.datetime | None = None,
    idempotency_key: uuid.UUID | None = None,
    actor=None,
) -> Request:
    """Register a request with one case per right and start each case's flow.

    The clock starts on the date the request reached us in Europe/Amsterdam (LEGAL.md 1.1). A
    second submission with the same idempotency key returns the first request unchanged.
    """
    from requests_flow.flows import FLOW_FOR_RIGHT

    if idempotency_key is not None:
        existing = Request.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    unknown = [r for r in rights if r not in FLOW_FOR_RIGHT]
    if not rights or unknown:
        raise ServiceError(_("This organisation cannot handle this kind of request online yet."))

    received_at = received_at or timezone.now()
    received_on = timezone.localdate(received_at)
    try:
        with transaction.atomic():
            request_obj = Request.objects.create(
                organisation=organisation,
                channel=channel,
                received_at=received_at,
                received_on=received_on,
                language=language,
                description=description,
                requester_name=requester.name,
                requester_email=requester.email,
                requester_phone=requester.phone,
                requester_address=requester.address,
                requester_postal_code=requester.postal_code,
                requester_city=requester.city,
                relation=requester.relation,
                idempotency_key=idempotency_key,
            )
            _audit(
                request_obj,
                AuditAction.SUBMITTED,
                actor=actor,
                details=Channel(channel).label,
            )
            due = deadlines.compute_deadlines(received_on, organisation)
            for right in rights:
                case = Case.objects.create(
                    request=request_obj,
                    organisation=organisation,
                    right=right,
                    internal_due_on=due.internal,
                    legal_due_on=due.legal,
                )
                # inside the submission's transaction: no request without its process
                FLOW_FOR_RIGHT[right].start.run(case=case)
            # the counter is locked last, so it is held only for the commit (STACK-FACTS)
            request_obj.reference = next_reference(received_on.year)
            request_obj.save(update_fields=["reference"])
            if requester.email:
                queue_message(
                    template="confirm_email",
                    to=requester.email,
                    language=language,
                    organisation=organisation,
                    request=request_obj,
                    context={
                        "organisation_name": organisation.name,
                        "requester_name": requester.name,
                        "reference": request_obj.reference,
                        "confirm_url": links.confirm_email_url(request_obj),
                        "valid_days": str(settings.EMAIL_CONFIRMATION_DAYS),
                    },
                )
    except IntegrityError:
        # a concurrent double submission with the same key won the race: answer with its request
        if idempotency_key is not None:
            existing = Request.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
        raise
    return request_obj


@transaction.atomic
def confirm_email(request_obj: Request) -> bool:
    """The requester followed the confirmation link: acknowledge and move every case on.

    Returns False when the address had already been confirmed (a second click changes nothing).
    """
    from requests_flow.flows import FLOW_FOR_RIGHT

    request_obj = Request.objects.select_for_update().get(pk=request_obj.pk)
    if request_obj.email_confirmed_at is not None:
        return False
    request_obj.email_confirmed_at = timezone.now()
    request_obj.save(update_fields=["email_confirmed_at"])
    for case in request_obj.cases.select_related("process"):
        flow_class = FLOW_FOR_RIGHT[case.right]
        task = case.process.task_set.get(flow_task=flow_class.confirm_email, status="NEW")
        flow_class.confirm_email.run(task)
        _move(
            case,
            CaseStatus.IDENTITY,
            AuditAction.EMAIL_CONFIRMED,
            details=request_obj.requester_email,
        )
        with translation.override(request_obj.language):
            queue_message(
                template="acknowledgement",
                to=request_obj.correspondent_email,
                language=request_obj.language,
                organisation=case.organisation,
                request=request_obj,
                case=case,
                context={
                    "organisation_name": case.organisation.name,
                    "requester_name": request_obj.correspondent_name,
                    "reference": request_obj.reference,
                    "right_label": str(Right(case.right).label),
                    "received_on": _date(request_obj.received_on),
                    "internal_due_on": _date(case.internal_due_on),
                    "legal_due_on": _date(case.legal_due_on),
                },
            )
    return True


@transaction.atomic
def verify_identity(*, case: Case, actor, method: str, established: bool, note: str = "") -> None:
    """Record how identity was checked (LEGAL.md 2.1): the method, who and when, never the
    document. Identity is recorded once per request and holds for all its cases."""
    request_obj = case.request
    request_obj.identity_method = method
    request_obj.identity_established = established
    request_obj.identity_checked_at = timezone.now()
    request_obj.identity_checked_by = actor
    request_obj.save(
        update_fields=[
            "identity_method",
            "identity_established",
            "identity_checked_at",
            "identity_checked_by",
        ]
    )
    method_label = str(IdentityMethod(method).label)
    if established:
        _move(
            case,
            CaseStatus.ASSESSMENT,
            AuditAction.IDENTITY_VERIFIED,
            actor=actor,
            details=method_label,
        )
    else:
        case.outcome = Outcome.NOT_HANDLED
        case.refusal_ground = RefusalGround.IDENTITY_NOT_ESTABLISHED
        case.decision_reasons = note
        _move(
            case,
            CaseStatus.DRAFTING,
            AuditAction.IDENTITY_REFUSED,
            actor=actor,
            details=f"{method_label}: {note}" if note else method_label,
        )


@dataclass(frozen=True)
class Finding:
    system: str
    found: bool
    summary: str = ""


@transaction.atomic
def assess_case(
    *, case: Case, actor, is_avg_request: bool, note: str, findings: list[Finding]
) -> None:
    """Record the assessment: is this a GDPR request of ours, and what each system holds."""
    SourceFinding.objects.bulk_create(
        SourceFinding(
            case=case, system=f.system, found=f.found, summary=f.summary, recorded_by=actor
        )
        for f in findings
    )
    case.is_avg_request = is_avg_request
    case.assessment_note = note
    if is_avg_request:
        case.outcome = Outcome.GRANTED
        case.refusal_ground = ""
    else:
        case.outcome = Outcome.REFUSED
        case.refusal_ground = RefusalGround.NOT_AN_AVG_REQUEST
        case.decision_reasons = note
    details = ", ".join(f"{f.system}: {'✓' if f.found else '–'}" for f in findings)
    _move(case, CaseStatus.DRAFTING, AuditAction.ASSESSED, actor=actor, details=details)


@transaction.atomic
def add_case_document(
    *, case: Case, actor, uploaded, title: str, kind=DocumentKind.EXTRACT, shared=True
) -> CaseDocument:
    document = CaseDocument.objects.create(
        case=case,
        kind=kind,
        title=title,
        file=uploaded,
        content_type=getattr(uploaded, "content_type", "") or "application/octet-stream",
        size=uploaded.size,
        shared_with_requester=shared,
        created_by=actor,
    )
    _audit(case.request, AuditAction.DOCUMENT_ADDED, case=case, actor=actor, details=title)
    return document


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
    """The officer's reasons for refusing (Awb 3:46), ready for approval."""
    if not reasons.strip():
        raise ServiceError(_("A refusal needs its reasons."))
    case.decision_reasons = reasons
    if case.outcome not in (Outcome.REFUSED, Outcome.NOT_HANDLED):
        case.outcome = Outcome.REFUSED
    _finish_draft(case, actor)


def _finish_draft(case, actor):
    case.drafted_by = actor
    case.approved_by = None
    case.approval_note = ""
    target = CaseStatus.APPROVAL if case.organisation.approval_required else case.status
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
    (Awb 3:41) and is recorded on the case.
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
    case.closed_at = timezone.now()
    actor = case.approved_by or case.drafted_by
    _move(
        case,
        CaseStatus.CLOSED,
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


def log_answer_download(case: Case, document: CaseDocument) -> None:
    """Every download by the requester is logged on the case."""
    _audit(case.request, AuditAction.DOCUMENT_DOWNLOADED, case=case, details=document.title)


@transaction.atomic
def assign_task(*, task, actor) -> None:
    """An officer takes a task from the queue."""
    case = task.process.coerced.case
    with task.activation() as activation:
        activation.assign(actor)
    _audit(
        case.request,
        AuditAction.TASK_ASSIGNED,
        case=case,
        actor=actor,
        details=str(task.flow_task.task_title or task.flow_task),
    )
