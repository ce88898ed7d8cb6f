"""config/compiled_sql.py: statements compiled once per connection write and read what the ORM
writes and reads (issue 9: the intake's statements without Django's per-call compilation).
Run on SQLite and on PostgreSQL (CI); SQLite needs the converters for dates and JSON."""

import datetime
import threading
import uuid

import pytest
import time_machine
from django.db import connection, models
from django.db.models.functions import Now
from django.db.models.signals import pre_save
from django.utils import timezone

from config import compiled_sql
from config.compiled_sql import CompiledQuery
from notifications.models import OutboxMessage
from organisations import seeds
from organisations.models import Organisation
from requests_flow.constants import AuditAction
from requests_flow.deadlines import _load_decreed_days
from requests_flow.models import AuditEntry, Case, DecreedDay, Request

pytestmark = pytest.mark.django_db

FROZEN = datetime.datetime(2026, 12, 7, 9, 30, tzinfo=datetime.UTC)

BY_SLUG = CompiledQuery(
    lambda slug: Organisation.objects.filter(slug=slug), slug=models.SlugField()
)


def _row(obj) -> dict:
    row = type(obj).objects.filter(pk=obj.pk).values().get()
    del row["id"]
    return row


def _same_insert(model, make_values, unique=()):
    """Insert the same values through `compiled_sql.create` and through the ORM's `create`;
    both rows must read back alike (a unique field as given), and the new instance must be a
    saved one."""
    with time_machine.travel(FROZEN, tick=False):
        given = make_values()
        ours = compiled_sql.create(model, **given)
        theirs = model.objects.create(**make_values())
    assert ours.pk is not None and ours.pk != theirs.pk
    assert ours._state.adding is False and ours._state.db == "default"
    ours_row, theirs_row = _row(ours), _row(theirs)
    for name in unique:
        assert ours_row.pop(name) == given[name] != theirs_row.pop(name)
    assert ours_row == theirs_row
    return ours


def _request_values(werkse, key=None):
    return lambda: {
        "organisation": werkse,
        "channel": "web",
        "received_at": timezone.now(),
        "received_on": datetime.date(2026, 12, 7),
        "description": "Welke gegevens heeft u van mij?",
        "requester_name": "Anna de Vries",
        "requester_email": "anna@example.org",
        "relation": "client",
        "idempotency_key": key() if key else None,
    }


def test_a_request_and_its_audit_entry_are_written_as_the_orm_writes_them(werkse):
    request_obj = _same_insert(
        Request, _request_values(werkse, key=uuid.uuid4), unique=["idempotency_key"]
    )
    assert Request.objects.get(pk=request_obj.pk).received_at == FROZEN
    _same_insert(
        AuditEntry,
        lambda: {"request": request_obj, "action": AuditAction.SUBMITTED, "details": "web"},
    )


def test_a_case_and_an_outbox_message_with_json_are_written_as_the_orm_writes_them(werkse):
    request_obj = compiled_sql.create(Request, **_request_values(werkse)())
    case = _same_insert(
        Case,
        lambda: {
            "request": request_obj,
            "organisation": werkse,
            "right": "access",
            "internal_due_on": datetime.date(2027, 1, 4),
            "legal_due_on": datetime.date(2027, 1, 7),
        },
    )
    message = _same_insert(
        OutboxMessage,
        lambda: {
            "template": "confirm_email",
            "to": "anna@example.org",
            "context": {"reference": "AVG-2026-00001", "names": ["Anna", "ë"]},
            "organisation": werkse,
            "request": request_obj,
            "case": case,
        },
    )
    assert OutboxMessage.objects.get(pk=message.pk).context["names"] == ["Anna", "ë"]


def test_an_insert_is_one_statement(werkse, django_assert_num_queries):
    values = _request_values(werkse)()
    compiled_sql.create(Request, **values)  # compiled on first use
    with django_assert_num_queries(1):
        compiled_sql.create(Request, **values)


def test_a_model_with_a_pre_save_receiver_is_saved_by_the_orm(werkse):
    # signal receivers must see every save: the compiled INSERT would bypass them
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance.action)

    pre_save.connect(receiver, sender=AuditEntry)
    try:
        request_obj = compiled_sql.create(Request, **_request_values(werkse)())
        compiled_sql.create(AuditEntry, request=request_obj, action=AuditAction.SUBMITTED)
    finally:
        pre_save.disconnect(receiver, sender=AuditEntry)
    assert seen == [AuditAction.SUBMITTED]


def test_an_expression_as_a_value_is_saved_by_the_orm(werkse):
    values = {**_request_values(werkse)(), "received_at": Now()}
    request_obj = compiled_sql.create(Request, **values)
    stored = Request.objects.get(pk=request_obj.pk).received_at
    assert abs(stored - timezone.now()) < datetime.timedelta(minutes=1)


def test_an_unsaved_related_object_is_refused_as_by_the_orm(werkse):
    unsaved = Organisation(name="Nog niet opgeslagen", slug="unsaved")
    with pytest.raises(ValueError, match="unsaved related object 'organisation'"):
        compiled_sql.create(Request, **{**_request_values(werkse)(), "organisation": unsaved})


def test_a_compiled_query_reads_the_instance_the_orm_reads(werkse):
    workways = seeds.workways()
    for organisation in (werkse, workways, werkse):  # bound per call, never the last value
        ours = BY_SLUG.get_or_none(slug=organisation.slug)
        theirs = Organisation.objects.get(slug=organisation.slug)
        assert isinstance(ours, Organisation) and ours._state.adding is False
        for field in Organisation._meta.concrete_fields:
            assert getattr(ours, field.attname) == getattr(theirs, field.attname), field.name
    assert isinstance(ours.created, datetime.datetime) and isinstance(ours.offered_rights, list)
    assert BY_SLUG.get_or_none(slug="no-such-organisation") is None


def test_the_decreed_days_are_read_as_the_orm_reads_them(db):
    # Atw 3(3): decreed days count as holidays; the deadline code reads them in ranges
    DecreedDay.objects.get_or_create(
        date=datetime.date(2027, 5, 7), defaults={"reference": "Stcrt. test"}
    )
    start, end = datetime.date(2026, 1, 1), datetime.date(2028, 12, 31)
    expected = set(
        DecreedDay.objects.filter(date__range=(start, end)).values_list("date", flat=True)
    )
    assert datetime.date(2027, 5, 7) in expected
    assert _load_decreed_days(start, end) == expected
    later = datetime.date(2027, 5, 8)
    assert _load_decreed_days(later, end) == {d for d in expected if d >= later}


def test_joined_or_annotated_querysets_are_refused(werkse):
    joined = CompiledQuery(
        lambda pk: Request.objects.select_related("organisation").filter(pk=pk),
        pk=models.IntegerField(),
    )
    with pytest.raises(ValueError, match="nothing joined or annotated"):
        joined.all(pk=1)


def test_a_missing_or_empty_value_is_refused(werkse):
    # "slug = NULL" never matches, where the ORM writes "IS NULL": refused, not silently empty
    with pytest.raises(ValueError, match="'slug' is None"):
        BY_SLUG.all(slug=None)
    with pytest.raises(TypeError, match=r"takes the values \['slug'\], not \['name'\]"):
        BY_SLUG.all(name="werkse")


@pytest.mark.django_db(transaction=True)
def test_each_thread_compiles_on_its_own_connection():
    # gunicorn's threads or a live server: a compiled statement belongs to one connection
    organisation = seeds.werkse()
    found, errors = {}, []

    def look_up():
        try:
            found[threading.get_ident()] = BY_SLUG.get_or_none(slug=organisation.slug)
        except Exception as exc:  # surfaced below; a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=look_up) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [o.pk for o in found.values()] == [organisation.pk, organisation.pk]
    assert BY_SLUG.get_or_none(slug=organisation.slug).pk == organisation.pk
