"""The legal clock (LEGAL.md section 1). Each case names the rule it checks."""

import datetime
import importlib
import os
import subprocess
import sys
from zoneinfo import ZoneInfo

import holidays
import pytest
from django.conf import settings

from organisations.constants import LegalForm
from organisations.models import Organisation
from requests_flow.constants import Channel, Relation, Right
from requests_flow.deadlines import (
    DECREE_2026_2028,
    DECREE_2026_2028_REFERENCE,
    Deadlines,
    add_months,
    case_deadlines,
    compute_deadlines,
    due_moment,
    ensure_decreed_days,
    extended_due_date,
    internal_due_date,
    is_atw_holiday,
    is_working_day,
    legal_due_date,
    next_working_day_on_or_after,
    pause_days,
    statutory_holidays,
)
from requests_flow.models import Case, DecreedDay, Request

D = datetime.date


@pytest.fixture
def decreed(db):
    """The 2026-2028 decree, reloaded in case a transactional test truncated it."""
    ensure_decreed_days()


def policy(weeks=4, margin=5):
    # Unsaved: the clock only reads the policy fields.
    return Organisation(internal_target_weeks=weeks, extension_margin_days=margin)


def package_only_due_date(received_on):
    """D1 as a generic holiday calendar alone would give it (what LEGAL.md 1.2 warns against)."""
    nl = holidays.NL(years=range(received_on.year, received_on.year + 2))
    d = add_months(received_on, 1)
    while d.weekday() >= 5 or d in nl:
        d += datetime.timedelta(days=1)
    return d


# --- Reg. 1182/71: counting months -------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2026, 3, 5), 1, D(2026, 4, 5)),  # Reg. 1182/71: same day number
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # Reg. 1182/71: February lacks the 31st
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # Reg. 1182/71: leap year
        (D(2028, 1, 30), 1, D(2028, 2, 29)),  # Reg. 1182/71: leap year, lacks the 30th
        (D(2026, 3, 31), 1, D(2026, 4, 30)),  # Reg. 1182/71: 31 March
        (D(2026, 5, 31), 1, D(2026, 6, 30)),  # Reg. 1182/71: 31 May
        (D(2026, 11, 30), 1, D(2026, 12, 30)),  # Reg. 1182/71: 30 November
        (D(2026, 12, 31), 1, D(2027, 1, 31)),  # Reg. 1182/71: across the year end
        (D(2026, 11, 30), 3, D(2027, 2, 28)),  # Reg. 1182/71: three months, short February
        (D(2027, 11, 30), 3, D(2028, 2, 29)),  # Reg. 1182/71: three months into a leap February
        (D(2026, 3, 31), -1, D(2026, 2, 28)),  # Reg. 1182/71: backwards
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


# --- AVG 12(3) with Atw 3: D1 ------------------------------------------------------------------

LEGAL_DUE_CASES = [
    # LEGAL.md 1.2 examples
    (D(2026, 3, 5), D(2026, 4, 7)),  # AVG 12(3), Atw 3: Sunday 5 April, Tweede Paasdag 6 April
    (D(2028, 8, 31), D(2028, 10, 2)),  # AVG 12(3), Reg. 1182/71: Saturday 30 September
    (D(2026, 1, 31), D(2026, 3, 2)),  # AVG 12(3), Reg. 1182/71: Saturday 28 February
    (D(2028, 1, 31), D(2028, 2, 29)),  # AVG 12(3), Reg. 1182/71: leap year, a Tuesday
    (D(2026, 4, 15), D(2026, 5, 18)),  # AVG 12(3), Atw 3(3): Friday 15 May 2026 is decreed
    # month ends
    (D(2026, 3, 31), D(2026, 4, 30)),  # Reg. 1182/71: 31 March -> Thursday 30 April
    (D(2026, 5, 31), D(2026, 6, 30)),  # Reg. 1182/71: 31 May -> Tuesday 30 June
    (D(2026, 11, 30), D(2026, 12, 30)),  # Reg. 1182/71: 30 November -> Wednesday 30 December
    (D(2026, 10, 31), D(2026, 11, 30)),  # Reg. 1182/71: 31 October -> Monday 30 November
    (D(2026, 12, 31), D(2027, 2, 1)),  # Reg. 1182/71: Sunday 31 January 2027 -> Monday
    (D(2027, 1, 29), D(2027, 3, 1)),  # Reg. 1182/71: Sunday 28 February 2027 -> Monday
    (D(2028, 1, 30), D(2028, 2, 29)),  # Reg. 1182/71: leap year, February lacks the 30th
    (D(2028, 2, 29), D(2028, 3, 29)),  # Reg. 1182/71: from a leap day
    (D(2026, 3, 7), D(2026, 4, 7)),  # AVG 12(3): a Saturday receipt counts from that Saturday
    # every Atw holiday in 2026
    (D(2025, 12, 1), D(2026, 1, 5)),  # Atw 3: Nieuwjaarsdag 1 Jan, decreed 2 Jan, weekend
    (D(2026, 3, 3), D(2026, 4, 7)),  # Atw 3: Goede Vrijdag 3 April, weekend, Tweede Paasdag
    (D(2026, 3, 6), D(2026, 4, 7)),  # Atw 3: Tweede Paasdag 6 April
    (D(2026, 3, 27), D(2026, 4, 28)),  # Atw 3: Koningsdag Monday 27 April 2026
    (D(2026, 4, 5), D(2026, 5, 6)),  # Atw 3: 5 May 2026 (not a lustrum year)
    (D(2026, 4, 14), D(2026, 5, 18)),  # Atw 3: Hemelvaartsdag 14 May, decreed 15 May
    (D(2026, 4, 25), D(2026, 5, 26)),  # Atw 3: Tweede Pinksterdag 25 May
    (D(2026, 11, 25), D(2026, 12, 28)),  # Atw 3: Eerste Kerstdag Friday 25 December
    # every Atw holiday in 2027
    (D(2026, 12, 1), D(2027, 1, 4)),  # Atw 3: Nieuwjaarsdag Friday 1 January 2027
    (D(2027, 2, 26), D(2027, 3, 30)),  # Atw 3: Goede Vrijdag 26 March, Tweede Paasdag 29 March
    (D(2027, 2, 28), D(2027, 3, 30)),  # Atw 3: Sunday 28 March, Tweede Paasdag 29 March
    (D(2027, 3, 27), D(2027, 4, 28)),  # Atw 3: Koningsdag Tuesday 27 April 2027
    (D(2027, 4, 5), D(2027, 5, 10)),  # Atw 3: 5 May 2027, Hemelvaartsdag 6 May, decreed 7 May
    (D(2027, 4, 6), D(2027, 5, 10)),  # Atw 3: Hemelvaartsdag 6 May 2027
    (D(2027, 4, 17), D(2027, 5, 18)),  # Atw 3: Tweede Pinksterdag 17 May 2027
    (D(2027, 11, 25), D(2027, 12, 27)),  # Atw 3: Kerstdagen on Saturday and Sunday 2027
    # every Atw holiday in 2028
    (D(2028, 3, 14), D(2028, 4, 18)),  # Atw 3: Goede Vrijdag 14 April 2028
    (D(2028, 3, 17), D(2028, 4, 18)),  # Atw 3: Tweede Paasdag 17 April 2028
    (D(2028, 3, 27), D(2028, 5, 1)),  # Atw 3: Koningsdag Thursday 27 April, decreed 28 April
    (D(2028, 4, 5), D(2028, 5, 8)),  # Atw 3: 5 May 2028 (not a lustrum year), a Friday
    (D(2028, 4, 25), D(2028, 5, 29)),  # Atw 3: Hemelvaartsdag 25 May, decreed 26 May
    (D(2028, 5, 5), D(2028, 6, 6)),  # Atw 3: Tweede Pinksterdag 5 June 2028
    (D(2028, 11, 25), D(2028, 12, 27)),  # Atw 3: Eerste Kerstdag Monday 25 December 2028
    (D(2028, 11, 26), D(2028, 12, 27)),  # Atw 3: Tweede Kerstdag Tuesday 26 December 2028
    # every decreed day of 2026-2028
    (D(2025, 12, 2), D(2026, 1, 5)),  # Atw 3(3): decreed Friday 2 January 2026
    (D(2027, 4, 7), D(2027, 5, 10)),  # Atw 3(3): decreed Friday 7 May 2027
    (D(2028, 3, 28), D(2028, 5, 1)),  # Atw 3(3): decreed Friday 28 April 2028
    (D(2028, 4, 26), D(2028, 5, 29)),  # Atw 3(3): decreed Friday 26 May 2028
]


@pytest.mark.usefixtures("decreed")
@pytest.mark.parametrize(("received_on", "expected"), LEGAL_DUE_CASES)
def test_legal_due_date(received_on, expected):
    assert legal_due_date(received_on) == expected
    assert is_working_day(expected)


@pytest.mark.parametrize(("received_on", "expected"), LEGAL_DUE_CASES)
def test_legal_due_date_without_database(received_on, expected):
    # Atw 3(3): the decreed days given as data compute the same dates, with no query at all.
    assert legal_due_date(received_on, decreed_days=DECREE_2026_2028) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 1, 1), True),  # Atw 3: Nieuwjaarsdag
        (D(2026, 4, 3), True),  # Atw 3: Goede Vrijdag
        (D(2026, 4, 5), False),  # Atw 3: Eerste Paasdag is a Sunday, not listed in art. 3
        (D(2026, 4, 6), True),  # Atw 3: Tweede Paasdag
        (D(2025, 4, 26), True),  # Atw 3: Koningsdag 2025 on the 26th, the 27th was a Sunday
        (D(2025, 4, 27), False),  # Atw 3: not the Sunday itself
        (D(2026, 4, 26), False),  # Atw 3: 27 April 2026 is a Monday, so not the 26th
        (D(2026, 4, 27), True),  # Atw 3: Koningsdag 2026
        (D(2031, 4, 26), True),  # Atw 3: 27 April 2031 is a Sunday again
        (D(2026, 5, 5), True),  # Atw 3: 5 May in a non-lustrum year
        (D(2027, 5, 5), True),  # Atw 3: 5 May in a non-lustrum year
        (D(2030, 5, 5), True),  # Atw 3: 5 May in a lustrum year
        (D(2026, 5, 14), True),  # Atw 3: Hemelvaartsdag
        (D(2026, 5, 25), True),  # Atw 3: Tweede Pinksterdag
        (D(2026, 12, 25), True),  # Atw 3: Eerste Kerstdag
        (D(2026, 12, 26), True),  # Atw 3: Tweede Kerstdag
        (D(2026, 1, 2), True),  # Atw 3(3): decreed
        (D(2026, 5, 15), True),  # Atw 3(3): decreed
        (D(2026, 5, 4), False),  # Atw 3: Dodenherdenking is no holiday
        (D(2026, 12, 31), False),  # Atw 3: Oudejaarsdag is no holiday
    ],
)
@pytest.mark.usefixtures("decreed")
def test_is_atw_holiday(day, expected):
    assert is_atw_holiday(day) is expected


@pytest.mark.usefixtures("decreed")
@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 3, 2), D(2026, 3, 2)),  # Atw 1: a Monday is its own working day
        (D(2026, 2, 28), D(2026, 3, 2)),  # Atw 1: Saturday -> Monday
        (D(2026, 12, 24), D(2026, 12, 24)),  # Atw 3: Kerstavond is a working day
        (D(2026, 12, 25), D(2026, 12, 28)),  # Atw 3: Kerstdagen and a weekend
        (D(2027, 12, 25), D(2027, 12, 27)),  # Atw 3: Kerstdagen on the weekend
    ],
)
def test_next_working_day_on_or_after(day, expected):
    assert next_working_day_on_or_after(day) == expected


# --- The correction of the holidays package -----------------------------------------------------


@pytest.mark.usefixtures("decreed")
@pytest.mark.parametrize(
    ("received_on", "package_says", "atw_says"),
    [
        (D(2026, 4, 5), D(2026, 5, 5), D(2026, 5, 6)),  # Atw 3: 5 May 2026 missing in the package
        (D(2028, 4, 5), D(2028, 5, 5), D(2028, 5, 8)),  # Atw 3: 5 May 2028 missing in the package
        (D(2026, 4, 15), D(2026, 5, 15), D(2026, 5, 18)),  # Atw 3(3): no decreed days in it
    ],
)
def test_the_holidays_package_alone_gets_d1_wrong(received_on, package_says, atw_says):
    assert package_only_due_date(received_on) == package_says
    assert legal_due_date(received_on) == atw_says


def test_the_holidays_package_agrees_except_for_5_may():
    # Atw 3: where the package agrees with the statute, 2014-2040: everything but 5 May outside
    # lustrum years (unless that is a Sunday or, as in 2016, Hemelvaartsdag). If a new package
    # version changes this, check it against the statute.
    for year in range(2014, 2041):
        package = {d for d in holidays.NL(years=year) if d.weekday() != 6}  # Sundays count anyway
        atw = {d for d in statutory_holidays(year) if d.weekday() != 6}
        assert package <= atw, year
        fifth_of_may = D(year, 5, 5)
        missing = {fifth_of_may} if year % 5 and fifth_of_may.weekday() != 6 else set()
        assert atw - package == missing - package, year


# --- Internal target (LEGAL.md 1.3) -------------------------------------------------------------


@pytest.mark.usefixtures("decreed")
@pytest.mark.parametrize(
    ("received_on", "organisation", "expected"),
    [
        (D(2026, 3, 2), None, D(2026, 3, 30)),  # AVG 12(3) policy: four weeks by default
        (D(2026, 1, 24), None, D(2026, 2, 21)),  # AVG 12(3) policy: a Saturday, not moved
        (D(2026, 3, 5), policy(weeks=6), D(2026, 4, 7)),  # AVG 12(3): never after D1
        (D(2026, 3, 5), policy(weeks=2), D(2026, 3, 19)),  # AVG 12(3) policy: configurable
    ],
)
def test_internal_due_date(received_on, organisation, expected):
    assert internal_due_date(received_on, organisation) == expected
    assert internal_due_date(received_on, organisation) <= legal_due_date(received_on)


# --- Extension (LEGAL.md 1.4) -------------------------------------------------------------------


@pytest.mark.usefixtures("decreed")
@pytest.mark.parametrize(
    ("received_on", "organisation", "expected"),
    [
        # AVG 12(3): three months, a Friday; internal target five days before, a Sunday
        (D(2026, 3, 5), None, Deadlines(D(2026, 5, 31), D(2026, 6, 5))),
        # AVG 12(3), Atw 3: Hemelvaartsdag 14 May 2026 and decreed 15 May
        (D(2026, 2, 14), None, Deadlines(D(2026, 5, 13), D(2026, 5, 18))),
        # Reg. 1182/71: 30 November + 3 months = 29 February 2028
        (D(2027, 11, 30), None, Deadlines(D(2028, 2, 24), D(2028, 2, 29))),
        # AVG 12(3) policy: the margin is configurable
        (D(2026, 3, 5), policy(margin=10), Deadlines(D(2026, 5, 26), D(2026, 6, 5))),
    ],
)
def test_extension(received_on, organisation, expected):
    assert compute_deadlines(received_on, organisation, extended=True) == expected
    assert extended_due_date(received_on, organisation) == expected.legal


# --- Pauses (LEGAL.md 1.5) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("letter_on", "reply_on", "first", "count"),
    [
        (D(2026, 3, 4), D(2026, 3, 16), D(2026, 3, 5), 11),  # Awb 4:15: LEGAL.md example
        (D(2026, 1, 28), D(2026, 2, 3), D(2026, 1, 29), 5),  # Awb 4:15: across a month end
        (D(2026, 3, 4), D(2026, 3, 5), None, 0),  # Awb 4:15: reply the day after, no pause
        (D(2026, 3, 4), D(2026, 3, 4), None, 0),  # Awb 4:15: reply the same day, no pause
    ],
)
def test_pause_days(letter_on, reply_on, first, count):
    days = pause_days(letter_on, reply_on)
    assert len(days) == count
    if count:
        assert min(days) == first
        assert max(days) == reply_on - datetime.timedelta(days=1)


def test_pause_days_refuses_a_reply_before_the_letter():
    # Awb 4:15: the reply cannot precede the letter
    with pytest.raises(ValueError, match="before the letter"):
        pause_days(D(2026, 3, 4), D(2026, 3, 3))


@pytest.mark.usefixtures("decreed")
@pytest.mark.parametrize(
    ("received_on", "paused", "extended", "expected"),
    [
        # Awb 4:15: LEGAL.md example, 2 April + 11 days = Monday 13 April 2026
        (
            D(2026, 3, 2),
            pause_days(D(2026, 3, 4), D(2026, 3, 16)),
            False,
            Deadlines(D(2026, 4, 10), D(2026, 4, 13)),
        ),
        # Awb 4:15: LEGAL.md example, added to the unmoved Saturday 28 February, not to 2 March
        (
            D(2026, 1, 31),
            {D(2026, 2, 2), D(2026, 2, 3)},
            False,
            Deadlines(D(2026, 3, 2), D(2026, 3, 2)),
        ),
        # Awb 4:15: a pause across a month end (29 Jan - 2 Feb); internal target a Sunday
        (
            D(2026, 1, 20),
            pause_days(D(2026, 1, 28), D(2026, 2, 3)),
            False,
            Deadlines(D(2026, 2, 22), D(2026, 2, 25)),
        ),
        # Awb 4:15: overlapping pauses count their union, 5-19 March = 15 days, not 11 + 9
        (
            D(2026, 3, 2),
            pause_days(D(2026, 3, 4), D(2026, 3, 16)) | pause_days(D(2026, 3, 10), D(2026, 3, 20)),
            False,
            Deadlines(D(2026, 4, 14), D(2026, 4, 17)),
        ),
        # Awb 4:15 with AVG 12(3): pause and extension, 2 June + 11 = Saturday 13 June -> 15 June
        (
            D(2026, 3, 2),
            pause_days(D(2026, 3, 4), D(2026, 3, 16)),
            True,
            Deadlines(D(2026, 6, 10), D(2026, 6, 15)),
        ),
        # Awb 4:15 with Atw 3: 20 March + 14 days = Goede Vrijdag 3 April 2026 -> Tuesday 7 April;
        # the internal target stays on Goede Vrijdag
        (
            D(2026, 2, 20),
            pause_days(D(2026, 2, 25), D(2026, 3, 12)),
            False,
            Deadlines(D(2026, 4, 3), D(2026, 4, 7)),
        ),
    ],
)
def test_compute_deadlines_with_pauses(received_on, paused, extended, expected):
    assert compute_deadlines(received_on, paused_days=paused, extended=extended) == expected


@pytest.mark.usefixtures("decreed")
def test_paused_days_count_once_even_when_given_twice():
    # Awb 4:15: a day counts once
    days = [D(2026, 2, 2), D(2026, 2, 2), D(2026, 2, 3)]
    assert compute_deadlines(D(2026, 1, 31), paused_days=days).legal == D(2026, 3, 2)


# --- Decreed days are data (Atw 3(3)) -----------------------------------------------------------


@pytest.mark.usefixtures("decreed")
def test_a_decreed_day_added_at_runtime_moves_d1():
    # Atw 3(3): an administrator adds a newly published decree; the next computation uses it
    assert legal_due_date(D(2026, 6, 15)) == D(2026, 7, 15)
    DecreedDay.objects.create(date=D(2026, 7, 15), reference="Stb. test")
    assert legal_due_date(D(2026, 6, 15)) == D(2026, 7, 16)


@pytest.mark.usefixtures("decreed")
def test_one_query_per_computation(django_assert_num_queries):
    # Atw 3(3): the decreed days are fetched once, for the range needed
    with django_assert_num_queries(1):
        compute_deadlines(D(2026, 3, 2), paused_days=pause_days(D(2026, 3, 4), D(2026, 3, 16)))
    with django_assert_num_queries(0):
        compute_deadlines(D(2026, 3, 2), decreed_days=DECREE_2026_2028)


@pytest.mark.django_db
def test_ensure_decreed_days_is_idempotent():
    # Atw 3(3): reloads the decree after a truncation, and twice does no harm
    DecreedDay.objects.all().delete()
    ensure_decreed_days()
    ensure_decreed_days()
    rows = list(DecreedDay.objects.values_list("date", "reference"))
    assert rows == [(day, DECREE_2026_2028_REFERENCE) for day in DECREE_2026_2028]


def test_migration_loads_the_same_decree():
    # Atw 3(3): the migration keeps its own copy of the data; it must match the module's
    migration = importlib.import_module("requests_flow.migrations.0002_decreed_days_2026_2028")
    assert migration.DAYS == DECREE_2026_2028
    assert migration.REFERENCE == DECREE_2026_2028_REFERENCE


# --- Cases and timers ---------------------------------------------------------------------------


@pytest.mark.usefixtures("decreed")
def test_case_deadlines_uses_the_request_and_the_organisation_policy():
    # AVG 12(3): counted from the request's receipt, with the case's organisation's policy
    organisation = Organisation.objects.create(
        name="Werkse!", slug="werkse", legal_form=LegalForm.PUBLIC_BODY, internal_target_weeks=3
    )
    request = Request.objects.create(
        organisation=organisation,
        channel=Channel.WEB,
        received_on=D(2026, 3, 5),
        requester_name="A. Tester",
        relation=Relation.CLIENT,
    )
    case = Case.objects.create(
        request=request,
        organisation=organisation,
        right=Right.ACCESS,
        # Stale stored columns: the function computes, it does not read them back.
        internal_due_on=D(2026, 1, 1),
        legal_due_on=D(2026, 1, 1),
    )
    assert case_deadlines(case) == Deadlines(internal=D(2026, 3, 26), legal=D(2026, 4, 7))


AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    ("due_on", "expected_utc"),
    [
        # AVG 12(3): overdue from 00:00 the next day, CET (UTC+1)
        (D(2026, 1, 5), datetime.datetime(2026, 1, 5, 23, 0, tzinfo=datetime.UTC)),
        # AVG 12(3): CEST (UTC+2)
        (D(2026, 4, 7), datetime.datetime(2026, 4, 7, 22, 0, tzinfo=datetime.UTC)),
        # AVG 12(3): the night summer time starts (29 March 2026, still UTC+1 at midnight)
        (D(2026, 3, 28), datetime.datetime(2026, 3, 28, 23, 0, tzinfo=datetime.UTC)),
        # AVG 12(3): the night summer time ends (25 October 2026, still UTC+2 at midnight)
        (D(2026, 10, 24), datetime.datetime(2026, 10, 24, 22, 0, tzinfo=datetime.UTC)),
    ],
)
def test_due_moment(due_on, expected_utc):
    moment = due_moment(due_on)
    assert moment.tzinfo is not None
    assert moment.utcoffset() is not None
    assert moment == expected_utc
    local = moment.astimezone(AMSTERDAM)
    assert (local.date(), local.time()) == (due_on + datetime.timedelta(days=1), datetime.time(0))


def test_importing_the_clock_needs_no_database():
    # Imported in a fresh interpreter without Django settings: any database work would fail.
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    subprocess.run(
        [sys.executable, "-c", "import requests_flow.deadlines"],
        check=True,
        cwd=settings.BASE_DIR,
        env=env,
        timeout=60,
    )
