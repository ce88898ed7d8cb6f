"""Beperking (AVG 18): the restriction recorded where it applies, and lifting it only after
the requester has been told (AVG 18(3), LEGAL.md 4.4)."""

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.services import queue_message
from requests_flow.constants import AuditAction, CaseStatus, Right
from requests_flow.models import Case, Restriction
from requests_flow.services._common import ServiceError, _audit, _date, _move


def record_restriction(*, case: Case, record) -> Restriction:
    """A system owner flagged the data restricted in `record.system` (called by
    `confirm_execution`, in its transaction)."""
    restriction, _created = Restriction.objects.get_or_create(
        case=case, defaults={"restricted_on": record.done_on, "where": ""}
    )
    where = [line for line in restriction.where.splitlines() if line.strip()]
    if record.system.name not in where:
        where.append(record.system.name)
    restriction.where = "\n".join(where)
    restriction.restricted_on = min(restriction.restricted_on, record.done_on)
    restriction.save(update_fields=["where", "restricted_on"])
    _audit(
        case.request,
        AuditAction.RESTRICTION_RECORDED,
        case=case,
        actor=record.done_by,
        details=record.system.name,
    )
    return restriction


@transaction.atomic
def send_lift_notice(*, case: Case, actor, reason: str) -> Restriction:
    """Tell the requester that the restriction will be lifted, and why (AVG 18(3)): the step
    that must come before the restriction is lifted."""
    if case.right != Right.RESTRICTION:
        raise ServiceError(_("Only a restriction can be lifted."))
    restriction = Restriction.objects.select_for_update().filter(case=case).first()
    if restriction is None or not restriction.is_active:
        raise ServiceError(_("There is no restriction in force to lift."))
    if not reason.strip():
        raise ServiceError(_("Say why the restriction ends."))
    today = timezone.localdate()
    restriction.lift_reason = reason
    restriction.lift_notice_sent_on = today
    restriction.save(update_fields=["lift_reason", "lift_notice_sent_on"])
    request_obj = case.request
    if request_obj.correspondent_email:
        with translation.override(request_obj.language):
            queue_message(
                template="restriction_lift_notice",
                to=request_obj.correspondent_email,
                language=request_obj.language,
                organisation=case.organisation,
                request=request_obj,
                case=case,
                context={
                    "organisation_name": case.organisation.name,
                    "requester_name": request_obj.correspondent_name,
                    "reference": request_obj.reference,
                    "reason": reason,
                },
            )
    _audit(request_obj, AuditAction.LIFT_NOTICE_SENT, case=case, actor=actor, details=reason)
    return restriction


@transaction.atomic
def lift_restriction(*, case: Case, actor) -> Restriction:
    """Lift the restriction, which closes its case: refused until the requester has been told
    (AVG 18(3))."""
    case = Case.objects.select_for_update().select_related("request").get(pk=case.pk)
    if case.status != CaseStatus.RESTRICTION_IN_FORCE:
        raise ServiceError(_("A restriction is lifted after the decision has been sent."))
    restriction = Restriction.objects.select_for_update().filter(case=case).first()
    if restriction is None or not restriction.is_active:
        raise ServiceError(_("There is no restriction in force to lift."))
    if restriction.lift_notice_sent_on is None:
        # AVG 18(3): the betrokkene is told before a restriction is lifted
        raise ServiceError(_("Tell the requester first (AVG 18(3)); then lift the restriction."))
    restriction.lifted_on = timezone.localdate()
    restriction.lifted_by = actor
    restriction.save(update_fields=["lifted_on", "lifted_by"])
    case.closed_at = timezone.now()
    _move(
        case,
        CaseStatus.CLOSED,
        AuditAction.RESTRICTION_LIFTED,
        actor=actor,
        details=_date(restriction.lifted_on),
    )
    return restriction
