"""Check-out, check-in, assignment history, overdue returns; warranty and end-of-life lists."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from inventory_api.assets import service as assets
from inventory_api.assets.models import Asset
from inventory_api.assignments.models import Assignment
from inventory_api.cabling.registry import Sites, SiteScope, require_location, require_person
from inventory_api.catalog.models import Model
from inventory_api.db import utcnow
from inventory_api.errors import Conflict, Unprocessable
from inventory_api.events.service import emit_event
from inventory_api.history.service import current_actor, plain, record_change

UNAVAILABLE = ("in_repair", "retired", "disposed")


def open_assignment(session: Session, asset_id: uuid.UUID) -> Assignment | None:
    stmt = select(Assignment).where(Assignment.asset_id == asset_id, Assignment.checked_in_at.is_(None))
    return session.scalar(stmt)


def _payload(assignment: Assignment, action: str) -> dict[str, Any]:
    return {"id": str(assignment.id), "asset_id": str(assignment.asset_id), "action": action,
            "person_id": plain(assignment.person_id), "location_id": plain(assignment.location_id),
            "expected_return": plain(assignment.expected_return)}  # fmt: skip


def check_out(
    session: Session, asset: Asset, *, person_id: uuid.UUID | None = None, location_id: uuid.UUID | None = None,
    expected_return: date | None = None, notes: str | None = None, sites: Sites = None,
) -> Assignment:  # fmt: skip
    """Hand an asset to a person or a place; 409 when it is already out or cannot be used."""
    if (person_id is None) == (location_id is None):
        raise Unprocessable("check out to a person_id or a location_id", code="person_or_location")
    if asset.status in UNAVAILABLE:
        raise Conflict(f"asset is {asset.status}; it cannot be checked out", code="asset_unavailable")
    current = open_assignment(session, asset.id)
    if current is not None:
        raise Conflict("asset is already checked out; check it in first", code="already_checked_out",
                       assignment_id=str(current.id))  # fmt: skip
    if expected_return is not None and expected_return < date.today():
        raise Unprocessable("expected_return is in the past", code="return_in_past")
    values: dict[str, Any] = {"status": "deployed"}
    if person_id is not None:
        require_person(session, person_id, sites)
        values["assigned_person_id"] = person_id
    else:
        require_location(session, location_id, sites)
        values |= {"location_id": location_id, "assigned_person_id": None}
    assets.update_asset(session, asset, values, SiteScope(sites))  # type: ignore[arg-type]
    assignment = Assignment(asset_id=asset.id, site_id=asset.site_id, person_id=person_id, location_id=location_id,
                            expected_return=expected_return, notes=notes,
                            checked_out_by=current_actor(session).name)  # fmt: skip
    session.add(assignment)
    session.flush()
    due = f", due back {expected_return}" if expected_return else ""
    record_change(session, "asset", asset.id, "checked_out", summary=f"checked out{due}")
    emit_event(session, "asset.checked_out", "asset", asset.id, _payload(assignment, "checked_out"))
    return assignment


def check_in(
    session: Session, asset: Asset, *, location_id: uuid.UUID | None = None, notes: str | None = None,
    sites: Sites = None,
) -> Assignment:  # fmt: skip
    """Take an asset back into stock (at `location_id`, if given)."""
    assignment = open_assignment(session, asset.id)
    if assignment is None:
        raise Conflict("asset is not checked out", code="not_checked_out")
    values: dict[str, Any] = {"assigned_person_id": None}
    if asset.status == "deployed":
        values["status"] = "in_stock"
    if location_id is not None:
        require_location(session, location_id, sites)
        values["location_id"] = location_id
    assets.update_asset(session, asset, values, SiteScope(sites))  # type: ignore[arg-type]
    assignment.checked_in_at = utcnow()
    assignment.checked_in_by = current_actor(session).name
    if notes:
        assignment.notes = f"{assignment.notes}\n{notes}" if assignment.notes else notes
    session.flush()
    record_change(session, "asset", asset.id, "checked_in", summary="checked in")
    emit_event(session, "asset.checked_in", "asset", asset.id, _payload(assignment, "checked_in"))
    return assignment


def assignments_query(sites: Sites, *, today: date | None = None, **filters: Any) -> Select[Any]:
    """Assignments, newest first by default; `open`, `overdue` and ids filter."""
    stmt = select(Assignment)
    if sites is not None:
        stmt = stmt.where(Assignment.site_id.in_(sites))
    for field in ("asset_id", "person_id", "location_id", "site_id"):
        if filters.get(field) is not None:
            stmt = stmt.where(getattr(Assignment, field) == filters[field])
    if filters.get("open") is not None:
        stmt = stmt.where(
            Assignment.checked_in_at.is_(None) if filters["open"] else Assignment.checked_in_at.is_not(None)
        )
    if filters.get("overdue"):
        stmt = stmt.where(
            Assignment.checked_in_at.is_(None), Assignment.expected_return < (today or date.today())
        )
    return stmt


def warranty_query(sites: Sites, *, days: int, include_expired: bool = False) -> Select[Any]:
    """Live assets whose warranty ends within `days` (or has ended, with include_expired)."""
    today = date.today()
    stmt = select(Asset).where(Asset.deleted_at.is_(None), Asset.warranty_end <= today + timedelta(days=days),
                               Asset.status.not_in(("retired", "disposed")))  # fmt: skip
    if not include_expired:
        stmt = stmt.where(Asset.warranty_end >= today)
    return stmt.where(Asset.site_id.in_(sites)) if sites is not None else stmt


def end_of_life_query(sites: Sites, *, days: int, include_past: bool = False) -> Select[Any]:
    """Live assets whose model reaches end of life within `days`."""
    today = date.today()
    models = select(Model.id).where(Model.end_of_life <= today + timedelta(days=days))
    if not include_past:
        models = models.where(Model.end_of_life >= today)
    stmt = select(Asset).where(Asset.deleted_at.is_(None), Asset.model_id.in_(models),
                               Asset.status.not_in(("retired", "disposed")))  # fmt: skip
    return stmt.where(Asset.site_id.in_(sites)) if sites is not None else stmt


def end_of_life_of(session: Session, asset: Asset) -> date | None:
    model = session.get(Model, asset.model_id) if asset.model_id else None
    return model.end_of_life if model else None
