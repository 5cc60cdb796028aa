"""SQL pieces that differ between SQLite and PostgreSQL: durations, weeks, percentiles, JSON tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, literal_column
from sqlalchemy.orm import Session


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def seconds_between(session: Session, start: Any, end: Any) -> Any:
    """`end - start` in seconds (NULL when either is NULL)."""
    if is_sqlite(session):
        return (func.julianday(end) - func.julianday(start)) * 86400.0
    return func.extract("epoch", end - start)


def week_of(session: Session, moment: Any, *, is_date: bool = False) -> Any:
    """The Monday of the ISO week (in UTC) of a stored time or a date, as a date (text 'YYYY-MM-DD' on SQLite)."""
    if is_sqlite(session):
        return func.date(moment, "weekday 0", "-6 days")  # SQLite keeps times as UTC text already
    # PostgreSQL truncates a timestamptz in the session's time zone: read it as UTC wall time first.
    local = moment if is_date else func.timezone("UTC", moment)
    return func.date(func.date_trunc("week", local))


def rank_columns(value: Any, partition: Any) -> tuple[Any, Any]:
    """The row number of `value` within its group (non-NULLs first, ascending) and the group's non-NULL count."""
    rank = func.row_number().over(partition_by=partition, order_by=(value.is_(None), value))
    count = func.count(value).over(partition_by=partition)
    return rank, count


def percentile(value: Any, rank: Any, count: Any, percent: int) -> Any:
    """The nearest-rank percentile of `value` in a group, from the columns of `rank_columns` (an aggregate)."""
    wanted = (count * percent + 99) // 100  # ceil(n × p / 100) in integers on both databases
    return func.max(case((rank == wanted, value)))


def json_array_has(session: Session, column: str, key: str, value: bool) -> Any:
    """An element of the JSON array `column` (table.column) has `key` equal to `value`."""
    if is_sqlite(session):
        return literal_column(
            f"EXISTS (SELECT 1 FROM json_each({column}) AS e "
            f"WHERE json_extract(e.value, '$.{key}') = {1 if value else 0})"
        )
    return literal_column(f"({column} @> '[{{\"{key}\": {'true' if value else 'false'}}}]'::jsonb)")


def volume_at_least_full(session: Session, column: str, percent: int) -> Any:
    """A volume in the status JSON array `column` is at least `percent` % full (size and free space known)."""
    percent = int(percent)  # an int from a validated parameter; never text from the caller
    if is_sqlite(session):
        size, free = "json_extract(v.value, '$.size_bytes')", "json_extract(v.value, '$.free_bytes')"
        source = f"json_each({column}) AS v"
    else:
        size, free = "(v.value->>'size_bytes')::numeric", "(v.value->>'free_bytes')::numeric"
        source = f"jsonb_array_elements({column}) AS v(value)"
    return literal_column(
        f"EXISTS (SELECT 1 FROM {source} WHERE {size} > 0 AND {free} IS NOT NULL "
        f"AND 100 * ({size} - {free}) >= {percent} * {size})"
    )
