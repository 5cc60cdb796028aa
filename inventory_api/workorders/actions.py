"""Checking and applying the intended action of each work-order item (the asset actions)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from inventory_api.assets.models import ASSET_STATUSES, STATUS_TRANSITIONS, Asset
from inventory_api.db import utcnow
from inventory_api.events.service import emit_event
from inventory_api.history.service import Cause, diff_fields, record_change
from inventory_api.locations.models import Location
from inventory_api.people.models import Person
from inventory_api.workorders import service_actions
from inventory_api.workorders.actions_vocab import ACTION_SPECS
from inventory_api.workorders.models import WorkOrder, WorkOrderItem

CLOSED_ASSET_STATUSES = ("retired", "disposed")


def check_params(action: str, params: dict[str, Any]) -> str | None:
    """Why the params of an action are malformed, or None."""
    _, needed = ACTION_SPECS[action]
    missing = [name for name in needed if not params.get(name)]
    if missing:
        return f"{action} needs {', '.join(missing)}"
    for name in ("location_id", "person_id"):
        if name in params:
            try:
                uuid.UUID(str(params[name]))
            except ValueError:
                return f"{name} is not a UUID"
    if action == "change_asset_status" and params["status"] not in ASSET_STATUSES:
        return f"status must be one of {', '.join(ASSET_STATUSES)}"
    for name in ("vlan", "voice_vlan"):
        if params.get(name) is not None and not (isinstance(params[name], int) and 1 <= params[name] <= 4094):
            return f"{name} must be a VLAN number 1–4094"
    return None


def subject_type_of(action: str) -> str:
    return ACTION_SPECS[action][0]


def _live_asset(session: Session, asset_id: uuid.UUID) -> Asset | None:
    asset = session.get(Asset, asset_id)
    return None if asset is None or asset.deleted_at is not None else asset


def check_item(session: Session, order: WorkOrder, item: WorkOrderItem) -> str | None:
    """Why an item's action cannot be applied now (asset retired meanwhile, room gone …), or None."""
    reason = check_params(item.action, item.params)
    if reason:
        return reason
    if item.subject_type != "asset":
        return service_actions.check_item(session, order, item)
    asset = _live_asset(session, item.subject_id)
    if asset is None:
        return f"asset {item.subject_id} does not exist (or was deleted)"
    if asset.site_id != order.site_id:
        return f"asset {item.subject_id} belongs to another site than the work order"
    if item.action in ("note", "replace_component"):
        return None
    if item.action in ("retire_asset", "change_asset_status"):
        target = "retired" if item.action == "retire_asset" else item.params["status"]
        if target != asset.status and target not in STATUS_TRANSITIONS[asset.status]:
            return f"asset {item.subject_id} is {asset.status!r} and cannot become {target!r}"
        return None
    if asset.status in CLOSED_ASSET_STATUSES:
        return f"asset {item.subject_id} is {asset.status}"
    if item.action == "move_asset":
        location = session.get(Location, uuid.UUID(str(item.params["location_id"])))
        if location is None or location.deleted_at is not None:
            return f"location {item.params['location_id']} does not exist (or was deleted)"
        if (location.site_id or location.id) != asset.site_id:
            return f"location {location.id} is not on the asset's site"
    if item.action == "assign_asset":
        person = session.get(Person, uuid.UUID(str(item.params["person_id"])))
        if person is None or person.deleted_at is not None or not person.active:
            return f"person {item.params['person_id']} does not exist or is inactive"
    return None


def _asset_values(item: WorkOrderItem) -> dict[str, Any]:
    params = item.params
    return {
        "move_asset": lambda: {"location_id": uuid.UUID(str(params["location_id"]))},
        "assign_asset": lambda: {"assigned_person_id": uuid.UUID(str(params["person_id"]))},
        "unassign_asset": lambda: {"assigned_person_id": None},
        "retire_asset": lambda: {"status": "retired"},
        "change_asset_status": lambda: {"status": params["status"]},
    }.get(item.action, dict)()


def apply_item(session: Session, order: WorkOrder, item: WorkOrderItem, *, quarantine_days: int = 90) -> None:
    """Carry out one (already checked) item: change the record, write its history naming the order."""
    if item.subject_type != "asset":
        service_actions.apply_item(session, order, item, quarantine_days=quarantine_days)
        item.status, item.applied_at = "applied", utcnow()
        return
    cause = Cause("work_order", str(order.id))
    asset = session.get(Asset, item.subject_id)
    assert asset is not None  # check_item ran in this transaction
    changes = diff_fields(asset, _asset_values(item))
    note = item.params.get("note")
    if item.action == "replace_component":
        summary = f"replaced {item.params['component']}" + (f": {note}" if note else "")
    else:
        summary = note or f"{item.action.replace('_', ' ')} (work order {order.title})"
    if changes:
        asset.version += 1
    record_change(session, "asset", asset.id, item.action, changes=changes, summary=summary, cause=cause)
    event_type = "asset.retired" if changes.get("status", [None, None])[1] == "retired" else "asset.changed"
    session.flush()  # the asset row is locked before its event takes an outbox id (delivery order)
    emit_event(
        session,
        event_type,
        "asset",
        asset.id,
        {"asset_id": str(asset.id), "changes": changes, "work_order_id": str(order.id)},
    )
    item.status = "applied"
    item.applied_at = utcnow()
