"""Load the days the Royal Decree under Atw 3(3) for 2026-2028 declares equal to holidays.

The data are written out here, not imported from requests_flow.deadlines, so this migration keeps
meaning what it meant when it was written; a test checks that both lists agree.
"""

import datetime

from django.db import migrations

REFERENCE = "Besluit van 2 juli 2024, Stb. 2024, 187 (Atw art. 3(3), 2026-2028)"
DAYS = (
    datetime.date(2026, 1, 2),
    datetime.date(2026, 5, 15),
    datetime.date(2027, 5, 7),
    datetime.date(2028, 4, 28),
    datetime.date(2028, 5, 26),
)


def load(apps, schema_editor):
    DecreedDay = apps.get_model("requests_flow", "DecreedDay")
    for day in DAYS:
        DecreedDay.objects.get_or_create(date=day, defaults={"reference": REFERENCE})


def unload(apps, schema_editor):
    DecreedDay = apps.get_model("requests_flow", "DecreedDay")
    DecreedDay.objects.filter(date__in=DAYS, reference=REFERENCE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("requests_flow", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load, unload),
    ]
