"""Workload per technician or team and week: orders opened, resolved, closed and reopened, time logged."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Literal

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from inventory_api.auth.models import User
from inventory_api.reports.common import Table, day
from inventory_api.reports.params import ReportQuery, Scope
from inventory_api.reports.sql import week_of
from inventory_api.workorders.models import TimeEntry, WorkOrder, WorkOrderStateChange

METRICS = ("opened", "resolved", "closed", "reopened", "minutes_logged")
COLUMNS = ["week", "group", *METRICS]


class WorkloadQuery(ReportQuery):
    """Counts per week (Monday, UTC) of the period; orders count for their current assignee or team."""

    group_by: Literal["technician", "team"] = "technician"


def _scoped(stmt: Any, scope: Scope) -> Any:
    condition = scope.where(WorkOrder.site_id)
    stmt = stmt.where(WorkOrder.deleted_at.is_(None))
    return stmt if condition is None else stmt.where(condition)


def workload_report(session: Session, scope: Scope, query: WorkloadQuery) -> Table:
    """Opened by creation time; resolved, closed and reopened from the state log; minutes from time entries."""
    by_team = query.group_by == "team"
    owner = WorkOrder.team if by_team else User.username

    def counted(moment: Any, *columns: Any) -> Any:
        """Per week and owner, one count per column; the rows of the state log, or of the orders themselves."""
        week = week_of(session, moment)
        stmt = select(week, owner, *columns)
        if moment is WorkOrder.created_at:
            stmt = stmt.select_from(WorkOrder)
        else:
            stmt = stmt.select_from(log).join(WorkOrder, WorkOrder.id == log.work_order_id)
        if not by_team:
            stmt = stmt.outerjoin(User, User.id == WorkOrder.assignee_id)
        stmt = stmt.where(moment >= query.since, moment < query.until)
        return _scoped(stmt, scope).group_by(week, owner)

    def how_many(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    log = WorkOrderStateChange
    reopened = and_(log.from_state == "resolved", log.to_state == "in_progress")
    # The three counts of the state log in one pass over the period's rows (they were three scans).
    from_log = counted(log.at, how_many(log.to_state == "resolved"), how_many(log.to_state == "closed"),
                       how_many(reopened)).where(or_(log.to_state.in_(("resolved", "closed")), reopened))  # fmt: skip
    queries = {
        ("opened",): counted(WorkOrder.created_at, func.count()),
        ("resolved", "closed", "reopened"): from_log,
    }
    week = week_of(session, TimeEntry.work_date, is_date=True)
    who = WorkOrder.team if by_team else User.username
    logged = (
        select(week, who, func.sum(TimeEntry.minutes))
        .select_from(TimeEntry)
        .join(WorkOrder, WorkOrder.id == TimeEntry.work_order_id)
    )
    if not by_team:
        logged = logged.join(User, User.id == TimeEntry.technician_id)
    logged = logged.where(TimeEntry.work_date >= query.start, TimeEntry.work_date <= query.end)
    queries[("minutes_logged",)] = _scoped(logged, scope).group_by(week, who)

    cells: dict[tuple[str | None, str | None], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(METRICS, 0)
    )
    for metrics, stmt in queries.items():
        for w, group, *values in session.execute(stmt):
            for metric, value in zip(metrics, values, strict=True):
                cells[(day(w), group)][metric] += int(value or 0)
    rows = [
        {"week": w, "group": g, **values}
        for (w, g), values in sorted(
            cells.items(), key=lambda kv: (kv[0][0] or "", kv[0][1] is None, kv[0][1] or "")
        )
    ]
    return Table("workload", COLUMNS, rows, query)
