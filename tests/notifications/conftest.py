import sqlite3

import pytest
from django.core import mail
from django.db import connection

from organisations.models import Organisation


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(
        name="Werkse!", slug="werkse", legal_form="public_body", email="privacy@werkse.example"
    )


@pytest.fixture
def outbox():
    """django.core.mail.outbox, emptied; the anymail test backend and locmem append to it."""
    mail.outbox = []
    return mail.outbox


CONTEXTS = {
    "confirm_email": {
        "organisation_name": "Werkse!",
        "requester_name": "Jan & Ans de Vries",
        "reference": "AVG-2026-00001",
        "confirm_url": "https://avg.example/bevestig/abc123",
        "valid_days": "7",
    },
    "acknowledgement": {
        "organisation_name": "Werkse!",
        "requester_name": "Jan & Ans de Vries",
        "reference": "AVG-2026-00001",
        "right_label": "Inzage (art. 15 AVG)",
        "received_on": "5 maart 2026",
        "internal_due_on": "2 april 2026",
        "legal_due_on": "7 april 2026",
    },
    "decision_ready": {
        "organisation_name": "Werkse!",
        "requester_name": "Jan & Ans de Vries",
        "reference": "AVG-2026-00001",
        "download_url": "https://avg.example/download/xyz789",
        "valid_until": "7 mei 2026",
    },
    "officer_task": {
        "organisation_name": "Werkse!",
        "task_title": "Identiteit controleren",
        "reference": "AVG-2026-00001",
        "task_url": "https://avg.example/officer/tasks/42/",
    },
}


@pytest.fixture
def contexts():
    return {name: dict(context) for name, context in CONTEXTS.items()}


@pytest.fixture
def concurrent_db(transactional_db, tmp_path):
    """A database that several threads can write to at once, as in production.

    On PostgreSQL that is the test database itself. SQLite's in-memory test database runs in
    shared-cache mode, where a second writer gets "table is locked" at once instead of waiting,
    unlike the file database of the embedded default (WAL, IMMEDIATE, a busy timeout). So on
    SQLite the test database is copied into a file with the project's connection OPTIONS for the
    test, and the in-memory one is kept alive and put back afterwards.
    """
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    path = tmp_path / "concurrent.sqlite3"
    connection.ensure_connection()
    in_memory = connection.connection
    with sqlite3.connect(path) as copy:
        in_memory.backup(copy)
    copy.close()
    settings_dict = connection.settings_dict  # shared by every thread's connection
    name = settings_dict["NAME"]
    settings_dict["NAME"] = str(path)
    connection.connection = None  # detached, not closed: closing would drop the in-memory db
    try:
        yield
    finally:
        connection.close()
        settings_dict["NAME"] = name
        connection.connection = in_memory
