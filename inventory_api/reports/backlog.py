"""Backlog and ageing: open work orders now, by state (or hold reason) and age bucket."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import Field
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from inventory_api.reports.common import Table
from inventory_api.reports.params import ReportQuery, Scope
from inventory_api.workorders.models import WorkOrder
from inventory_api.workorders.schemas import Kind, Priority
from inventory_api.workorders.states import OPEN_STATES

#: (column, age in whole days from, to exclusive); the last bucket has no end.
BUCKETS = (
    ("under_3_days", 0, 3),
    ("3_to_7_days", 3, 8),
    ("8_to_30_days", 8, 31),
    ("31_to_90_days", 31, 91),
    ("over_90_days", 91, None),
)
COLUMNS = ["group", "open", *(name for name, _, _ in BUCKETS)]


class BacklogQuery(ReportQuery):
    """Open orders as they are now (the period is not used: a backlog is a snapshot)."""

    group_by: Literal["state", "hold_reason"] = Field(
        "state", description="hold_reason: only the orders on hold, by why"
    )
    kind: list[Kind] = Field(default_factory=list)
    priority: list[Priority] = Field(default_factory=list)
    team: str | None = None


def backlog_report(session: Session, scope: Scope, query: BacklogQuery, now: datetime) -> Table:
    """Open orders per state (or hold reason), each split by age since creation."""
    key = (WorkOrder.state if query.group_by == "state" else WorkOrder.hold_reason).label("g")
    counts = []
    for name, low, high in BUCKETS:
        # Age in whole days ≥ low and < high: created after now - high days, at or before now - low days.
        condition = WorkOrder.created_at <= now - timedelta(days=low)
        if high is not None:
            condition = condition & (WorkOrder.created_at > now - timedelta(days=high))
        counts.append(func.sum(case((condition, 1), else_=0)).label(name))
    states = OPEN_STATES if query.group_by == "state" else ("on_hold",)
    stmt = select(key, func.count(), *counts).where(
        WorkOrder.deleted_at.is_(None), WorkOrder.state.in_(states)
    )
    for condition in (
        scope.where(WorkOrder.site_id),
        WorkOrder.kind.in_(query.kind) if query.kind else None,
        WorkOrder.priority.in_(query.priority) if query.priority else None,
        WorkOrder.team == query.team if query.team else None,
    ):
        if condition is not None:
            stmt = stmt.where(condition)
    found = {g: (n, *rest) for g, n, *rest in session.execute(stmt.group_by(key))}
    order = (
        list(OPEN_STATES) if query.group_by == "state" else sorted(found, key=lambda g: (g is None, g or ""))
    )
    rows = []
    for g in order:
        n, *buckets = found.get(g, (0, *([0] * len(BUCKETS))))
        rows.append(
            {
                "group": g,
                "open": n,
                **{name: int(v or 0) for (name, _, _), v in zip(BUCKETS, buckets, strict=True)},
            }
        )
    return Table("backlog", COLUMNS, rows, query, {"as_of": now.isoformat().replace("+00:00", "Z")})
