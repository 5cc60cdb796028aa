"""Software: titles (or versions) by installations on live assets; the change log of a period by kind of change."""

from __future__ import annotations

from datetime import UTC
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import and_, case, distinct, func, or_, select
from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset
from inventory_api.history.models import ChangeEvent
from inventory_api.locations.models import Location
from inventory_api.people.models import Person
from inventory_api.reports.common import Table
from inventory_api.reports.params import ReportQuery, Scope
from inventory_api.services.models import Service
from inventory_api.software.models import Installation, SoftwareTitle, SoftwareVersion
from inventory_api.workorders.models import WorkOrder

TITLE_COLUMNS = ["title_id", "title", "publisher", "version", "machines", "new_in_period"]
CHANGE_COLUMNS = ["subject_type", "action", "changes", "subjects"]
EVENT_COLUMNS = ["occurred_at", "subject_type", "subject_id", "action", "summary", "actor_name", "cause_type"]
MAX_EVENTS = 10_000
#: Subjects whose site is known: a site-limited caller sees the changes of these, in its sites, only.
SITED = {"asset": Asset, "work_order": WorkOrder, "service": Service, "person": Person, "location": Location}


class SoftwareQuery(ReportQuery):
    """Installations on live assets now; `new_in_period` counts those first seen in the period."""

    group_by: Literal["title", "version"] = "title"
    title: str | None = Field(
        None, min_length=1, max_length=300, description="titles whose name contains this"
    )
    include_system_components: bool = False
    limit: int = Field(100, ge=1, le=5000)


class ChangeQuery(ReportQuery):
    """History events in the period."""

    subject_type: list[str] = Field(default_factory=list, description="e.g. asset, work_order, service")
    action: list[str] = Field(default_factory=list, description="e.g. updated, disk_full")


def software_report(session: Session, scope: Scope, query: SoftwareQuery) -> Table:
    """Titles (or title and version) by machines they are installed on, most first."""
    machines = func.count(distinct(Installation.asset_id))
    new = func.count(distinct(case(
        (and_(Installation.first_seen >= query.since, Installation.first_seen < query.until), Installation.asset_id)
    )))  # fmt: skip
    by_version = query.group_by == "version"
    group = [SoftwareTitle.id, SoftwareTitle.name, SoftwareTitle.publisher]
    if by_version:
        group.append(SoftwareVersion.version)
    stmt = (
        select(*group, machines, new)
        .select_from(Installation)
        .join(Asset, Asset.id == Installation.asset_id)
        .join(SoftwareTitle, SoftwareTitle.id == Installation.title_id)
        .where(Asset.deleted_at.is_(None))
    )
    if by_version:
        stmt = stmt.join(SoftwareVersion, SoftwareVersion.id == Installation.version_id)
    conditions = [
        scope.where(Asset.site_id),
        None if query.include_system_components else Installation.is_system_component.is_(False),
        func.lower(SoftwareTitle.name).contains(query.title.lower(), autoescape=True)
        if query.title
        else None,
    ]
    stmt = stmt.where(*(c for c in conditions if c is not None))
    stmt = stmt.group_by(*group).order_by(machines.desc(), *group[1:], SoftwareTitle.id).limit(query.limit)
    rows = []
    for title_id, title, publisher, *rest in session.execute(stmt):
        version = rest.pop(0) if by_version else None
        count, fresh = rest
        rows.append({"title_id": str(title_id), "title": title, "publisher": publisher, "version": version,
                     "machines": count, "new_in_period": fresh})  # fmt: skip
    columns = TITLE_COLUMNS if by_version else [c for c in TITLE_COLUMNS if c != "version"]
    if not by_version:
        for row in rows:
            del row["version"]
    return Table("software", columns, rows, query)


def _changes(scope: Scope, query: ChangeQuery) -> list[Any]:
    conditions = [ChangeEvent.occurred_at >= query.since, ChangeEvent.occurred_at < query.until]
    if query.subject_type:
        conditions.append(ChangeEvent.subject_type.in_(query.subject_type))
    if query.action:
        conditions.append(ChangeEvent.action.in_(query.action))
    if scope.site_ids is not None:
        conditions.append(or_(*(
            and_(ChangeEvent.subject_type == kind,
                 select(model.id).where(model.id == ChangeEvent.subject_id, model.site_id.in_(scope.site_ids)).exists())
            for kind, model in SITED.items()
        )))  # fmt: skip
    return conditions


def changes_report(session: Session, scope: Scope, query: ChangeQuery) -> Table:
    """Changes by subject type and action: how many, on how many subjects."""
    changes, subjects = func.count(), func.count(distinct(ChangeEvent.subject_id))
    stmt = (
        select(ChangeEvent.subject_type, ChangeEvent.action, changes, subjects)
        .where(*_changes(scope, query))
        .group_by(ChangeEvent.subject_type, ChangeEvent.action)
        .order_by(ChangeEvent.subject_type, changes.desc(), ChangeEvent.action)
    )
    rows = [dict(zip(CHANGE_COLUMNS, row, strict=True)) for row in session.execute(stmt)]
    return Table("changes", CHANGE_COLUMNS, rows, query)


def change_events(session: Session, scope: Scope, query: ChangeQuery) -> Table:
    """The events themselves, oldest first, capped."""
    stmt = (
        select(*(getattr(ChangeEvent, c) for c in EVENT_COLUMNS))
        .where(*_changes(scope, query))
        .order_by(ChangeEvent.occurred_at, ChangeEvent.id)
        .limit(MAX_EVENTS + 1)
    )
    rows = []
    for values in session.execute(stmt):
        row = dict(zip(EVENT_COLUMNS, values, strict=True))
        row["occurred_at"] = row["occurred_at"].astimezone(UTC).isoformat().replace("+00:00", "Z")
        row["subject_id"] = str(row["subject_id"])
        rows.append(row)
    return Table(
        "change-events", EVENT_COLUMNS, rows[:MAX_EVENTS], query, {"truncated": len(rows) > MAX_EVENTS}
    )
