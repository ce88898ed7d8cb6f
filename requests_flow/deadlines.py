"""The legal clock (LEGAL.md section 1) as plain, side-effect-free functions.

Every date here is a Dutch calendar date and the day of receipt is day 0. The rules:

- **D1** (AVG 12(3)): receipt plus one calendar month, counted as EU Regulation 1182/71 counts
  months (the same day number, or the month's last day when it has no such day), moved off a
  Saturday, Sunday or Algemene termijnenwet (Atw) holiday to the next working day.
- **Extension** (AVG 12(3)): receipt plus three months, moved the same way.
- **Pause** (Awb 4:15): the paused days are added to the *unmoved* end date; only then is the
  result moved off a non-working day.
- **Internal target** (organisation policy): receipt plus a number of weeks, shifted by the
  paused days, not moved off weekends, never after D1; after an extension, the new D1 minus a
  margin of calendar days.

Holidays follow Atw art. 3, not a general holiday calendar. The ``holidays`` package agrees with
the Atw on the Christian feasts, Nieuwjaarsdag and Koningsdag (from 2014), but keeps 5 May only
in lustrum years and knows nothing of the days a Royal Decree under Atw 3(3) declares equal to a
holiday. The statutory list is short and fixed by law, so it is built here from the statute itself
(Easter from ``dateutil``, which the ``holidays`` package depends on); the tests check where the
package agrees and prove where it does not. Decreed days are data: the ``DecreedDay`` table, read
with at most one query per computation, so a newly published decree changes every result at once.
Functions that need decreed days also take them as ``decreed_days=`` so a caller recomputing many
cases can fetch them once, and so the computation can run without a database.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Collection, Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple
from zoneinfo import ZoneInfo

from dateutil.easter import easter
from django.db.models import DateField

from config.compiled_sql import CompiledQuery

if TYPE_CHECKING:
    from organisations.models import Organisation
    from requests_flow.models import Case

# Dutch calendar days (LEGAL.md 1.1), whatever the server's or the settings' time zone.
AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# Organisation policy defaults (LEGAL.md 1.3), used when no organisation is given.
DEFAULT_INTERNAL_TARGET_WEEKS = 4
DEFAULT_EXTENSION_MARGIN_DAYS = 5

# The decree under Atw 3(3) for 2026-2028. Migration 0002 loads the same days; tests and fixtures
# call ensure_decreed_days() to reload them after a transactional test truncated the table.
DECREE_2026_2028_REFERENCE = "Besluit van 2 juli 2024, Stb. 2024, 187 (Atw art. 3(3), 2026-2028)"
DECREE_2026_2028 = (
    datetime.date(2026, 1, 2),
    datetime.date(2026, 5, 15),
    datetime.date(2027, 5, 7),
    datetime.date(2028, 4, 28),
    datetime.date(2028, 5, 26),
)

# How far ahead one query looks for decreed days when moving a date to a working day. A run of
# non-working days is at most a handful long; a longer one only costs another query.
_LOOKAHEAD_DAYS = 31

_ONE_DAY = datetime.timedelta(days=1)


class Deadlines(NamedTuple):
    """The two dates a case shows: the working target and the legal limit (D1)."""

    internal: datetime.date
    legal: datetime.date


def add_months(d: datetime.date, n: int) -> datetime.date:
    """``d`` plus ``n`` calendar months, as EU Regulation 1182/71 art. 3(2)(c) counts them.

    The same day number ``n`` months later; if that month is too short, its last day
    (31 January + 1 month = 28 February, or 29 February in a leap year). ``n`` may be negative.
    """
    month_index = d.year * 12 + (d.month - 1) + n
    year, month = divmod(month_index, 12)
    month += 1
    return datetime.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def koningsdag(year: int) -> datetime.date:
    """The day the King's birthday is celebrated: 27 April, or 26 April when that is a Sunday.

    The rule in force since 2014; the clock never handles requests received before then.
    """
    day = datetime.date(year, 4, 27)
    return day - _ONE_DAY if day.weekday() == calendar.SUNDAY else day


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> frozenset[datetime.date]:
    """The holidays Atw art. 3(1) names for ``year``, without the decreed days of art. 3(3).

    Eerste Paasdag and Eerste Pinksterdag are not listed: they are Sundays, which the Atw treats
    as non-working days in their own right. 5 May counts in every year, not only in lustrum years.
    """
    easter_sunday = easter(year)
    return frozenset(
        {
            datetime.date(year, 1, 1),  # Nieuwjaarsdag
            easter_sunday - datetime.timedelta(days=2),  # Goede Vrijdag
            easter_sunday + datetime.timedelta(days=1),  # Tweede Paasdag
            koningsdag(year),
            datetime.date(year, 5, 5),  # Bevrijdingsdag, every year for the Atw
            easter_sunday + datetime.timedelta(days=39),  # Hemelvaartsdag
            easter_sunday + datetime.timedelta(days=50),  # Tweede Pinksterdag
            datetime.date(year, 12, 25),  # Eerste Kerstdag
            datetime.date(year, 12, 26),  # Tweede Kerstdag
        }
    )


def _decreed_days_between(start, end):
    # Imported here, not at module level, so models may import this module without a cycle.
    from requests_flow.models import DecreedDay

    return DecreedDay.objects.filter(date__range=(start, end)).values_list("date", flat=True)


# compiled once per connection: every submission asks it (config/compiled_sql.py)
_DECREED_DAYS = CompiledQuery(_decreed_days_between, start=DateField(), end=DateField())


def _load_decreed_days(start: datetime.date, end: datetime.date) -> frozenset[datetime.date]:
    """The decreed days from ``start`` to ``end`` inclusive, in one query."""
    return frozenset(_DECREED_DAYS.all(start=start, end=end))


def _is_working_day(d: datetime.date, decreed_days: Collection[datetime.date]) -> bool:
    return d.weekday() < calendar.SATURDAY and not (
        d in statutory_holidays(d.year) or d in decreed_days
    )


def is_atw_holiday(
    d: datetime.date, *, decreed_days: Collection[datetime.date] | None = None
) -> bool:
    """Whether ``d`` is a holiday for the Atw: named in art. 3(1) or decreed under art. 3(3).

    Decreed days are read from the ``DecreedDay`` table (one query) unless ``decreed_days`` is
    given.
    """
    if d in statutory_holidays(d.year):
        return True
    if decreed_days is None:
        decreed_days = _load_decreed_days(d, d)
    return d in decreed_days


def is_working_day(
    d: datetime.date, *, decreed_days: Collection[datetime.date] | None = None
) -> bool:
    """Whether ``d`` is a working day: not a Saturday, Sunday or Atw holiday (Atw art. 1, 3)."""
    if d.weekday() >= calendar.SATURDAY:
        return False
    return not is_atw_holiday(d, decreed_days=decreed_days)


def next_working_day_on_or_after(
    d: datetime.date, *, decreed_days: Collection[datetime.date] | None = None
) -> datetime.date:
    """``d`` itself if it is a working day, otherwise the first working day after it (Atw 1(1)).

    Without ``decreed_days`` this reads the decreed days from ``d`` onwards in one query.
    """
    if decreed_days is not None:
        while not _is_working_day(d, decreed_days):
            d += _ONE_DAY
        return d
    while True:
        window_end = d + datetime.timedelta(days=_LOOKAHEAD_DAYS)
        window = _load_decreed_days(d, window_end)
        while d <= window_end:
            if _is_working_day(d, window):
                return d
            d += _ONE_DAY


def _internal_target_weeks(organisation: Organisation | None) -> int:
    if organisation is None:
        return DEFAULT_INTERNAL_TARGET_WEEKS
    return organisation.internal_target_weeks


def _extension_margin_days(organisation: Organisation | None) -> int:
    if organisation is None:
        return DEFAULT_EXTENSION_MARGIN_DAYS
    return organisation.extension_margin_days


def compute_deadlines(
    received_on: datetime.date,
    organisation: Organisation | None = None,
    *,
    paused_days: Iterable[datetime.date] = frozenset(),
    extended: bool = False,
    decreed_days: Collection[datetime.date] | None = None,
) -> Deadlines:
    """The internal target and D1 of a request received on ``received_on`` (LEGAL.md 1.2-1.5).

    ``paused_days`` are the dates the clock stood still (Awb 4:15), e.g. the union of
    ``pause_days(...)`` of every information request: a day counts once, however many requests
    for information were open on it. ``extended`` is true once an extension notice was sent
    (AVG 12(3)): the end date is then receipt plus three months instead of one.

    D1: the unmoved end date (receipt plus one or three months) plus the number of paused days,
    then moved off a Saturday, Sunday or Atw holiday. Internal target: receipt plus the
    organisation's weeks plus the paused days, not moved, and never after D1; when extended, D1
    minus the organisation's margin in calendar days. ``organisation`` may be ``None`` for the
    defaults (four weeks, five days).

    Reads the decreed days in one query unless ``decreed_days`` is given; writes nothing.
    """
    pause = datetime.timedelta(days=len(frozenset(paused_days)))
    end = add_months(received_on, 3 if extended else 1) + pause
    legal = next_working_day_on_or_after(end, decreed_days=decreed_days)
    if extended:
        internal = legal - datetime.timedelta(days=_extension_margin_days(organisation))
    else:
        weeks = datetime.timedelta(weeks=_internal_target_weeks(organisation))
        internal = min(received_on + weeks + pause, legal)
    return Deadlines(internal=internal, legal=legal)


def legal_due_date(
    received_on: datetime.date,
    organisation: Organisation | None = None,
    *,
    decreed_days: Collection[datetime.date] | None = None,
) -> datetime.date:
    """D1 without pauses or extension: receipt plus one month, moved to a working day.

    ``organisation`` is accepted for a uniform signature only: an organisation's own closing
    days never extend a legal term (LEGAL.md 1.2).
    """
    return compute_deadlines(received_on, organisation, decreed_days=decreed_days).legal


def internal_due_date(
    received_on: datetime.date,
    organisation: Organisation | None = None,
    *,
    decreed_days: Collection[datetime.date] | None = None,
) -> datetime.date:
    """The internal target without pauses or extension: receipt plus the organisation's weeks
    (default four), not moved off weekends, never after D1."""
    return compute_deadlines(received_on, organisation, decreed_days=decreed_days).internal


def extended_due_date(
    received_on: datetime.date,
    organisation: Organisation | None = None,
    *,
    decreed_days: Collection[datetime.date] | None = None,
) -> datetime.date:
    """The latest D1 an extension can give (AVG 12(3)): receipt plus three months, moved to a
    working day. Without pauses; ``compute_deadlines(..., extended=True)`` adds them."""
    return compute_deadlines(
        received_on, organisation, extended=True, decreed_days=decreed_days
    ).legal


def pause_days(letter_on: datetime.date, reply_on: datetime.date) -> set[datetime.date]:
    """The days an information request pauses the clock (Awb 4:15(1)(a)).

    "Met ingang van de dag na" the letter "tot de dag waarop" the reply arrives: from the day
    after ``letter_on`` up to, not including, ``reply_on``. A letter on 4 March answered on
    16 March pauses 5-15 March, 11 days. When the reply term runs out unused, the pause includes
    the term's last day: pass the day after it as ``reply_on``. For a pause still open, pass
    today to show D1 "as if the reply came today".
    """
    if reply_on < letter_on:
        raise ValueError(f"reply on {reply_on} comes before the letter of {letter_on}")
    days = (reply_on - letter_on).days - 1
    return {letter_on + datetime.timedelta(days=i) for i in range(1, days + 1)}


def information_request_days(info_request, today: datetime.date) -> set[datetime.date]:
    """The days one information request pauses the clock (LEGAL.md 1.5): up to the reply; for an
    unanswered request whose term ran out, up to and including the term's last day; for one still
    open, "as if the reply came today"."""
    if info_request.replied_on is not None:
        return pause_days(info_request.sent_on, info_request.replied_on)
    if info_request.reply_due_on < today:
        return pause_days(info_request.sent_on, info_request.reply_due_on + _ONE_DAY)
    return pause_days(info_request.sent_on, max(today, info_request.sent_on))


def case_deadlines(
    case: Case,
    today: datetime.date | None = None,
    *,
    decreed_days: Collection[datetime.date] | None = None,
) -> Deadlines:
    """The deadlines of ``case``, counted from its request's ``received_on`` with its
    organisation's policy, its pauses and its extension.

    The pauses are the union of the days of the case's information requests (a day counts once,
    LEGAL.md 1.5); an open pause counts as if the reply came ``today`` (default: the local date).
    ``extended`` is true once the case has an extension (AVG 12(3)).
    """
    from django.utils import timezone

    today = today or timezone.localdate()
    paused: set[datetime.date] = set()
    for info_request in case.information_requests.all():
        paused |= information_request_days(info_request, today)
    return compute_deadlines(
        case.request.received_on,
        case.organisation,
        paused_days=paused,
        extended=hasattr(case, "extension"),
        decreed_days=decreed_days,
    )


def start_of_day(d: datetime.date) -> datetime.datetime:
    """00:00 Europe/Amsterdam on ``d``, as an aware datetime (for viewflow timers)."""
    return datetime.datetime.combine(d, datetime.time(0), tzinfo=AMSTERDAM)


def due_moment(d: datetime.date) -> datetime.datetime:
    """The moment a case due on ``d`` becomes overdue: 00:00 Europe/Amsterdam the day after.

    "Due on D1" means by the end of that day (LEGAL.md 1.2). viewflow timers need this aware
    datetime, not a date.
    """
    return datetime.datetime.combine(d + _ONE_DAY, datetime.time(0), tzinfo=AMSTERDAM)


def ensure_decreed_days() -> None:
    """Load the 2026-2028 decree into ``DecreedDay`` if missing. Idempotent.

    For tests and fixtures: transactional tests truncate every table, including rows that data
    migrations loaded (STACK-FACTS.md, Tests).
    """
    from requests_flow.models import DecreedDay

    for day in DECREE_2026_2028:
        DecreedDay.objects.get_or_create(
            date=day, defaults={"reference": DECREE_2026_2028_REFERENCE}
        )
