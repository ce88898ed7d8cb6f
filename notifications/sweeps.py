"""The periodic work, one function for both dispatchers: `manage.py run_sweeps` (the embedded
default) and the Celery beat task `notifications.tasks.periodic_work`. Run only one of them."""

import dataclasses
import datetime
import logging

from django.db.models import Q
from django.utils import timezone
from viewflow.workflow.timers import fire_due_conditions, fire_due_start_timers, fire_due_timers

from notifications.models import SweepRun
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


def run_periodic_work() -> SweepResult:
    """Send due messages and fire due viewflow timers; one failing part never stops the others.

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
