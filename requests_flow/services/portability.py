"""Overdraagbaarheid (AVG 20): a structured export where the right applies, and inzage offered
where it does not (20(3): never for a public task; LEGAL.md 4.6)."""

import csv
import io
import json
import zipfile

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from requests_flow import deadlines
from requests_flow.constants import AuditAction, CaseStatus, ItemDecision, Right
from requests_flow.models import Case, CaseDocument, DocumentKind
from requests_flow.services._common import ServiceError, _audit, _move


def _fields(item) -> list[tuple[str, str]]:
    """The data an officer recorded for an item, one 'field: value' per line."""
    rows = []
    for line in item.current_value.splitlines():
        if not line.strip():
            continue
        name, sep, value = line.partition(":")
        rows.append((name.strip(), value.strip()) if sep else ("", line.strip()))
    return rows


def portability_export(case: Case) -> bytes:
    """A zip with the granted items' data as JSON and as CSV: structured, commonly used and
    machine-readable (AVG 20(1))."""
    items = case.items.filter(decision=ItemDecision.GRANTED).select_related("activity")
    records = [
        {
            "processing": item.activity.name if item.activity else item.description,
            "categories": item.activity.data_categories if item.activity else "",
            "data": [{"field": name, "value": value} for name, value in _fields(item)],
        }
        for item in items
    ]
    document = {
        "reference": case.reference,
        "organisation": case.organisation.name,
        "data_subject": case.request.requester_name,
        "exported_on": timezone.localdate().isoformat(),
        "records": records,
    }
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["processing", "field", "value"])
    for record in records:
        for row in record["data"] or [{"field": "", "value": ""}]:
            writer.writerow([record["processing"], row["field"], row["value"]])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(document, ensure_ascii=False, indent=2))
        archive.writestr("data.csv", text.getvalue())
    return buffer.getvalue()


def make_portability_export(*, case: Case, actor) -> CaseDocument:
    """Store the export next to the decision letter, shared with the requester (called in the
    transaction that drafts the decision; a redraft replaces it)."""
    case.documents.filter(kind=DocumentKind.EXPORT).delete()
    content = portability_export(case)
    name = f"{case.reference}-export.zip"
    document = CaseDocument.objects.create(
        case=case,
        kind=DocumentKind.EXPORT,
        title=_("Your data (JSON and CSV) %(reference)s") % {"reference": case.reference},
        file=ContentFile(content, name=name),
        content_type="application/zip",
        size=len(content),
        shared_with_requester=True,
        created_by=actor,
    )
    _audit(case.request, AuditAction.EXPORT_MADE, case=case, actor=actor, details=name)
    return document


@transaction.atomic
def start_linked_access_case(*, case: Case, actor) -> Case:
    """Offer inzage instead (LEGAL.md 4.6): a new inzage case in the same dossier, linked to
    this one, with the original receipt date and its deadlines; identity already verified for
    the dossier holds for it too."""
    from requests_flow.flows import FLOW_FOR_RIGHT
    from requests_flow.services.combined import share_verified_identity

    if case.right != Right.PORTABILITY:
        raise ServiceError(_("Only a portability case offers inzage instead."))
    existing = case.linked_cases.filter(right=Right.ACCESS).first()
    if existing is not None:
        return existing
    request_obj = case.request
    due = deadlines.compute_deadlines(request_obj.received_on, case.organisation)
    access = Case.objects.create(
        request=request_obj,
        organisation=case.organisation,
        right=Right.ACCESS,
        internal_due_on=due.internal,
        legal_due_on=due.legal,
        linked_from=case,
    )
    flow_class = FLOW_FOR_RIGHT[Right.ACCESS]
    flow_class.start.run(case=access)
    _audit(
        request_obj,
        AuditAction.LINKED_CASE_STARTED,
        case=case,
        actor=actor,
        details=str(Right.ACCESS.label),
    )
    task = access.process.task_set.get(flow_task=flow_class.confirm_email)
    flow_class.confirm_email.run(task)
    _move(
        access,
        CaseStatus.IDENTITY,
        AuditAction.LINKED_CASE_STARTED,
        actor=actor,
        details=request_obj.reference or "",
    )
    if request_obj.identity_established:
        share_verified_identity(case=access, actor=actor)
    return access
