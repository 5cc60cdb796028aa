"""SLA clocks on fixed clocks: weekends, holidays, DST changes (New York, Paris) and hold periods."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from inventory_api.sla.clock import (
    Calendar,
    Mark,
    add_business_time,
    business_time,
    clock_status,
    parse_hours,
)

NY = ZoneInfo("America/New_York")
PARIS = ZoneInfo("Europe/Paris")
WEEKDAYS_8_17 = {str(d): [["08:00", "17:00"]] for d in range(5)}
OFFICE = Calendar(NY, parse_hours(WEEKDAYS_8_17), frozenset({date(2026, 11, 26)}))  # Thanksgiving
PARIS_OFFICE = Calendar(
    PARIS, parse_hours({str(d): [["09:00", "12:00"], ["14:00", "18:00"]] for d in range(5)})
)
ALL_DAY_NY = Calendar(NY, parse_hours({str(d): [["00:00", "24:00"]] for d in range(7)}))
H = timedelta(hours=1)
RESOLUTION = ("new", "assigned", "in_progress")


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY)


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("calendar", "start", "amount", "due"),
    [
        # 24×7: plain arithmetic.
        (None, utc(2026, 3, 7, 22), 4 * H, utc(2026, 3, 8, 2)),
        # Inside one working day.
        (OFFICE, ny(2026, 3, 2, 9), 3 * H, ny(2026, 3, 2, 12)),
        # Before opening: the clock starts at 08:00.
        (OFFICE, ny(2026, 3, 2, 6), 1 * H, ny(2026, 3, 2, 9)),
        # Friday 16:00 EST + 2 h skips the weekend and the spring-forward Sunday: Monday 09:00 EDT (13:00 UTC).
        (OFFICE, ny(2026, 3, 6, 16), 2 * H, utc(2026, 3, 9, 13)),
        # Friday 16:00 EDT + 2 h across the fall-back Sunday: Monday 09:00 EST (14:00 UTC).
        (OFFICE, ny(2026, 10, 30, 16), 2 * H, utc(2026, 11, 2, 14)),
        # Wednesday 16:00 + 4 h: 1 h Wednesday, Thanksgiving closed, 3 h Friday.
        (OFFICE, ny(2026, 11, 25, 16), 4 * H, ny(2026, 11, 27, 11)),
        # Saturday: nothing until Monday 08:00.
        (OFFICE, ny(2026, 3, 7, 10), 30 * timedelta(minutes=1), ny(2026, 3, 9, 8, 30)),
        # Exactly a whole day's hours ends at closing, not at the next opening.
        (OFFICE, ny(2026, 3, 2, 8), 9 * H, ny(2026, 3, 2, 17)),
        # Paris, split day: Friday 17:00 CET + 3 h → 1 h Friday, Monday 09:00–11:00 CEST (after 29 March).
        (PARIS_OFFICE, paris(2026, 3, 27, 17), 3 * H, utc(2026, 3, 30, 9)),
        # Paris lunch break: 11:00 + 2 h → 12:00, then 14:00–15:00.
        (PARIS_OFFICE, paris(2026, 10, 23, 11), 2 * H, paris(2026, 10, 23, 15)),
        # Paris fall back (25 October): Friday 17:30 CEST + 1 h → Monday 09:30 CET (08:30 UTC).
        (PARIS_OFFICE, paris(2026, 10, 23, 17, 30), 1 * H, utc(2026, 10, 26, 8, 30)),
    ],
)
def test_due_time(calendar, start, amount, due):
    assert add_business_time(calendar, start, amount) == due
    assert business_time(calendar, start, due) == amount


def test_a_wall_clock_day_is_23_or_25_hours_on_dst_sundays():
    assert business_time(ALL_DAY_NY, ny(2026, 3, 8), ny(2026, 3, 9)) == 23 * H
    assert business_time(ALL_DAY_NY, ny(2026, 11, 1), ny(2026, 11, 2)) == 25 * H
    assert business_time(ALL_DAY_NY, ny(2026, 3, 2), ny(2026, 3, 3)) == 24 * H


def test_business_time_over_a_week_with_a_holiday():
    # Monday 23 to Monday 30 November 2026: four working days of 9 h (Thursday is Thanksgiving).
    assert business_time(OFFICE, ny(2026, 11, 23), ny(2026, 11, 30)) == 36 * H
    assert business_time(OFFICE, ny(2026, 11, 30, 12), ny(2026, 11, 30, 11)) == timedelta(0)


def test_hold_pauses_the_clock():
    marks = [
        Mark(ny(2026, 3, 2, 9), "new"),
        Mark(ny(2026, 3, 2, 10), "in_progress"),
        Mark(ny(2026, 3, 2, 11), "on_hold"),  # 2 h spent
        Mark(ny(2026, 3, 3, 11), "in_progress"),  # a day on hold: not counted
    ]
    status = clock_status(
        OFFICE,
        marks,
        target=8 * H,
        running=RESOLUTION,
        completed_at=None,
        now=ny(2026, 3, 3, 12),
        at_risk_percent=75,
    )
    assert status.elapsed_seconds == 3 * 3600
    assert status.due_at == ny(2026, 3, 3, 17)  # 6 h left from Tuesday 11:00
    assert status.at_risk_at == ny(2026, 3, 3, 15)  # 6 h of 8 spent
    assert status.running and not status.at_risk and not status.breached


def test_on_hold_now_has_no_due_time_and_time_left_is_kept():
    marks = [Mark(ny(2026, 3, 2, 9), "new"), Mark(ny(2026, 3, 2, 10), "on_hold")]
    status = clock_status(
        OFFICE,
        marks,
        target=4 * H,
        running=RESOLUTION,
        completed_at=None,
        now=ny(2026, 3, 9, 9),
        at_risk_percent=75,
    )
    assert status.due_at is None and not status.running
    assert status.remaining_seconds == 3 * 3600 and not status.breached


def test_breach_is_dated_at_the_due_time_across_a_hold_and_a_weekend():
    marks = [
        Mark(ny(2026, 3, 6, 15), "new"),
        Mark(ny(2026, 3, 6, 16), "on_hold"),  # 1 h spent
        Mark(ny(2026, 3, 9, 8), "in_progress"),
    ]
    status = clock_status(
        OFFICE,
        marks,
        target=2 * H,
        running=RESOLUTION,
        completed_at=None,
        now=ny(2026, 3, 9, 12),
        at_risk_percent=75,
    )
    assert status.breached and status.due_at == ny(2026, 3, 9, 9)
    assert status.elapsed_seconds == 5 * 3600 and status.remaining_seconds == -3 * 3600
    assert status.at_risk_at == ny(2026, 3, 9, 8, 30)


def test_resolved_in_time_stops_the_clock_and_reopening_resumes_it():
    marks = [Mark(utc(2026, 1, 5, 9), "new"), Mark(utc(2026, 1, 5, 10), "resolved")]
    done = clock_status(
        None, marks, target=4 * H, running=RESOLUTION, completed_at=utc(2026, 1, 5, 10), now=utc(2026, 2, 1),
        at_risk_percent=75,
    )  # fmt: skip
    assert not done.breached and not done.running and done.elapsed_seconds == 3600 and not done.at_risk
    reopened = [*marks, Mark(utc(2026, 1, 6, 9), "in_progress")]
    again = clock_status(
        None, reopened, target=4 * H, running=RESOLUTION, completed_at=None, now=utc(2026, 1, 6, 11),
        at_risk_percent=75,
    )  # fmt: skip
    assert again.elapsed_seconds == 3 * 3600 and again.at_risk and again.due_at == utc(2026, 1, 6, 12)


def test_same_inputs_same_answer():
    marks = [Mark(ny(2026, 11, 25, 16), "new"), Mark(ny(2026, 11, 27, 9), "in_progress")]
    args = {"target": 4 * H, "running": RESOLUTION, "completed_at": None, "now": ny(2026, 11, 27, 10),
            "at_risk_percent": 80}  # fmt: skip
    assert clock_status(OFFICE, marks, **args) == clock_status(OFFICE, list(reversed(marks)), **args)


@pytest.mark.parametrize(
    "hours",
    [{"0": [["17:00", "08:00"]]}, {"0": [["08:00", "12:00"], ["11:00", "13:00"]]}, {"7": [["08:00", "09:00"]]},
     {"0": [["8h", "9h"]]}, {}],
)  # fmt: skip
def test_bad_working_hours_are_refused(hours):
    with pytest.raises(ValueError):
        parse_hours(hours)
