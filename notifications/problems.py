"""Messages that did not reach a person: the officer's task "send it by post or fix the address".

A problem is opened when a message failed its last retry, when the provider reports a bounce, or
when a send was cut off mid-way (a row stuck in `sending`: it may have gone out, so it is never
resent blindly). Each is listed on its case page and on the officers' "Messages needing
attention" page, and is resolved by one of two service functions below. Each function is atomic,
takes the acting officer and writes one audit entry on the dossier (DESIGN.md rule 2).
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.constants import Audience, MessageStatus, ProblemReason, ProblemStatus
from notifications.models import DeliveryProblem, OutboxMessage


class ProblemAlreadyResolved(ValueError):
    """Raised when a second officer resolves a problem that was resolved meanwhile."""


def open_delivery_problem(
    message: OutboxMessage, reason: str, *, detail: str = ""
) -> DeliveryProblem | None:
    """Open the officer's task for a message to a person in a dossier; at most one per message.

    Messages to officers (digests) have no dossier and only go to the log. Runs in the caller's
    transaction; returns None when there is nothing to open or it was already open.
    """
    from requests_flow.constants import AuditAction
    from requests_flow.models import AuditEntry

    if message.request_id is None or message.audience == Audience.OFFICER:
        return None
    problem, created = DeliveryProblem.objects.get_or_create(
        message=message,
        defaults={
            "organisation_id": message.organisation_id,
            "request_id": message.request_id,
            "case_id": message.case_id,
            "reason": reason,
            "detail": detail[:2000],
        },
    )
    if not created:
        return None
    AuditEntry.objects.create(
        request_id=message.request_id,
        case_id=message.case_id,
        action=AuditAction.MESSAGE_UNDELIVERED,
        details=f"{message.subject or message.template} → {message.to}: "
        f"{ProblemReason(reason).label}",
    )
    return problem


def open_problems_for_stuck_messages(older_than: datetime.timedelta) -> int:
    """The sweep's check on rows stuck in `sending`: each becomes an officer's task once."""
    from notifications.services import stuck_messages

    opened = 0
    for message in stuck_messages(older_than).filter(problem__isnull=True):
        with transaction.atomic():
            if open_delivery_problem(
                message,
                ProblemReason.STUCK,
                detail=_("Sending started at %(when)s and never finished.")
                % {"when": timezone.localtime(message.claimed_at).strftime("%Y-%m-%d %H:%M")},
            ):
                opened += 1
    return opened


def _lock_open(problem: DeliveryProblem) -> DeliveryProblem:
    locked = (
        DeliveryProblem.objects.select_for_update(of=("self",))
        .select_related("message", "request")
        .get(pk=problem.pk)
    )
    if locked.status != ProblemStatus.OPEN:
        raise ProblemAlreadyResolved(_("Someone else has already dealt with this message."))
    return locked


def _close(problem: DeliveryProblem, status: str, actor, **fields) -> None:
    problem.status = status
    problem.resolved_at = timezone.now()
    problem.resolved_by = actor
    for name, value in fields.items():
        setattr(problem, name, value)
    problem.save()
    # a message cut off mid-send stays out of the sweep for good: the officer has decided
    OutboxMessage.objects.filter(pk=problem.message_id, status=MessageStatus.SENDING).update(
        status=MessageStatus.FAILED, last_error=_("Sending was interrupted; an officer took over.")
    )


@transaction.atomic
def resend_to_corrected_address(*, problem: DeliveryProblem, address: str, actor) -> OutboxMessage:
    """The officer corrected the address: queue the same message to it, and when the old
    address was the dossier's, correct the dossier too so later messages go there."""
    from notifications.services import queue_message
    from requests_flow.constants import AuditAction
    from requests_flow.models import AuditEntry

    problem = _lock_open(problem)
    old = problem.message
    new = queue_message(
        template=old.template,
        to=address,
        context=old.context,
        language=old.language,
        organisation=old.organisation,
        request=old.request,
        case=old.case,
        audience=old.audience,
        attachments=list(old.attachments.values_list("pk", flat=True)),
    )
    request_obj = problem.request
    if request_obj is not None and old.audience == Audience.REQUESTER:
        for field in ("representative_email", "requester_email"):
            if getattr(request_obj, field) == old.to:
                setattr(request_obj, field, address)
                request_obj.save(update_fields=[field])
                break
    _close(problem, ProblemStatus.RESENT, actor, resent_as=new)
    AuditEntry.objects.create(
        request_id=problem.request_id,
        case_id=problem.case_id,
        actor=actor,
        action=AuditAction.MESSAGE_RESENT,
        details=f"{old.subject or old.template}: {old.to} → {address}",
    )
    return new


@transaction.atomic
def record_sent_by_post(*, problem: DeliveryProblem, posted_on: datetime.date, actor) -> None:
    """The officer sent the message as a letter by post on `posted_on` (LEGAL.md 5.7)."""
    from requests_flow.constants import AuditAction
    from requests_flow.models import AuditEntry

    if posted_on > timezone.localdate():
        raise ValueError(_("The date of posting cannot lie in the future."))
    problem = _lock_open(problem)
    _close(problem, ProblemStatus.POSTED, actor, posted_on=posted_on)
    AuditEntry.objects.create(
        request_id=problem.request_id,
        case_id=problem.case_id,
        actor=actor,
        action=AuditAction.MESSAGE_POSTED,
        details=f"{problem.message.subject or problem.message.template}: {posted_on:%Y-%m-%d}",
    )
