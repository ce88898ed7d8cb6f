"""Reference numbers: AVG-<year>-<n>, one gap-free sequence per year for the installation."""

from django.db import transaction

from requests_flow.models import ReferenceCounter

PREFIX = "AVG"


def next_reference(year: int) -> str:
    """Take the next number of `year`'s sequence.

    Must run inside the submission's transaction, as its last statement: the counter row stays
    locked (select_for_update) until commit, so numbers are never handed out twice, and a rolled
    back submission gives its number back instead of leaving a gap.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_reference must be called inside the submission transaction")
    ReferenceCounter.objects.bulk_create([ReferenceCounter(year=year)], ignore_conflicts=True)
    counter = ReferenceCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    # five digits at least, never capped (STACK-FACTS: 100,000-case benchmarks overflow five)
    return f"{PREFIX}-{year}-{counter.last:05d}"
