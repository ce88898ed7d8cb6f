"""Reads of personal data by staff, written to the audit trail (AVG 5(2), AVG 32).

Opening a case or a task page shows the requester's data, and downloading a document hands its
content over: each writes one audit entry with the officer and what was seen. Nothing else
changes, so these are the only service functions that do not move a case.
"""

from django.db import transaction

from requests_flow.constants import AuditAction
from requests_flow.services._common import _audit


@transaction.atomic
def log_case_view(*, case, actor, details=""):
    """An officer opened a page that shows this case's personal data."""
    return _audit(case.request, AuditAction.CASE_VIEWED, case=case, actor=actor, details=details)


@transaction.atomic
def log_document_view(*, document, actor):
    """An officer downloaded one of the case's documents."""
    case = document.case
    return _audit(
        case.request,
        AuditAction.DOCUMENT_VIEWED,
        case=case,
        actor=actor,
        details=document.title,
    )
