"""manage.py check_intake: is every received request whole (requests_flow.integrity)?

Exits with status 1 when a reference is doubled or missing, the sequence has a gap, or a
request lacks its audit entry, confirmation message or flow process. Safe on a live database:
it only reads.
"""

from django.core.management.base import BaseCommand, CommandError

from requests_flow.integrity import check_intake


class Command(BaseCommand):
    help = "Check that every request has a unique, gap-free reference and is whole."

    def handle(self, *args, **options):
        report = check_intake()
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError("The intake is not consistent: see the lines above.")
