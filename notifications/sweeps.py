"""The periodic work, one function for both dispatchers: `manage.py run_sweeps` (the embedded
default) and the Celery beat task `notifications.tasks.periodic_work`. Run only one of them."""

import dataclasses
import datetime
import logging

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from viewflow.workflow.timers import fire_due_conditions, fire_due_start_timers, fire_due_timers

from notifications.digest import send_officer_digests
from notifications.models import SweepRun
from notifications.problems import open_problems_for_stuck_messages
from notifications.services import send_pending_messages

logger = logging.getLogger(__name__)

PERIODIC = "periodic"
# A dispatcher that died mid-round holds the lease this long before another may take over.
TIMER_LEASE = datetime.timedelta(minutes=10)


@dataclasses.dataclass
class SweepResult:
    messages_sent: int = 0
    timers_fired: int = 0
    errors: int = 0
    timers_skipped: bool = False
    digests_queued: int = 0
    problems_opened: int = 0
    id_copies_deleted: int = 0
    forward_reminders: int = 0


def run_periodic_work() -> SweepResult:
    """Send due messages, fire due viewflow timers, queue officer digests, turn messages stuck
    in `sending` into officer checks, delete surviving masked ID copies and queue the reminders
    about forwardings nobody confirmed; one failing part never stops the others.

    Outbox sending is safe from any number of processes. viewflow's start timers are not
    (STACK-FACTS.md: two dispatchers double-start timer processes), so the timer part runs
    under a lease on the `SweepRun` row and is skipped while another dispatcher holds it.
    Each finished round records its time, which /healthz reports.
    """
    result = SweepResult()
    try:
        result.messages_sent = send_pending_messages()
    except Exception:
        result.errors += 1
        logger.exception("Sweep: sending the outbox failed")

    try:
        # LEGAL.md 2.2: a masked ID copy that somehow outlived its identity check goes now
        from requests_flow.services import sweep_id_copies

        result.id_copies_deleted = sweep_id_copies()
    except Exception:
        result.errors += 1
        logger.exception("Sweep: deleting old masked ID copies failed")

    SweepRun.objects.get_or_create(name=PERIODIC)
    now = timezone.now()
    leased = (
        SweepRun.objects.filter(name=PERIODIC)
        .filter(Q(running_since__isnull=True) | Q(running_since__lt=now - TIMER_LEASE))
        .update(running_since=now)
    )
    if not leased:
        result.timers_skipped = True
        logger.warning("Sweep: another dispatcher is firing timers, skipped them this round")
    else:
        for fire in (fire_due_timers, fire_due_start_timers, fire_due_conditions):
            try:
                result.timers_fired += fire()
            except Exception:
                result.errors += 1
                logger.exception("Sweep: %s failed", fire.__name__)

    # after the timers, so the tasks they just made are in this round's digests
    try:
        result.digests_queued = send_officer_digests()
    except Exception:
        result.errors += 1
        logger.exception("Sweep: officer digests failed")
    try:
        result.problems_opened = open_problems_for_stuck_messages(
            datetime.timedelta(minutes=settings.OUTBOX_STUCK_MINUTES)
        )
    except Exception:
        result.errors += 1
        logger.exception("Sweep: checking messages stuck in sending failed")
    try:
        # the domain's own periodic checks; each queues its messages once
        from requests_flow.services import remind_unconfirmed_forwardings

        result.forward_reminders = remind_unconfirmed_forwardings()
    except Exception:
        result.errors += 1
        logger.exception("Sweep: forwarding reminders failed")

    finished = {
        "last_finished_at": timezone.now(),
        "last_messages_sent": result.messages_sent,
        "last_timers_fired": result.timers_fired,
        "last_errors": result.errors,
    }
    if leased:
        finished["running_since"] = None
    SweepRun.objects.filter(name=PERIODIC).update(**finished)
    return result
