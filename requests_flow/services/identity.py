"""Who is asking (LEGAL.md section 2): identity, a representative's authority, masked ID copies.

Only the method, who checked and when are recorded, never the document. A masked ID copy lives
encrypted in its own store (requests_flow.identity) and is deleted in the transaction that records
the check; the periodic sweep deletes any copy that somehow survived (`sweep_id_copies`).
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.status import STATUS

from requests_flow import identity as store
from requests_flow.constants import (
    AuditAction,
    AuthorityEvidence,
    AuthorityScope,
    CaseStatus,
    HeldDataItem,
    IdentityMethod,
    InformationKind,
    Outcome,
    RefusalGround,
    Right,
)
from requests_flow.models import (
    Case,
    CaseDocument,
    DocumentKind,
    IdDocumentCopy,
    InformationRequest,
)
from requests_flow.services._common import ServiceError, _audit, _move
from requests_flow.services.clock import request_information

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AuthorityCheck:
    """The officer's check of a representative's authority (LEGAL.md 2.3)."""

    established: bool
    evidence: str = ""
    scope: str = ""
    within_scope: bool = False


def has_authority_evidence(request_obj) -> bool:
    """Written evidence of authority is in the dossier: sent with the form, or in a reply."""
    return CaseDocument.objects.filter(
        case__request=request_obj, kind__in=[DocumentKind.AUTHORITY, DocumentKind.REPLY]
    ).exists()


def _check_authority(request_obj, authority: AuthorityCheck | None) -> str:
    """Raise unless the representative's authority is established, shown and covers the
    request; returns the words for the audit entry."""
    if authority is None or not authority.established:
        raise ServiceError(
            _(
                "The representative's authority is not established, so the identity check "
                "cannot be completed. Ask for the evidence, or record that identity is not "
                "established."
            )
        )
    if authority.evidence not in AuthorityEvidence.values:
        raise ServiceError(_("Say how the representative's authority was shown."))
    if authority.evidence == AuthorityEvidence.DOCUMENT and not has_authority_evidence(request_obj):
        raise ServiceError(
            _("There is no written evidence of the representative's authority in the dossier.")
        )
    if authority.scope not in AuthorityScope.values:
        raise ServiceError(_("Record the scope of the representative's authority."))
    if not authority.within_scope:
        raise ServiceError(
            _("Confirm that the data asked for fall within the scope of the authority.")
        )
    return _("%(role)s; authority: %(evidence)s; scope: %(scope)s") % {
        "role": request_obj.get_representative_role_display(),
        "evidence": AuthorityEvidence(authority.evidence).label,
        "scope": AuthorityScope(authority.scope).label,
    }


@transaction.atomic
def verify_identity(
    *,
    case: Case,
    actor,
    method: str,
    established: bool,
    note: str = "",
    matched_items=(),
    authority: AuthorityCheck | None = None,
) -> None:
    """Record how identity was checked (LEGAL.md 2.1): the method, who and when, never the
    document. The method must suffice for the case's right under the organisation's policy; for
    a representative, their authority and its scope are checked too (LEGAL.md 2.3). Any masked ID
    copy of the request is deleted in this same transaction (LEGAL.md 2.2)."""
    request_obj = case.request
    matched_items = [item for item in matched_items if item in HeldDataItem.values]
    details = [str(IdentityMethod(method).label)]
    if established:
        if method not in case.organisation.identity_methods_for(case.right):
            raise ServiceError(
                _("%(method)s is not enough for %(right)s under the policy of %(org)s.")
                % {
                    "method": IdentityMethod(method).label,
                    "right": Right(case.right).label,
                    "org": case.organisation.name,
                }
            )
        if method == IdentityMethod.HELD_DATA_MATCHED and not matched_items:
            raise ServiceError(_("Tick which of the data we hold matched."))
        if request_obj.is_represented:
            details.append(_check_authority(request_obj, authority))
            request_obj.authority_established = True
            request_obj.authority_evidence = authority.evidence
            request_obj.authority_scope = authority.scope
    elif request_obj.is_represented and authority is not None:
        request_obj.authority_established = authority.established
        request_obj.authority_evidence = authority.evidence
        request_obj.authority_scope = authority.scope
    if matched_items:
        details.append(", ".join(str(HeldDataItem(i).label) for i in matched_items))
    request_obj.identity_method = method
    request_obj.identity_established = established
    request_obj.identity_checked_at = timezone.now()
    request_obj.identity_checked_by = actor
    request_obj.identity_matched_items = ",".join(matched_items)
    request_obj.save(
        update_fields=[
            "identity_method",
            "identity_established",
            "identity_checked_at",
            "identity_checked_by",
            "identity_matched_items",
            "authority_established",
            "authority_evidence",
            "authority_scope",
        ]
    )
    if _delete_id_copies(request_obj):
        details.append(_("the masked ID copy was deleted"))
    if established:
        from requests_flow.services.combined import share_identity_with_siblings

        _move(
            case,
            CaseStatus.ASSESSMENT,
            AuditAction.IDENTITY_VERIFIED,
            actor=actor,
            details="; ".join(details),
        )
        # verified once, valid for every case of the dossier it suffices for (issue 3)
        share_identity_with_siblings(case=case, actor=actor)
    else:
        case.outcome = Outcome.NOT_HANDLED
        case.refusal_ground = RefusalGround.IDENTITY_NOT_ESTABLISHED
        case.decision_reasons = note
        if note:
            details.append(note)
        _move(
            case,
            CaseStatus.DRAFTING,
            AuditAction.IDENTITY_REFUSED,
            actor=actor,
            details="; ".join(details),
        )


@transaction.atomic
def ask_for_identity_proof(
    *, case: Case, actor, what_is_needed: str, reply_term_days: int, masked_id_copy: bool = False
) -> InformationRequest:
    """Ask the requester in writing for proof of identity, or specifically for a masked copy of
    an ID document when nothing lighter works (LEGAL.md 2.2); the clock pauses (LEGAL.md 1.5).
    A copy received earlier has been looked at and is deleted now."""
    _delete_id_copies(case.request)
    return request_information(
        case=case,
        actor=actor,
        kind=InformationKind.MASKED_ID_COPY if masked_id_copy else InformationKind.IDENTITY,
        what_is_needed=what_is_needed,
        reply_term_days=reply_term_days,
    )


def store_id_copy(*, case: Case, uploaded, information_request=None) -> IdDocumentCopy:
    """Put an uploaded masked ID copy into the protected store. Called inside the transaction
    that receives the reply; the upload has passed the content checks already."""
    uploaded.seek(0)
    copy = IdDocumentCopy(
        case=case,
        information_request=information_request,
        content_type=getattr(uploaded, "content_type", "") or "application/octet-stream",
        size=uploaded.size,
    )
    copy.wrapped_key = store.write_encrypted(uploaded.read(), copy.stored_name)
    copy.save()
    # the timeline says that a copy came, never its name or content
    _audit(case.request, AuditAction.ID_COPY_RECEIVED, case=case)
    return copy


def verifying_officer_id(case: Case) -> int | None:
    """The officer who holds the case's identity check: the only one who may see its copy."""
    from requests_flow.flows import FLOW_FOR_RIGHT

    node = FLOW_FOR_RIGHT[case.right].verify_identity
    return (
        case.process.task_set.filter(flow_task=node, status=STATUS.ASSIGNED)
        .values_list("owner_id", flat=True)
        .first()
    )


def may_view_id_copy(user, case: Case) -> bool:
    return (
        user.is_authenticated
        and user.has_perm("requests_flow.verify_identity")
        and verifying_officer_id(case) == user.pk
    )


@transaction.atomic
def view_id_copy(*, copy: IdDocumentCopy, actor) -> bytes:
    """The decrypted copy for the verifying officer, with the viewing on the timeline. Nothing
    is written to disk: the bytes go from memory to the response."""
    if not may_view_id_copy(actor, copy.case):
        raise ServiceError(_("Only the officer who holds the identity check may see this copy."))
    content = store.read_decrypted(copy.stored_name, copy.wrapped_key)
    _audit(copy.case.request, AuditAction.ID_COPY_VIEWED, case=copy.case, actor=actor)
    return content


@transaction.atomic
def mark_as_id_document(*, document: CaseDocument, actor) -> IdDocumentCopy:
    """An officer saw an ID document among the dossier's documents (sent unasked, by e-mail or
    post): it moves into the protected store under the same deletion rule (LEGAL.md 2.2)."""
    if document.kind not in (DocumentKind.REPLY, DocumentKind.AUTHORITY):
        raise ServiceError(_("Only documents sent by the requester can be marked as an ID copy."))
    case = document.case
    with document.file.open("rb") as fh:
        content = fh.read()
    copy = IdDocumentCopy(case=case, content_type=document.content_type, size=len(content))
    copy.wrapped_key = store.write_encrypted(content, copy.stored_name)
    copy.save()
    document.file.delete(save=False)
    document.delete()
    _audit(case.request, AuditAction.ID_COPY_RECEIVED, case=case, actor=actor)
    return copy


def _delete_id_copies(request_obj) -> int:
    """Delete every masked ID copy of the request: rows first (which makes the files unreadable:
    their keys go with the rows), then the files. Runs inside the caller's transaction."""
    copies = list(IdDocumentCopy.objects.filter(case__request=request_obj))
    if not copies:
        return 0
    IdDocumentCopy.objects.filter(pk__in=[c.pk for c in copies]).delete()
    for copy in copies:
        store.remove_file(copy.stored_name)
    return len(copies)


# Files in the store without a row are leftovers of an upload whose transaction rolled back
# (unreadable: the key was never committed); give a running upload this long to commit.
ORPHAN_GRACE = datetime.timedelta(hours=1)


def sweep_id_copies(now: datetime.datetime | None = None) -> int:
    """Delete masked ID copies older than ID_COPY_MAX_AGE_DAYS that somehow survived their
    identity check, and stray files of the store; each deletion is logged (LEGAL.md 2.2).
    Returns how many copies and files were deleted."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.ID_COPY_MAX_AGE_DAYS)
    deleted = 0
    for copy in IdDocumentCopy.objects.filter(received_at__lt=cutoff).select_related(
        "case__request"
    ):
        with transaction.atomic():
            IdDocumentCopy.objects.filter(pk=copy.pk).delete()
            _audit(
                copy.case.request,
                AuditAction.ID_COPY_DELETED,
                case=copy.case,
                details=_("deleted by the sweep: older than %(days)s days")
                % {"days": settings.ID_COPY_MAX_AGE_DAYS},
            )
        store.remove_file(copy.stored_name)
        deleted += 1
        logger.warning(
            "Sweep: deleted a masked ID copy of case %s received %s, older than %s days",
            copy.case_id,
            copy.received_at.isoformat(),
            settings.ID_COPY_MAX_AGE_DAYS,
        )
    known = set(IdDocumentCopy.objects.values_list("stored_name", flat=True))
    for path in store.stored_files():
        modified = datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC)
        if path.name not in known and modified < now - ORPHAN_GRACE:
            path.unlink(missing_ok=True)
            deleted += 1
            logger.warning("Sweep: deleted a stray file %s from the ID copy store", path.name)
    return deleted
