"""Identity, assessment and the officers' work on a case (LEGAL.md 2.1, 4.1)."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from requests_flow.constants import (
    AuditAction,
    CaseStatus,
    IdentityMethod,
    Outcome,
    RefusalGround,
)
from requests_flow.models import (
    Case,
    CaseDocument,
    DocumentKind,
    SourceFinding,
)
from requests_flow.services._common import _audit, _move


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
