"""Statements compiled to SQL once per database connection, for the public intake (issue 9).

Django compiles a queryset to SQL every time it is evaluated, and builds an INSERT for every
`save()`: on the bench machine 0.1-0.25 ms of Python per statement, more than PostgreSQL needs
to run it. A public form submission runs the same handful of statements every time, so:

- `CompiledQuery` compiles a queryset once per connection, with `Param` placeholders where the
  values go, and after that only binds the values;
- `insert` writes a new model instance with an INSERT built once per model and connection.

What is read and written stays the ORM's own: values are prepared by the fields
(`get_prep_value`/`get_db_prep_value`, `pre_save`/`get_db_prep_save`), rows are converted by
the compiler's converters and turned into instances by `Model.from_db`.
`tests/config/test_compiled_sql.py` compares both with the ORM, on SQLite and PostgreSQL.
Anything these helpers do not cover (signal receivers, inheritance, expressions as values,
select_related, annotations) is refused when compiling or handed to the ORM.
"""

import weakref
from collections.abc import Callable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.models import Expression, Model
from django.db.models.query import FlatValuesListIterable, ModelIterable, ValuesListIterable
from django.db.models.signals import post_save, pre_save


class Param(Expression):
    """A named value of a `CompiledQuery`, prepared by `output_field` as a lookup would be."""

    def __init__(self, name: str, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [_Slot(self.name, self.output_field)]


@dataclass(frozen=True)
class _Slot:
    """Where a `Param`'s value goes in the compiled parameters."""

    name: str
    field: object

    def bind(self, values: dict, connection):
        value = values[self.name]
        if value is None:
            # the compiled SQL compares with "=", which never matches NULL; the ORM would have
            # written IS NULL: build another query for that
            raise ValueError(f"CompiledQuery parameter {self.name!r} is None.")
        field = self.field
        return field.get_db_prep_value(field.get_prep_value(value), connection, prepared=True)


@dataclass(frozen=True)
class _CompiledSelect:
    sql: str
    params: tuple
    converters: dict
    model: type | None  # instances of it, or None for value rows
    attnames: tuple[str, ...]
    flat: bool


class CompiledQuery:
    """A queryset built by `build(**params)` from `Param`s, compiled once per connection.

    `build` is called with `Param` objects (never with values), so it must not branch on them::

        BY_SLUG = CompiledQuery(
            lambda slug: Organisation.objects.filter(slug=slug), slug=models.SlugField()
        )
        BY_SLUG.get_or_none(slug="werkse")
    """

    def __init__(self, build: Callable, using: str = DEFAULT_DB_ALIAS, **fields):
        self._build = build
        self._fields = fields
        self._using = using
        self._compiled = weakref.WeakKeyDictionary()

    def _compile(self, connection) -> _CompiledSelect:
        queryset = self._build(**{name: Param(name, f) for name, f in self._fields.items()})
        query = queryset.query
        if (
            query.select_related
            or query.annotations
            or query.extra_select
            or queryset._prefetch_related_lookups
        ):
            raise ValueError("CompiledQuery takes plain querysets: nothing joined or annotated.")
        compiler = query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        columns = [column for column, _sql, _alias in compiler.select[: compiler.col_count]]
        iterable = queryset._iterable_class
        if iterable is ModelIterable:
            model, attnames, flat = query.model, tuple(c.target.attname for c in columns), False
        elif iterable in (ValuesListIterable, FlatValuesListIterable):
            model, attnames, flat = None, (), iterable is FlatValuesListIterable
        else:
            raise ValueError(f"CompiledQuery cannot return {iterable.__name__} rows.")
        return _CompiledSelect(
            sql=sql,
            params=tuple(params),
            converters=compiler.get_converters(columns),
            model=model,
            attnames=attnames,
            flat=flat,
        )

    def all(self, **values) -> list:
        """The rows for these values: model instances, or tuples (single values when flat)."""
        if values.keys() != self._fields.keys():
            raise TypeError(
                f"CompiledQuery takes the values {sorted(self._fields)}, not {sorted(values)}."
            )
        connection = connections[self._using]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = self._compile(connection)
        params = [
            p.bind(values, connection) if isinstance(p, _Slot) else p for p in compiled.params
        ]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            rows = [_converted(row, compiled.converters, connection) for row in rows]
        if compiled.model is not None:
            return [compiled.model.from_db(self._using, compiled.attnames, row) for row in rows]
        if compiled.flat:
            return [row[0] for row in rows]
        return [tuple(row) for row in rows]

    def get_or_none(self, **values):
        """The one row for these values, or None; more than one is an error."""
        rows = self.all(**values)
        if len(rows) > 1:
            raise ValueError(f"CompiledQuery.get_or_none found {len(rows)} rows.")
        return rows[0] if rows else None


def _converted(row, converters: dict, connection) -> list:
    row = list(row)
    for position, (functions, expression) in converters.items():
        value = row[position]
        for function in functions:
            value = function(value, expression, connection)
        row[position] = value
    return row


@dataclass(frozen=True)
class _InsertPlan:
    fields: tuple
    sql: str
    returning: tuple
    returning_params: tuple
    converters: dict


# per connection: {(model, whether the primary key is given): plan, or None for the ORM's way}
_insert_plans = weakref.WeakKeyDictionary()


def _plan_insert(model: type[Model], pk_given: bool, connection) -> _InsertPlan | None:
    meta = model._meta
    if (
        meta.parents
        or meta.order_with_respect_to
        or not connection.features.can_return_columns_from_insert
    ):
        return None
    fields = tuple(
        f
        for f in meta.local_concrete_fields
        if not f.generated and (pk_given or f is not meta.auto_field)
    )
    if any(getattr(f, "get_placeholder", None) for f in fields):
        return None
    returning = tuple(meta.db_returning_fields)
    quote = connection.ops.quote_name
    returning_sql, returning_params = connection.ops.return_insert_columns(returning)
    columns_sql = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = (
        f"{connection.ops.insert_statement()} {quote(meta.db_table)} ({columns_sql}) "
        f"VALUES ({placeholders}) {returning_sql}"
    )
    columns = [f.get_col(meta.db_table) for f in returning]
    # the compiler's converters for the returned columns, as the ORM's insert applies them
    compiler = model._base_manager.none().query.get_compiler(connection=connection)
    return _InsertPlan(
        fields=fields,
        sql=sql.rstrip(),
        returning=returning,
        returning_params=tuple(returning_params),
        converters=compiler.get_converters(columns),
    )


def insert(obj: Model, using: str | None = None) -> Model:
    """`obj.save(force_insert=True)` for a new instance, with an INSERT built once.

    Models with pre_save or post_save receivers, multi-table inheritance or
    `order_with_respect_to`, values that are expressions, and databases that cannot return
    columns from an INSERT all go through `save()` itself.
    """
    model = type(obj)
    using = using or router.db_for_write(model, instance=obj)
    if pre_save.has_listeners(model) or post_save.has_listeners(model):
        obj.save(force_insert=True, using=using)
        return obj
    connection = connections[using]
    meta = obj._meta
    obj._prepare_related_fields_for_save(operation_name="save")
    if obj.pk is None:
        setattr(obj, meta.pk.attname, meta.pk.get_pk_value_on_save(obj))
    pk_given = obj.pk is not None
    plans = _insert_plans.get(connection)
    if plans is None:
        plans = _insert_plans[connection] = {}
    key = (model, pk_given)
    if key not in plans:
        plans[key] = _plan_insert(model, pk_given, connection)
    plan = plans[key]
    values = [] if plan is not None else None
    if plan is not None:
        for field in plan.fields:
            value = field.pre_save(obj, True)
            if hasattr(value, "resolve_expression"):
                values = None
                break
            values.append(field.get_db_prep_save(value, connection=connection))
    if values is None:
        obj.save(force_insert=True, using=using)
        return obj
    with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
        cursor.execute(plan.sql, values)
        row = connection.ops.fetch_returned_insert_columns(cursor, plan.returning_params)
    if plan.converters:
        row = _converted(row, plan.converters, connection)
    for value, field in zip(row, plan.returning, strict=True):
        setattr(obj, field.attname, value)
    obj._state.adding = False
    obj._state.db = using
    return obj


def create(model: type[Model], using: str | None = None, **values) -> Model:
    """`model.objects.create(**values)` through `insert`."""
    return insert(model(**values), using=using)
