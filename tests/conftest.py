"""Fixtures shared by the whole suite."""

import pytest
from django.conf import settings
from django.test import override_settings

pytest_plugins = ["tests.domain_fixtures"]

# Fixtures that give a test the database; pytest-django's own ones and what depends on them
# (admin_user, django_user_model, ...) put at least one of these in a test's closure.
_DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "live_server",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
    }
)


@pytest.fixture(autouse=True)
def reference_data(request):
    """Make sure the rows the data migrations load are there: decreed days and role groups.

    Transactional and live-server tests end by truncating every table, these rows included, so
    a later test on the same worker would compute other deadlines and find no staff roles
    (STACK-FACTS.md, Tests). Both loaders are idempotent; in an ordinary ``db`` test they run
    inside the test's transaction and are rolled back with it.
    """
    uses_database = request.node.get_closest_marker(
        "django_db"
    ) is not None or not _DATABASE_FIXTURES.isdisjoint(request.fixturenames)
    if not uses_database:
        return
    # autouse fixtures are set up before the ones a test asks for: open the database first
    # (pytest-django still decides from the marker and the test's fixtures whether it is
    # transactional)
    request.getfixturevalue("db")

    from organisations.roles import ensure_role_groups
    from requests_flow.deadlines import ensure_decreed_days

    ensure_decreed_days()
    ensure_role_groups()


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Every test starts with no public-page hits counted: the whole suite posts from
    127.0.0.1, and the limits (the local-memory "ratelimit" cache) would carry over."""
    from django.core.cache import caches

    caches["ratelimit"].clear()


@pytest.fixture(autouse=True)
def id_copy_store(settings, tmp_path):
    """Each test has its own store of masked ID copies, so a test that looks at the directory
    sees only what it put there."""
    settings.ID_COPY_DIR = str(tmp_path / "id-copies")


@pytest.fixture(autouse=True, scope="session")
def file_locations(tmp_path_factory):
    """Files go to temporary directories, not the developer's var/, and static files are found
    where they are written, as in development: the suite runs with DEBUG off, and the manifest
    storage production uses would need a collectstatic before every run."""
    media = tmp_path_factory.mktemp("media")
    static = tmp_path_factory.mktemp("static")
    staticfiles = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(
        MEDIA_ROOT=media,
        STATIC_ROOT=static,
        STORAGES={**settings.STORAGES, "staticfiles": staticfiles},
        WHITENOISE_USE_FINDERS=True,
    ):
        yield


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the test database is a file (with the project's WAL and busy-timeout options),
    not pytest-django's in-memory one: child processes the tests start (a Celery worker, a
    sweep) and concurrent threads then use the same database, as in the embedded default."""
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(
            tmp_path_factory.mktemp("database") / "test.sqlite3"
        )
        # a throwaway database need not survive a power cut: skip the fsyncs
        options = database.setdefault("OPTIONS", {})
        options["init_command"] = options.get("init_command", "") + "PRAGMA synchronous=OFF;"
