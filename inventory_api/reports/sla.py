"""SLA compliance: met, breached and at risk per clock, response and resolution times, by a chosen grouping."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, aliased

from inventory_api.auth.models import User
from inventory_api.reports.common import Table, minutes, percent
from inventory_api.reports.params import ReportQuery, Scope
from inventory_api.reports.sql import percentile, rank_columns, seconds_between, week_of
from inventory_api.sla.models import SLA_CLOCKS, SLA_EVENT_KINDS, SlaEvent
from inventory_api.workorders.models import WorkOrder
from inventory_api.workorders.schemas import Kind, Priority

COLUMNS = [
    "group", "orders", "response_met", "response_breached", "response_at_risk", "resolution_met",
    "resolution_breached", "resolution_at_risk", "resolution_compliance_percent", "response_median_minutes",
    "response_p90_minutes", "resolution_median_minutes", "resolution_p90_minutes",
]  # fmt: skip


class SlaQuery(ReportQuery):
    """Orders with an SLA policy created in the period, grouped by one field."""

    group_by: Literal["kind", "priority", "team", "technician", "week"] = "kind"
    kind: list[Kind] = Field(default_factory=list)
    priority: list[Priority] = Field(default_factory=list)
    team: str | None = None


def _events() -> dict[tuple[str, str], Any]:
    """One aliased join per (clock, kind): the unique (order, clock, kind) makes each at most one row."""
    return {
        (clock, kind): aliased(SlaEvent, name=f"{clock}_{kind}")
        for clock in SLA_CLOCKS
        for kind in SLA_EVENT_KINDS
    }


def _group_key(session: Session, group_by: str) -> Any:
    return {
        "kind": WorkOrder.kind,
        "priority": WorkOrder.priority,
        "team": WorkOrder.team,
        "technician": User.username,
        "week": week_of(session, WorkOrder.created_at),
    }[group_by]


def _clock(breached: Any, at_risk: Any, done: Any) -> tuple[Any, Any, Any]:
    """Met (done, never breached), breached, at risk (not done, not breached, warned) as 0/1 columns."""
    return (
        case((and_(done, ~breached), 1), else_=0),
        case((breached, 1), else_=0),
        case((and_(~done, ~breached, at_risk), 1), else_=0),
    )


def sla_report(session: Session, scope: Scope, query: SlaQuery) -> Table:
    """One row per group; times are wall-clock minutes from creation, percentiles by nearest rank."""
    key = _group_key(session, query.group_by).label("g")
    response = seconds_between(session, WorkOrder.created_at, WorkOrder.responded_at)
    resolution = seconds_between(session, WorkOrder.created_at, WorkOrder.resolved_at)
    events = _events()
    seen = {key: event.id.is_not(None) for key, event in events.items()}
    r_met, r_breached, r_risk = _clock(
        seen["response", "breached"], seen["response", "at_risk"], WorkOrder.responded_at.is_not(None)
    )
    s_met, s_breached, s_risk = _clock(
        seen["resolution", "breached"], seen["resolution", "at_risk"], WorkOrder.resolved_at.is_not(None)
    )
    r_rank, r_count = rank_columns(response, key)
    s_rank, s_count = rank_columns(resolution, key)
    inner = select(
        key, response.label("r_secs"), resolution.label("s_secs"), r_rank.label("r_rank"),
        r_count.label("r_n"), s_rank.label("s_rank"), s_count.label("s_n"), r_met.label("r_met"),
        r_breached.label("r_breached"), r_risk.label("r_risk"), s_met.label("s_met"),
        s_breached.label("s_breached"), s_risk.label("s_risk"),
    ).where(
        WorkOrder.deleted_at.is_(None), WorkOrder.sla_policy_id.is_not(None),
        WorkOrder.created_at >= query.since, WorkOrder.created_at < query.until,
    )  # fmt: skip
    inner = inner.select_from(WorkOrder)
    for (clock, kind), event in events.items():
        inner = inner.outerjoin(
            event, and_(event.work_order_id == WorkOrder.id, event.clock == clock, event.kind == kind)
        )
    if query.group_by == "technician":
        inner = inner.outerjoin(User, User.id == WorkOrder.assignee_id)
    for condition in (
        scope.where(WorkOrder.site_id),
        WorkOrder.kind.in_(query.kind) if query.kind else None,
        WorkOrder.priority.in_(query.priority) if query.priority else None,
        WorkOrder.team == query.team if query.team else None,
    ):
        if condition is not None:
            inner = inner.where(condition)
    t = inner.subquery()
    stmt = (
        select(
            t.c.g, func.count(), func.sum(t.c.r_met), func.sum(t.c.r_breached), func.sum(t.c.r_risk),
            func.sum(t.c.s_met), func.sum(t.c.s_breached), func.sum(t.c.s_risk),
            percentile(t.c.r_secs, t.c.r_rank, t.c.r_n, 50), percentile(t.c.r_secs, t.c.r_rank, t.c.r_n, 90),
            percentile(t.c.s_secs, t.c.s_rank, t.c.s_n, 50), percentile(t.c.s_secs, t.c.s_rank, t.c.s_n, 90),
        )
        .group_by(t.c.g)
        .order_by(t.c.g.is_(None), t.c.g)
    )  # fmt: skip
    rows = []
    for g, n, rm, rb, rr, sm, sb, sr, r50, r90, s50, s90 in session.execute(stmt):
        rows.append({
            "group": _label(g), "orders": n, "response_met": int(rm), "response_breached": int(rb),
            "response_at_risk": int(rr), "resolution_met": int(sm), "resolution_breached": int(sb),
            "resolution_at_risk": int(sr), "resolution_compliance_percent": percent(int(sm), int(sm) + int(sb)),
            "response_median_minutes": minutes(r50), "response_p90_minutes": minutes(r90),
            "resolution_median_minutes": minutes(s50), "resolution_p90_minutes": minutes(s90),
        })  # fmt: skip
    return Table("sla", COLUMNS, rows, query)


def _label(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat()[:10] if hasattr(value, "isoformat") else str(value)
