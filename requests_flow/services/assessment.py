"""Assessment and the officers' work on a case (LEGAL.md 4.1); identity is in identity.py."""

from dataclasses import dataclass

from django.db import transaction

from requests_flow.constants import (
    AuditAction,
    CaseStatus,
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


@transaction.atomic
def refuse_as_manifestly_unfounded(*, case: Case, actor, excessive: bool, reasons: str) -> None:
    """AVG 12(5): refuse a manifestly unfounded or excessive request. Read narrowly: the
    organisation carries the proof, so written reasons are required, and the refusal always
    goes to a second person for sign-off (`Case.needs_approval`, LEGAL.md 4.7)."""
    from django.utils.translation import gettext as _

    from requests_flow.services._common import ServiceError

    if not reasons.strip():
        raise ServiceError(_("Write down why the request is manifestly unfounded or excessive."))
    case.is_avg_request = True
    case.assessment_note = reasons
    case.outcome = Outcome.REFUSED
    case.refusal_ground = (
        RefusalGround.EXCESSIVE if excessive else RefusalGround.MANIFESTLY_UNFOUNDED
    )
    case.decision_reasons = reasons
    _move(
        case,
        CaseStatus.DRAFTING,
        AuditAction.ASSESSED,
        actor=actor,
        details=str(RefusalGround(case.refusal_ground).label),
    )
