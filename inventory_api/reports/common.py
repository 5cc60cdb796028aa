"""What every report answers: its columns and rows, the same for JSON, CSV and the chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from inventory_api.reports.params import ReportQuery


@dataclass(slots=True)
class Table:
    """A report's answer: named columns and one dict per row, plus what it was asked."""

    report: str
    columns: list[str]
    rows: list[dict[str, Any]]
    query: ReportQuery
    notes: dict[str, Any] = field(default_factory=dict)


def day(value: Any) -> str | None:
    """A week or day key as 'YYYY-MM-DD' whichever type the database returned."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:10]


def minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(float(seconds) / 60, 1)


def percent(part: int, whole: int) -> float | None:
    return None if not whole else round(100 * part / whole, 1)
