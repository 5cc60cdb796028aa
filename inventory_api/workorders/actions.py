"""Checking and applying the intended action of each work-order item (the asset actions)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from inventory_api.assets.models import ASSET_STATUSES, STATUS_TRANSITIONS, Asset
from inventory_api.cabling import connections
from inventory_api.cabling.models import Jack
from inventory_api.db import utcnow
from inventory_api.events.service import emit_event
from inventory_api.history.service import Cause, diff_fields, record_change
from inventory_api.locations.models import Location
from inventory_api.people.models import Person
from inventory_api.services.dependents import DEPENDENT_CHOICES
from inventory_api.workorders import service_actions
from inventory_api.workorders.actions_vocab import ACTION_SPECS, LINK_ACTIONS, SUBJECT_TYPES
from inventory_api.workorders.models import WorkOrder, WorkOrderItem

CLOSED_ASSET_STATUSES = ("retired", "disposed")


UUID_PARAMS = ("location_id", "person_id", "jack_id")


def _bad_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return True
    return False


def check_params(action: str, params: dict[str, Any]) -> str | None:
    """Why the params of an action are malformed, or None (a param the action does not take is refused)."""
    _, needed, optional = ACTION_SPECS[action]
    missing = [name for name in needed if not params.get(name)]
    if missing:
        return f"{action} needs {', '.join(missing)}"
    unknown = sorted(set(params) - set(needed) - set(optional) - {"note"})
    if unknown:
        takes = ", ".join((*needed, *optional, "note"))
        return f"{action} does not take {', '.join(unknown)} (it takes {takes})"
    if action == "change_service" and not set(params) & set(optional):
        return f"change_service needs one of {', '.join(optional)}"
    for name in UUID_PARAMS:
        if params.get(name) is not None and _bad_uuid(params[name]):
            return f"{name} is not a UUID"
    if "asset_ids" in params and (
        not isinstance(params["asset_ids"], list) or any(_bad_uuid(a) for a in params["asset_ids"])
    ):
        return "asset_ids must be a list of asset UUIDs"
    if "number" in params and not (isinstance(params["number"], str) and params["number"].strip()):
        return "number must be the new number as text"
    if action == "change_asset_status" and params["status"] not in ASSET_STATUSES:
        return f"status must be one of {', '.join(ASSET_STATUSES)}"
    if params.get("dependents") not in (None, *DEPENDENT_CHOICES):
        return f"dependents must be one of {', '.join(DEPENDENT_CHOICES)}"
    if (params.get("dependents") == "carry") != bool(params.get("carry_to")):
        return (
            "dependents carry needs carry_to (the extension they go to), and carry_to needs dependents carry"
        )
    for name in ("vlan", "voice_vlan"):
        if params.get(name) is not None and not (isinstance(params[name], int) and 1 <= params[name] <= 4094):
            return f"{name} must be a VLAN number 1–4094"
    return None


def subject_type_of(action: str, requested: str | None = None) -> str:
    """The kind of record an action acts on; note and inspect act on whichever kind the item names."""
    if action in LINK_ACTIONS and requested in SUBJECT_TYPES:
        return requested
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
    if item.action in (*LINK_ACTIONS, "replace_component"):
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
        if item.params.get("jack_id"):
            jack = session.get(Jack, uuid.UUID(str(item.params["jack_id"])))
            if jack is None or jack.deleted_at is not None:
                return f"jack {item.params['jack_id']} does not exist (or was deleted)"
            if jack.room_id != location.id:
                return f"jack {jack.label} is not in {location.name}"
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
    if item.action == "move_asset":
        # The jacks' history names the order too: resolve_actions sets it as the session's cause.
        jack_id = item.params.get("jack_id")
        jack = session.get(Jack, uuid.UUID(str(jack_id))) if jack_id else None
        connections.move_connection(session, asset, jack)
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
