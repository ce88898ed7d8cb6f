"""config/settings.py, DATABASES: on PostgreSQL a statement a connection repeats is parsed and
planned once (server-side binding; psycopg prepares it after five uses);
DATABASE_PREPARED_STATEMENTS=false turns that off. SQLite, the embedded default, has no such
options."""

import pytest
from django.db import connection

from organisations.models import Organisation

pytestmark = pytest.mark.django_db


def _prepared(pattern: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [pattern]
        )
        return cursor.fetchone()[0]


def test_postgresql_prepares_a_statement_the_connection_repeats():
    # docs/intake-performance.md: parsing and planning took a third of PostgreSQL's CPU
    if connection.vendor != "postgresql":
        assert "server_side_binding" not in connection.settings_dict.get("OPTIONS", {})
        return
    # a statement no other test sends; its values are parameters, not part of its text
    lookup = 'SELECT "organisations_organisation"."id"%"phone" = $%'

    def run(phone):
        list(Organisation.objects.filter(phone=phone).only("id"))

    for n in range(5):
        run(f"prepared-statement-check-{n}")
    assert _prepared(lookup) == 0
    run("prepared-statement-check-5")
    assert _prepared(lookup) == 1
