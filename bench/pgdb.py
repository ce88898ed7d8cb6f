"""Throw-away PostgreSQL databases for the benchmarks: local servers only."""

from urllib.parse import urlparse

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _admin_url(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


def recreate_database(url: str) -> None:
    """Drop the database named in `url` if it exists and create it empty."""
    import psycopg

    parsed = urlparse(url)
    if not parsed.scheme.startswith("postgres") or parsed.hostname not in LOCAL_HOSTS:
        raise SystemExit("The benchmarks only run against a PostgreSQL server on this machine.")
    name = parsed.path.lstrip("/")
    with psycopg.connect(_admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    name = urlparse(url).path.lstrip("/")
    with psycopg.connect(_admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
