"""config/settings.py, DATABASES: on PostgreSQL a statement a connection repeats is parsed and
planned once (server-side binding; psycopg prepares it after five uses);
DATABASE_PREPARED_STATEMENTS=false turns that off. SQLite, the embedded default, has no such
options."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
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


def test_options_in_the_database_url_are_kept():
    # README, Configuration: DATABASE_URL may carry libpq options (sslmode for a database on
    # another host); the prepared statements' options join them instead of replacing them
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://avgflow@db.example.nl:5432/avgflow?sslmode=verify-full",
        "DATABASE_PREPARED_STATEMENTS": "true",
    }
    printed = subprocess.run(
        [sys.executable, "-c", "from config import settings; print(settings.DATABASES)"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "'sslmode': 'verify-full'" in printed
    assert "'server_side_binding': True" in printed
