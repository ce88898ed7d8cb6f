"""Combined requests: one dossier, one case per right, one identity check (LEGAL.md 2.1:
identity is recorded once per dossier; whether it suffices is checked per case)."""

from django.utils.translation import gettext as _
from viewflow.workflow.status import STATUS

from requests_flow.constants import AuditAction, CaseStatus, IdentityMethod
from requests_flow.models import Case
from requests_flow.services._common import _move


def identity_suffices(case: Case) -> bool:
    """Whether the identity recorded for the dossier suffices for this case's right under the
    organisation's policy (LEGAL.md 2.1: e.g. a confirmed e-mail address for an objection, never
    for inzage)."""
    request_obj = case.request
    if not request_obj.identity_established:
        return False
    return request_obj.identity_method in case.organisation.identity_methods_for(case.right)


def share_verified_identity(*, case: Case, actor) -> bool:
    """Complete `case`'s open identity task with the identity already verified for its dossier,
    when that suffices for its right. Returns whether it did. Runs in the caller's transaction,
    under the case's process lock."""
    if not identity_suffices(case):
        return False
    flow_class = case.process.flow_class
    node = flow_class.verify_identity
    with flow_class.lock(case.process.pk):
        task = case.process.task_set.filter(
            flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED]
        ).first()
        if task is None:
            return False
        activation = node.activation_class(task)
        if task.status == STATUS.NEW:
            activation.assign(actor)
            activation = node.activation_class(task)
        activation.start(None)
        request_obj = case.request
        _move(
            case,
            CaseStatus.ASSESSMENT,
            AuditAction.IDENTITY_VERIFIED,
            actor=actor,
            details=_("%(method)s (verified once for the whole request %(reference)s)")
            % {
                "method": IdentityMethod(request_obj.identity_method).label,
                "reference": request_obj.reference,
            },
        )
        activation.execute()
    return True


def share_identity_with_siblings(*, case: Case, actor) -> list[Case]:
    """After `case`'s identity was verified: the dossier's other cases waiting for the same
    check complete it too (verified once, valid for all)."""
    shared = []
    siblings = (
        case.request.cases.exclude(pk=case.pk)
        .filter(status=CaseStatus.IDENTITY)
        .select_related("request", "organisation", "process")
    )
    for sibling in siblings:
        if share_verified_identity(case=sibling, actor=actor):
            shared.append(sibling)
    return shared
