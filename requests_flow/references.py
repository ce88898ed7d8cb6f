"""Reference numbers: AVG-<year>-<n>, one gap-free sequence per year for the installation."""

from django.db import connection, transaction

PREFIX = "AVG"

# One statement creates the year's row or takes its next number, and leaves the row locked
# until commit, like select_for_update would (STACK-FACTS, Databases); PostgreSQL and SQLite
# (3.35 and newer) both know INSERT ... ON CONFLICT ... RETURNING. Three round trips were one.
# The table is ReferenceCounter's, named in full: nothing in the statement is built at run time.
_NEXT = (
    'INSERT INTO "requests_flow_referencecounter" ("year", "last") VALUES (%s, 1) '
    'ON CONFLICT ("year") DO UPDATE SET "last" = "requests_flow_referencecounter"."last" + 1 '
    'RETURNING "last"'
)


def next_reference(year: int) -> str:
    """Take the next number of `year`'s sequence.

    Must run inside the submission's transaction, as its last statement: the counter row stays
    locked until commit, so numbers are never handed out twice, and a rolled back submission
    gives its number back instead of leaving a gap.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_reference must be called inside the submission transaction")
    with connection.cursor() as cursor:
        cursor.execute(_NEXT, [year])
        (last,) = cursor.fetchone()
    # five digits at least, never capped (STACK-FACTS: 100,000-case benchmarks overflow five)
    return f"{PREFIX}-{year}-{last:05d}"
