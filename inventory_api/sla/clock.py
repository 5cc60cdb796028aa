"""SLA clocks as pure functions of a calendar, the state log and "now": same inputs, same answer."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

#: How far ahead a due time is looked for before the calendar is called empty.
HORIZON_DAYS = 3700
ZERO = timedelta(0)


@dataclass(frozen=True, slots=True)
class Calendar:
    """Working hours per weekday (Monday = 0) as minute ranges, local holidays, an IANA time zone."""

    tz: ZoneInfo
    hours: dict[int, tuple[tuple[int, int], ...]]
    holidays: frozenset[date] = frozenset()


def parse_hours(hours: dict[str, list[list[str]]]) -> dict[int, tuple[tuple[int, int], ...]]:
    """{"0": [["08:00", "17:00"]]} → {0: ((480, 1020),)}; "24:00" ends at midnight; raises ValueError."""
    parsed: dict[int, tuple[tuple[int, int], ...]] = {}
    for day, ranges in hours.items():
        weekday = int(day)
        if not 0 <= weekday <= 6:
            raise ValueError(f"weekday {day} is not 0 (Monday) … 6 (Sunday)")
        spans = []
        for start, end in ranges:
            a, b = _minutes(start), _minutes(end)
            if not 0 <= a < b <= 24 * 60:
                raise ValueError(f"working hours {start}–{end} are not a range within one day")
            spans.append((a, b))
        spans.sort()
        if any(prev[1] > nxt[0] for prev, nxt in itertools.pairwise(spans)):
            raise ValueError(f"working hours of weekday {day} overlap")
        parsed[weekday] = tuple(spans)
    if not any(parsed.values()):
        raise ValueError("a business calendar needs working hours on at least one weekday")
    return parsed


def _minutes(text: str) -> int:
    hours, _, minutes = text.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(f"{text!r} is not HH:MM")
    return int(hours) * 60 + int(minutes)


def _local(day: date, minutes: int, tz: ZoneInfo) -> datetime:
    # Wall-clock arithmetic on an aware datetime: 08:00 stays 08:00 on a DST day, and a 24-hour range
    # is 23 or 25 real hours long there.
    return (datetime.combine(day, time(0), tzinfo=tz) + timedelta(minutes=minutes)).astimezone(UTC)


def open_spans(calendar: Calendar | None, start: datetime) -> Iterator[tuple[datetime, datetime]]:
    """The open spans (UTC) from `start` onwards, in order; 24×7 when there is no calendar."""
    if calendar is None:
        yield start, datetime.max.replace(tzinfo=UTC)
        return
    day = start.astimezone(calendar.tz).date() - timedelta(days=1)
    for _ in range(HORIZON_DAYS):
        if day not in calendar.holidays:
            for a, b in _day_spans(calendar.tz, calendar.hours.get(day.weekday(), ()), day):
                if b > start:
                    yield max(a, start), b
        day += timedelta(days=1)


@lru_cache(maxsize=8192)
def _day_spans(
    tz: ZoneInfo, hours: tuple[tuple[int, int], ...], day: date
) -> tuple[tuple[datetime, datetime], ...]:
    """One local day's open spans in UTC: cached, since every clock of every order walks the same days (the SLA
    check and the demo data compute thousands)."""
    return tuple((_local(day, a_min, tz), _local(day, b_min, tz)) for a_min, b_min in hours)


def business_time(calendar: Calendar | None, start: datetime, end: datetime) -> timedelta:
    """Open time between two instants."""
    total = ZERO
    if end <= start:
        return total
    for a, b in open_spans(calendar, start):
        if a >= end:
            break
        total += min(b, end) - a
    return total


def add_business_time(calendar: Calendar | None, start: datetime, amount: timedelta) -> datetime:
    """The instant when `amount` of open time has passed since `start`."""
    left = amount
    for a, b in open_spans(calendar, start):
        if b - a >= left:
            return a + left
        left -= b - a
    raise ValueError("the calendar has no working time within its horizon")


@dataclass(frozen=True, slots=True)
class Mark:
    """An entry of the state log: from `at`, the order is in `state`."""

    at: datetime
    state: str


def running_periods(
    marks: Sequence[Mark], running: Iterable[str], now: datetime, *, until: datetime | None = None
) -> list[tuple[datetime, datetime]]:
    """The periods (up to `now`, or `until` when the clock stopped for good) in a running state."""
    running = frozenset(running)
    end_all = min(now, until) if until else now
    periods = []
    ordered = sorted(marks, key=lambda m: m.at)
    for mark, nxt in zip(ordered, [*ordered[1:], None], strict=True):
        if mark.state not in running:
            continue
        a, b = mark.at, min(nxt.at if nxt else end_all, end_all)
        if b > a:
            periods.append((a, b))
    return periods


def instant_reaching(
    calendar: Calendar | None, periods: Sequence[tuple[datetime, datetime]], amount: timedelta
) -> datetime | None:
    """The instant inside `periods` when open time reached `amount`, or None if it has not."""
    left = amount
    for a, b in periods:
        spent = business_time(calendar, a, b)
        if spent >= left and spent > ZERO:
            return add_business_time(calendar, a, left)
        left -= spent
    return None


@dataclass(frozen=True, slots=True)
class ClockStatus:
    """Where one SLA clock (response or resolution) stands at `now`."""

    target_seconds: int
    elapsed_seconds: int
    remaining_seconds: int
    due_at: datetime | None
    at_risk_at: datetime | None
    running: bool
    completed_at: datetime | None
    at_risk: bool
    breached: bool


def clock_status(
    calendar: Calendar | None,
    marks: Sequence[Mark],
    *,
    target: timedelta,
    running: Iterable[str],
    completed_at: datetime | None,
    now: datetime,
    at_risk_percent: int,
) -> ClockStatus:
    """Elapsed open time in running states, the due time (None while paused) and at-risk/breached."""
    running = frozenset(running)
    periods = running_periods(marks, running, now, until=completed_at)
    elapsed = sum((business_time(calendar, a, b) for a, b in periods), ZERO)
    threshold = target * at_risk_percent / 100
    due = instant_reaching(calendar, periods, target)
    risk = instant_reaching(calendar, periods, threshold)
    ticking = completed_at is None and bool(marks) and max(marks, key=lambda m: m.at).state in running
    if ticking:
        # Running now: what is left runs from now (the last period ends at now, or starts there).
        due = due or add_business_time(calendar, now, target - elapsed)
        risk = risk or add_business_time(calendar, now, max(threshold - elapsed, ZERO))
    breached = elapsed > target
    return ClockStatus(
        target_seconds=int(target.total_seconds()),
        elapsed_seconds=int(elapsed.total_seconds()),
        remaining_seconds=int((target - elapsed).total_seconds()),
        due_at=due,
        at_risk_at=risk,
        running=ticking,
        completed_at=completed_at,
        at_risk=not breached and elapsed >= threshold and completed_at is None,
        breached=breached,
    )
