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


# On PostgreSQL the same upsert, in a data-modifying CTE, also writes the reference on the
# request: one statement instead of two, the counter row still locked until commit. The number
# is padded to five digits at least, as in next_reference.
_NEXT_ON_REQUEST = (
    'WITH taken AS (INSERT INTO "requests_flow_referencecounter" ("year", "last") VALUES (%s, 1) '
    'ON CONFLICT ("year") DO UPDATE SET "last" = "requests_flow_referencecounter"."last" + 1 '
    'RETURNING "last") '
    'UPDATE "requests_flow_request" SET "reference" = '
    "%s || lpad(taken.last::text, greatest(5, length(taken.last::text)), '0') "
    'FROM taken WHERE "requests_flow_request"."id" = %s RETURNING "reference"'
)


def assign_next_reference(request_obj) -> None:
    """Give `request_obj` (saved) the next number of its receipt year's sequence, under the
    same rules as next_reference: the last statement of the submission's transaction."""
    year = request_obj.received_on.year
    if connection.vendor != "postgresql":
        request_obj.reference = next_reference(year)
        request_obj.save(update_fields=["reference"])
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_reference must be called inside the submission transaction")
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_ON_REQUEST, [year, f"{PREFIX}-{year}-", request_obj.pk])
        (request_obj.reference,) = cursor.fetchone()
