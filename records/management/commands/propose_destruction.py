"""Propose closed dossiers past their retention term, per organisation, for approval.

    manage.py propose_destruction [--date YYYY-MM-DD]

Run it daily in the embedded default (cron); with Celery, beat runs the same function
(`records.tasks.propose_destruction`). Nothing is destroyed until an authorised person approves
the run on its page.
"""

import datetime

from django.core.management.base import BaseCommand

from records import services


class Command(BaseCommand):
    help = "Propose closed dossiers whose retention term has passed for destruction."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=datetime.date.fromisoformat, help="Today, for a dry look ahead."
        )

    def handle(self, *args, date=None, **options):
        runs = services.propose_all(today=date)
        for run in runs:
            self.stdout.write(f"{run.organisation}: {run.total} dossiers proposed (run {run.pk})")
        if not runs:
            self.stdout.write("Nothing to propose.")
