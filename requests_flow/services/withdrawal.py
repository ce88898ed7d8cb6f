"""Withdrawal: the requester takes a request back, on the status page or by mail or phone.

The case closes as withdrawn, its flow stops (every open task and every pending timer is
cancelled, so no reminder or escalation fires afterwards: the clock stops) and a confirmation
goes out, as a letter in the dossier and, when there is an address for it, by e-mail.
"""

import datetime

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from viewflow.workflow.activation import _can_cancel
from viewflow.workflow.status import PROCESS, STATUS

from notifications.services import queue_message
from requests_flow import links
from requests_flow.constants import AuditAction, CaseStatus, Outcome, WithdrawalChannel
from requests_flow.models import Case, CaseDocument
from requests_flow.services._common import ServiceError, _date, _move
from requests_flow.services.clock import _store_letter

_FINISHED = (STATUS.DONE, STATUS.CANCELED, STATUS.REVIVED, STATUS.ERROR)


def _stop_process(case: Case) -> int:
    """Cancel every active task of the case's process (human tasks, waits and scheduled timers)
    and mark the process cancelled, as viewflow's TerminateEnd does for the tasks it ends."""
    process = case.process
    cancelled = 0
    for task in process.task_set.exclude(status__in=_FINISHED).order_by("pk"):
        activation = task.flow_task.activation_class(task)
        if not _can_cancel(activation):
            raise ServiceError(
                _("Task %(task)s cannot be stopped now; try again in a moment.")
                % {"task": task.flow_task.name}
            )
        activation.cancel()
        cancelled += 1
    process.status = PROCESS.CANCELED
    process.finished = timezone.now()
    process.save(update_fields=["status", "finished"])
    return cancelled


@transaction.atomic
def withdraw_case(
    *,
    case: Case,
    actor=None,
    channel: str = WithdrawalChannel.STATUS_PAGE,
    received_on: datetime.date | None = None,
    note: str = "",
) -> CaseDocument:
    """Close `case` as withdrawn and confirm it to the requester.

    `actor` is None when the requester withdraws on the status page; an officer recording a
    withdrawal received by mail or phone passes themselves, the channel and the day it arrived.
    Returns the confirmation letter.
    """
    from requests_flow import letters

    case = (
        Case.objects.select_for_update().select_related("request", "organisation").get(pk=case.pk)
    )
    if not case.is_open:
        raise ServiceError(_("This case is already closed; it can no longer be withdrawn."))
    today = timezone.localdate()
    received_on = received_on or today
    if received_on > today:
        raise ServiceError(_("The date of receipt cannot lie in the future."))
    if received_on < case.request.received_on:
        raise ServiceError(_("A withdrawal cannot arrive before the request itself."))
    cancelled = _stop_process(case)
    case.outcome = Outcome.WITHDRAWN
    case.is_paused = False
    case.closed_at = timezone.now()
    request_obj = case.request
    with translation.override(request_obj.language):
        pdf = letters.withdrawal_letter(case, today, received_on)
        title = _("Confirmation of withdrawal %(reference)s") % {"reference": request_obj.reference}
        letter = _store_letter(case, pdf, title, f"{request_obj.reference}-withdrawal.pdf", actor)
        details = _("%(channel)s, received %(date)s; %(count)s open tasks stopped") % {
            "channel": WithdrawalChannel(channel).label,
            "date": _date(received_on),
            "count": cancelled,
        }
        if note.strip():
            details += f"; {note.strip()}"
        if request_obj.correspondent_email:
            queue_message(
                template="withdrawal_confirmed",
                to=request_obj.correspondent_email,
                language=request_obj.language,
                organisation=case.organisation,
                request=request_obj,
                case=case,
                context={
                    "organisation_name": case.organisation.name,
                    "requester_name": request_obj.correspondent_name,
                    "reference": request_obj.reference,
                    "right": str(case.get_right_display()),
                    "received_on": _date(received_on),
                    "letter_url": links.answer_url(case),
                },
            )
    _move(case, CaseStatus.CLOSED, AuditAction.WITHDRAWN, actor=actor, details=details)
    return letter
