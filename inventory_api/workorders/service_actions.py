"""Work-order actions on user services and jacks, through the services and cabling domains."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset
from inventory_api.cabling import service as cabling
from inventory_api.cabling.models import Jack, PatchPanelPort, SwitchPort
from inventory_api.history.service import record_change
from inventory_api.locations.models import Location
from inventory_api.people.models import Person
from inventory_api.services import dependents
from inventory_api.services import service as services
from inventory_api.services.models import STATUS_TRANSITIONS, Service
from inventory_api.services.types import NUMBER_FIELD
from inventory_api.workorders.actions_vocab import LINK_ACTIONS
from inventory_api.workorders.models import WorkOrder, WorkOrderItem

#: Used when the settings are not at hand (the services domain's own default).
QUARANTINE_DAYS = 90


def _live_service(session: Session, service_id: uuid.UUID) -> Service | None:
    row = session.get(Service, service_id)
    return None if row is None or row.deleted_at is not None else row


def _jack_port(session: Session, jack: Jack) -> SwitchPort | None:
    """The switch port a jack is patched through to, if any."""
    panel_port = session.get(PatchPanelPort, jack.panel_port_id) if jack.panel_port_id else None
    return (
        session.get(SwitchPort, panel_port.switch_port_id)
        if panel_port and panel_port.switch_port_id
        else None
    )


def exists_on_site(session: Session, subject_type: str, subject_id: uuid.UUID, site_id: uuid.UUID) -> bool:
    model = {"service": Service, "jack": Jack}[subject_type]
    row = session.get(model, subject_id)
    return row is not None and row.deleted_at is None and row.site_id == site_id


def _room_on_site(session: Session, location_id: Any, site_id: uuid.UUID) -> str | None:
    location = session.get(Location, uuid.UUID(str(location_id)))
    if location is None or location.deleted_at is not None:
        return f"location {location_id} does not exist (or was deleted)"
    if (location.site_id or location.id) != site_id:
        return f"location {location.name} is not on the service's site"
    return None


def _check_change(session: Session, service: Service, params: dict[str, Any]) -> str | None:
    """Why a service cannot take these new values (person, room, number, assets), or None."""
    if params.get("person_id"):
        person = session.get(Person, uuid.UUID(str(params["person_id"])))
        if person is None or person.deleted_at is not None or not person.active:
            return f"person {params['person_id']} does not exist or is inactive"
    if params.get("location_id"):
        reason = _room_on_site(session, params["location_id"], service.site_id)
        if reason:
            return reason
    if "number" in params and NUMBER_FIELD.get(service.type) is None:
        return f"a {service.type} service has no number"
    for asset_id in params.get("asset_ids") or ():
        asset = session.get(Asset, uuid.UUID(str(asset_id)))
        if asset is None or asset.deleted_at is not None or asset.site_id != service.site_id:
            return f"asset {asset_id} does not exist on the service's site"
        if asset.status in services.GONE_STATUSES:
            return f"asset {asset.name or asset.id} is {asset.status}"
    return None


def check_item(session: Session, order: WorkOrder, item: WorkOrderItem) -> str | None:
    """Why a service or jack action cannot be applied now, or None."""
    if item.subject_type == "jack":
        jack = session.get(Jack, item.subject_id)
        if jack is None or jack.deleted_at is not None:
            return f"jack {item.subject_id} does not exist (or was deleted)"
        if jack.site_id != order.site_id:
            return f"jack {jack.label} belongs to another site than the work order"
        if item.action not in LINK_ACTIONS and _jack_port(session, jack) is None:
            return f"jack {jack.label} is not patched through to a switch port"
        return None
    service = _live_service(session, item.subject_id)
    if service is None:
        return f"service {item.subject_id} does not exist (or was deleted)"
    if service.site_id != order.site_id:
        return f"service {item.subject_id} belongs to another site than the work order"
    if item.action in LINK_ACTIONS:
        return None
    name = service.number or service.id
    target = {"activate_service": "active", "disconnect_service": "disconnected"}.get(item.action)
    if target and target != service.status and target not in STATUS_TRANSITIONS[service.status]:
        return f"service {name} is {service.status} and cannot become {target}"
    if item.action == "disconnect_service" and service.status != "disconnected":
        return dependents.why_not(
            session, service, item.params.get("dependents"), item.params.get("carry_to")
        )
    if item.action in ("assign_service", "move_service", "change_service"):
        if service.status == "disconnected":
            return f"service {name} is disconnected"
        return _check_change(session, service, item.params)
    return None


def service_values(service: Service, params: dict[str, Any]) -> dict[str, Any]:
    """The fields of a service an assign, move or change item sets (a null location_id: follow its device)."""
    data: dict[str, Any] = {}
    for name in ("person_id", "location_id"):
        if name in params:
            data[name] = uuid.UUID(str(params[name])) if params[name] else None
    if "asset_ids" in params:
        data["asset_ids"] = [uuid.UUID(str(a)) for a in params["asset_ids"]]
    if "number" in params:
        data["details"] = {**service.details, NUMBER_FIELD[service.type]: params["number"].strip()}
    return data


def apply_item(
    session: Session, order: WorkOrder, item: WorkOrderItem, *, quarantine_days: int
) -> dict[str, Any]:
    """Carry out a checked service or jack action; its history names the order (resolve_actions sets the cause)."""
    if item.action in LINK_ACTIONS:
        summary = item.params.get("note") or f"{item.action} (work order {order.title})"
        record_change(session, item.subject_type, item.subject_id, item.action, summary=summary)
        return {}
    if item.subject_type == "jack":
        jack = session.get(Jack, item.subject_id)
        port = _jack_port(session, jack)
        values = {"vlan": int(item.params["vlan"]), "admin_state": "up"}
        if item.params.get("voice_vlan") is not None:
            values["voice_vlan"] = int(item.params["voice_vlan"])
        cabling.update_switch_port(session, port, values)
        record_change(session, "jack", jack.id, "activated",
                      summary=f"{jack.label} active on VLAN {values['vlan']} ({port.name})")  # fmt: skip
        return {"switch_port_id": str(port.id), **values}
    service = session.get(Service, item.subject_id)
    extra: dict[str, Any] = {}
    if item.action == "activate_service":
        data: dict[str, Any] = {"status": "active"}
    elif item.action == "disconnect_service":
        data = {"status": "disconnected"}
        extra = {"dependents": item.params.get("dependents"), "carry_to": item.params.get("carry_to")}
    else:
        data = service_values(service, item.params)
    services.update_service(session, service, data, quarantine_days=quarantine_days, **extra)
    return {k: str(v) for k, v in data.items()}
