"""`manage.py run_sweeps`: the embedded default's background worker.

Every `--interval` seconds it runs `run_periodic_work()` (send the outbox, fire viewflow timers).
An error in one round is logged and the loop goes on, the way healthchecks' `sendalerts` does;
SIGTERM or SIGINT ends it after the current round. `--once` runs a single round, for cron or a
test, and exits non-zero if that round had errors.
"""

import logging
import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from notifications.sweeps import run_periodic_work

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Send queued e-mail and fire due workflow timers, every few seconds or once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=5.0, help="Seconds between rounds (default 5)."
        )
        parser.add_argument("--once", action="store_true", help="Run one round and exit.")

    def handle(self, *args, interval, once, verbosity, **options):
        self.verbosity = verbosity
        if getattr(settings, "BACKGROUND_MODE", "sweep") == "celery":
            # STACK-FACTS.md: exactly one timer dispatcher; in Celery mode that is beat
            raise CommandError("BACKGROUND_MODE is 'celery': Celery beat runs the sweeps.")
        if once:
            if self.run_round() is not True:
                raise CommandError("The sweep round had errors; see the log.")
            return

        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        self.stdout.write(f"Running sweeps every {interval:g} s; stop with SIGTERM or Ctrl-C.")
        while not stop.is_set():
            started = time.monotonic()
            # a connection broken since the last round (database restart) is dropped, not reused
            close_old_connections()
            self.run_round()
            stop.wait(max(0.0, interval - (time.monotonic() - started)))
        self.stdout.write("Sweeps stopped.")

    def run_round(self) -> bool:
        """One round that never raises; True when it completed without errors."""
        try:
            result = run_periodic_work()
        except Exception:
            logger.exception("Sweep round failed")
            return False
        if result.messages_sent or result.timers_fired or self.verbosity > 1:
            self.stdout.write(
                f"{result.messages_sent} message(s) sent, {result.timers_fired} timer(s) fired, "
                f"{result.errors} error(s)"
            )
        return result.errors == 0
