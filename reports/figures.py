"""The FG's figures for one organisation and period: one aggregate query per figure.

The period selects cases by the day their request was received (`received_on`, inclusive on
both ends). "Decided" cases have a decision made known (`decision_sent_on`), which leaves out
withdrawn cases and includes a restriction still in force (AVG 18(3)). Due dates are the stored
ones, after pauses and the extension, so "in time" is measured against the deadline that really
applied. "Open cases by age" is a snapshot on `today` of the cases still being handled, not
limited to the period. The CSV columns are documented in docs/reports.md.
"""

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
)

from requests_flow.constants import Channel, Outcome, RefusalGround, Right
from requests_flow.models import AuditEntry, Case, InformationRequest, Request

# Audit actions of a forward to another controller and of a transfer inside the same controller
# (LEGAL.md 3.1, 3.2); the routing flows write them when a case leaves or moves.
FORWARD_ACTION = "forwarded"
TRANSFER_ACTION = "transferred"

AGE_BANDS = (
    ("0-7", 0, 7),
    ("8-14", 8, 14),
    ("15-21", 15, 21),
    ("22-28", 22, 28),
    ("29-56", 29, 56),
    ("57+", 57, None),
)


class Percentile(Aggregate):
    """PostgreSQL's ordered-set aggregate ``percentile_cont(p) WITHIN GROUP (ORDER BY x)``."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


@dataclass
class Figures:
    start: datetime.date
    end: datetime.date
    today: datetime.date
    per_right: dict[str, int] = field(default_factory=dict)
    per_channel: dict[str, int] = field(default_factory=dict)
    decided: int = 0
    within_internal: int = 0
    within_legal: int = 0
    extended: int = 0
    paused: int = 0
    forwarded: int = 0
    transferred: int = 0
    withdrawn: int = 0
    refusals: dict[str, int] = field(default_factory=dict)
    median_days: float | None = None
    p90_days: float | None = None
    open_by_age: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.per_right.values())

    @property
    def within_internal_pct(self) -> float | None:
        return _pct(self.within_internal, self.decided)

    @property
    def within_legal_pct(self) -> float | None:
        return _pct(self.within_legal, self.decided)


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def compute(organisation, start: datetime.date, end: datetime.date, today: datetime.date):
    """Every figure of the report for `organisation` and the period `start`..`end`."""
    cases = Case.objects.filter(
        organisation=organisation,
        request__received_on__gte=start,
        request__received_on__lte=end,
    )
    result = Figures(start=start, end=end, today=today)

    rights = cases.aggregate(**{r.value: Count("pk", filter=Q(right=r.value)) for r in Right})
    result.per_right = {r.value: rights[r.value] for r in Right}

    channels = Request.objects.filter(
        organisation=organisation, received_on__gte=start, received_on__lte=end
    ).aggregate(**{c.value: Count("pk", filter=Q(channel=c.value)) for c in Channel})
    result.per_channel = {c.value: channels[c.value] for c in Channel}

    decided = cases.filter(decision_sent_on__isnull=False)
    timeliness = decided.aggregate(
        decided=Count("pk"),
        within_internal=Count("pk", filter=Q(decision_sent_on__lte=F("internal_due_on"))),
        within_legal=Count("pk", filter=Q(decision_sent_on__lte=F("legal_due_on"))),
    )
    result.decided = timeliness["decided"]
    result.within_internal = timeliness["within_internal"]
    result.within_legal = timeliness["within_legal"]

    # the extension is one-to-one, so its join adds no rows; the pauses (many per case) get
    # their own query, with EXISTS as a semi-join, instead of COUNT(DISTINCT ...) over a join
    clock = cases.aggregate(
        extended=Count("extension"),
        withdrawn=Count("pk", filter=Q(outcome=Outcome.WITHDRAWN)),
    )
    paused = cases.filter(Exists(InformationRequest.objects.filter(case=OuterRef("pk"))))
    result.extended, result.paused = clock["extended"], paused.count()
    result.withdrawn = clock["withdrawn"]

    routing = AuditEntry.objects.filter(
        case__in=cases.values("pk"), action__in=[FORWARD_ACTION, TRANSFER_ACTION]
    ).aggregate(
        forwarded=Count("case", filter=Q(action=FORWARD_ACTION), distinct=True),
        transferred=Count("case", filter=Q(action=TRANSFER_ACTION), distinct=True),
    )
    result.forwarded, result.transferred = routing["forwarded"], routing["transferred"]

    grounds = [g.value for g in RefusalGround]
    refused = decided.filter(outcome__in=[Outcome.REFUSED, Outcome.NOT_HANDLED]).aggregate(
        **{g: Count("pk", filter=Q(refusal_ground=g)) for g in grounds},
        other=Count("pk", filter=~Q(refusal_ground__in=grounds)),
    )
    result.refusals = {g: refused[g] for g in [*grounds, "other"]}

    result.median_days, result.p90_days = _handling_days(decided)
    result.open_by_age = _open_by_age(organisation, today)
    return result


def _handling_days(decided) -> tuple[float | None, float | None]:
    """Median and 90th percentile of the days from receipt to the decision made known."""
    duration = ExpressionWrapper(
        F("decision_sent_on") - F("request__received_on"), output_field=DurationField()
    )
    if connection.vendor == "postgresql":
        row = decided.aggregate(
            median=Percentile(duration, 0.5, output_field=DurationField()),
            p90=Percentile(duration, 0.9, output_field=DurationField()),
        )
        return tuple(
            None if row[k] is None else round(row[k].total_seconds() / 86400, 1)
            for k in ("median", "p90")
        )
    # the embedded default (SQLite) has no percentile aggregate: one query for the durations
    days = sorted(
        d.total_seconds() / 86400 for d in decided.annotate(d=duration).values_list("d", flat=True)
    )
    return _percentile(days, 0.5), _percentile(days, 0.9)


def _percentile(values: list[float], fraction: float) -> float | None:
    """Linear interpolation, as PostgreSQL's percentile_cont."""
    if not values:
        return None
    position = fraction * (len(values) - 1)
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return round(values[low] + (values[high] - values[low]) * (position - low), 1)


def _open_by_age(organisation, today: datetime.date) -> dict[str, int]:
    """Open cases on `today` by days since receipt."""
    bands = {}
    for key, low, high in AGE_BANDS:
        condition = Q(request__received_on__lte=today - datetime.timedelta(days=low))
        if high is not None:
            condition &= Q(request__received_on__gte=today - datetime.timedelta(days=high))
        bands[key] = Count("pk", filter=condition)
    counts = Case.objects.filter(organisation=organisation).open().aggregate(**bands)
    return {key: counts[key] for key, _low, _high in AGE_BANDS}


def csv_rows(figures: Figures):
    """The report as (figure, key, value) rows; the columns are documented in docs/reports.md."""
    yield ("period_start", "", figures.start.isoformat())
    yield ("period_end", "", figures.end.isoformat())
    yield ("requests_total", "", figures.total)
    for key, value in figures.per_right.items():
        yield ("requests_per_right", key, value)
    for key, value in figures.per_channel.items():
        yield ("requests_per_channel", key, value)
    yield ("decided", "", figures.decided)
    yield ("within_internal_target", "count", figures.within_internal)
    yield ("within_internal_target", "percent", _blank(figures.within_internal_pct))
    yield ("within_legal_deadline", "count", figures.within_legal)
    yield ("within_legal_deadline", "percent", _blank(figures.within_legal_pct))
    yield ("extended", "", figures.extended)
    yield ("paused", "", figures.paused)
    yield ("forwarded", "", figures.forwarded)
    yield ("transferred", "", figures.transferred)
    yield ("withdrawn", "", figures.withdrawn)
    for key, value in figures.refusals.items():
        yield ("refusals_per_ground", key, value)
    yield ("handling_days", "median", _blank(figures.median_days))
    yield ("handling_days", "p90", _blank(figures.p90_days))
    for key, value in figures.open_by_age.items():
        yield ("open_by_age_days", key, value)


def _blank(value):
    return "" if value is None else value
