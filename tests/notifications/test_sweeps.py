"""The periodic work and `manage.py run_sweeps`."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from notifications.constants import MessageStatus
from notifications.models import OutboxMessage, SweepRun
from notifications.services import last_sweep_finished_at, queue_message
from notifications.sweeps import PERIODIC, run_periodic_work


def _queue(organisation, contexts):
    return queue_message(
        template="officer_task",
        to="officer@werkse.example",
        context=contexts["officer_task"],
        organisation=organisation,
    )


# DESIGN background work: `run_sweeps --once` sends the outbox and records the finished round
def test_run_sweeps_once_sends_and_records_the_round(organisation, contexts, outbox):
    message = _queue(organisation, contexts)
    assert last_sweep_finished_at() is None
    before = timezone.now()

    stdout = StringIO()
    call_command("run_sweeps", "--once", stdout=stdout)

    assert "1 message(s) sent" in stdout.getvalue()
    assert len(outbox) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert last_sweep_finished_at() >= before
    run = SweepRun.objects.get(name=PERIODIC)
    assert (run.last_messages_sent, run.last_errors, run.running_since) == (1, 0, None)


# STACK-FACTS viewflow: exactly one timer dispatcher; in Celery mode that is beat
def test_run_sweeps_refuses_in_celery_mode(settings):
    settings.BACKGROUND_MODE = "celery"
    with pytest.raises(CommandError, match="Celery beat"):
        call_command("run_sweeps", "--once")


# STACK-FACTS viewflow: a second dispatcher skips the timers but still sends mail
def test_second_dispatcher_skips_timers_while_the_lease_is_held(organisation, contexts, outbox):
    held_since = timezone.now() - datetime.timedelta(minutes=1)
    SweepRun.objects.create(name=PERIODIC, running_since=held_since)
    _queue(organisation, contexts)

    result = run_periodic_work()

    assert result.timers_skipped is True
    assert result.messages_sent == 1
    run = SweepRun.objects.get(name=PERIODIC)
    assert run.running_since == held_since  # the other dispatcher's lease is left alone
    assert run.last_finished_at is not None


# STACK-FACTS viewflow: a dispatcher that died mid-round does not block timers for ever
def test_expired_lease_is_taken_over(db):
    SweepRun.objects.create(
        name=PERIODIC, running_since=timezone.now() - datetime.timedelta(hours=1)
    )

    result = run_periodic_work()

    assert result.timers_skipped is False
    assert result.errors == 0
    assert SweepRun.objects.get(name=PERIODIC).running_since is None
    assert not OutboxMessage.objects.exists()
