"""Work-order actions on user services and jacks, through the services and cabling domains."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from inventory_api.cabling import service as cabling
from inventory_api.cabling.models import Jack, PatchPanelPort, SwitchPort
from inventory_api.history.service import Cause, record_change
from inventory_api.people.models import Person
from inventory_api.services import service as services
from inventory_api.services.models import STATUS_TRANSITIONS, Service
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


def check_item(session: Session, order: WorkOrder, item: WorkOrderItem) -> str | None:
    """Why a service or jack action cannot be applied now, or None."""
    if item.subject_type == "jack":
        jack = session.get(Jack, item.subject_id)
        if jack is None or jack.deleted_at is not None:
            return f"jack {item.subject_id} does not exist (or was deleted)"
        if jack.site_id != order.site_id:
            return f"jack {jack.label} belongs to another site than the work order"
        if _jack_port(session, jack) is None:
            return f"jack {jack.label} is not patched through to a switch port"
        return None
    service = _live_service(session, item.subject_id)
    if service is None:
        return f"service {item.subject_id} does not exist (or was deleted)"
    if service.site_id != order.site_id:
        return f"service {item.subject_id} belongs to another site than the work order"
    target = {"activate_service": "active", "disconnect_service": "disconnected"}.get(item.action)
    if target and target != service.status and target not in STATUS_TRANSITIONS[service.status]:
        return f"service {service.number or service.id} is {service.status} and cannot become {target}"
    if item.action == "assign_service":
        if service.status == "disconnected":
            return f"service {service.number or service.id} is disconnected"
        person = session.get(Person, uuid.UUID(str(item.params["person_id"])))
        if person is None or person.deleted_at is not None or not person.active:
            return f"person {item.params['person_id']} does not exist or is inactive"
    return None


def apply_item(
    session: Session, order: WorkOrder, item: WorkOrderItem, *, quarantine_days: int
) -> dict[str, Any]:
    """Carry out a checked service or jack action; the domain's own history names the order as cause."""
    session.info["cause"] = Cause("work_order", str(order.id))
    try:
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
        data: dict[str, Any] = {
            "assign_service": lambda: {"person_id": uuid.UUID(str(item.params["person_id"]))},
            "activate_service": lambda: {"status": "active"},
            "disconnect_service": lambda: {"status": "disconnected"},
        }[item.action]()
        services.update_service(session, service, data, quarantine_days=quarantine_days)
        return {k: str(v) for k, v in data.items()}
    finally:
        session.info.pop("cause", None)
