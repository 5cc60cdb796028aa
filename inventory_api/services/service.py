"""User services: create, change, disconnect; each change is history and an outbox event."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset
from inventory_api.cabling import service as cabling
from inventory_api.cabling.connections import switch_port_of_jack
from inventory_api.cabling.models import Jack, SwitchPort
from inventory_api.cabling.registry import (
    Sites,
    require_asset,
    require_location,
    require_person,
    site_of,
    visible,
)
from inventory_api.errors import Conflict, NotFound, Unprocessable
from inventory_api.events.service import emit_event
from inventory_api.history.service import diff_fields, plain, record_change
from inventory_api.numbers import claims
from inventory_api.numbers import service as numbers
from inventory_api.services import emergency
from inventory_api.services.dependents import settle as settle_dependents
from inventory_api.services.models import NUMBER_TYPES, STATUS_TRANSITIONS, Service, ServiceAsset
from inventory_api.services.types import NUMBER_FIELD, validate_details

#: An asset in one of these statuses cannot carry a service.
GONE_STATUSES = ("retired", "disposed")


def require_service(session: Session, service_id: uuid.UUID, sites: Sites = None) -> Service:
    service = session.get(Service, service_id)
    if service is None or service.deleted_at is not None or not visible(sites, service.site_id):
        raise NotFound("service", service_id)
    return service


def live(stmt: Select[Any]) -> Select[Any]:
    return stmt.where(Service.deleted_at.is_(None), Service.status != "disconnected")


def find_live(session: Session, service_type: str, number: str, *, site_id: uuid.UUID | None = None,
              dial_plan: str | None = None) -> Service | None:  # fmt: skip
    """The live service of a type with this number (in a site and dial plan, unless a DID)."""
    stmt = live(select(Service).where(Service.type == service_type, Service.number == number))
    if site_id is not None:
        stmt = stmt.where(Service.site_id == site_id)
    if dial_plan is not None:
        stmt = stmt.where(Service.dial_plan == dial_plan)
    return session.scalar(stmt)


def service_assets(session: Session, service: Service) -> list[uuid.UUID]:
    stmt = select(ServiceAsset.asset_id).where(ServiceAsset.service_id == service.id)
    return sorted(session.scalars(stmt), key=str)


def _check_assets(session: Session, asset_ids: list[uuid.UUID], sites: Sites) -> list[Asset]:
    assets = [require_asset(session, asset_id, sites) for asset_id in dict.fromkeys(asset_ids)]
    for asset in assets:
        if asset.status in GONE_STATUSES:
            raise Conflict(f"asset {asset.name or asset.id} is {asset.status}; a service cannot use it",
                           code="asset_retired", asset_id=str(asset.id))  # fmt: skip
    return assets


def _check_type(session: Session, service: Service, sites: Sites) -> None:
    """The rules of each type that need the database: unique numbers, an existing extension, a jack."""
    details = service.details
    if service.status == "disconnected":
        return
    if service.type in ("extension", "voicemail", "did") and service.number:
        scope = {} if service.type == "did" else {"site_id": service.site_id, "dial_plan": service.dial_plan}
        other = find_live(session, service.type, service.number, **scope)
        if other is not None and other.id != service.id:
            raise Conflict(f"{service.type} {service.number} is already in use", code="duplicate_number",
                           service_id=str(other.id))  # fmt: skip
    if (
        details.get("extension")
        and service.type in ("did", "voicemail", "shared_line")
        and find_live(session, "extension", details["extension"], site_id=service.site_id) is None
    ):
        raise Unprocessable(
            f"no live extension {details['extension']} at this site", code="unknown_extension"
        )
    if service.type == "data_port":
        jack = cabling.require_jack(session, uuid.UUID(details["jack_id"]), sites)
        if jack.site_id != service.site_id:
            raise Unprocessable("the jack is at another site", code="other_site")
        stmt = live(select(Service).where(Service.type == "data_port", Service.id != service.id))
        for other in session.scalars(stmt):
            if other.details.get("jack_id") == details["jack_id"]:
                raise Conflict(f"jack {jack.label} already has an active data port", code="jack_in_use")


def _apply_details(service: Service, details: dict[str, Any]) -> None:
    service.details = validate_details(service.type, details)
    field = NUMBER_FIELD.get(service.type)
    service.number = service.details.get(field) if field else None
    service.dial_plan = service.details.get("dial_plan", "default")


def _claim(session: Session, service: Service) -> None:
    if service.type in NUMBER_TYPES and service.number and service.status != "disconnected":
        claims.claim_number(session, kind=service.type, site_id=service.site_id, dial_plan=service.dial_plan,
                            number=service.number, service_id=service.id)  # fmt: skip


def _event(
    session: Session, event_type: str, service: Service, changes: dict[str, Any] | None = None
) -> None:
    payload = {"id": str(service.id), "type": service.type, "status": service.status, "number": service.number,
               "person_id": plain(service.person_id), "site_id": str(service.site_id), "version": service.version}  # fmt: skip
    if changes:
        payload["changes"] = changes
    emit_event(session, event_type, "service", service.id, payload)


def _number_from_pool(
    session: Session, pool_id: uuid.UUID, service_type: str, site_id: uuid.UUID, details: dict[str, Any],
    sites: Sites,
) -> dict[str, Any]:  # fmt: skip
    """The details with the lowest free number of the pool: allocated and assigned in one transaction, so a number
    is never left allocated without its service."""
    pool = numbers.require_pool(session, pool_id, sites)
    if pool.kind != service_type:
        raise Unprocessable(f"pool {pool.name} holds {pool.kind} numbers, not {service_type} numbers",
                            code="wrong_pool", field="number_pool_id")  # fmt: skip
    if pool.site_id != site_id:
        raise Unprocessable(
            f"pool {pool.name} belongs to another site", code="wrong_pool", field="number_pool_id"
        )
    if details.get("number"):
        raise Unprocessable("give details.number or number_pool_id, not both", code="invalid_details",
                            field="details.number")  # fmt: skip
    record = numbers.allocate_next(session, pool)
    extra = {"dial_plan": pool.dial_plan} if service_type == "extension" else {}
    return {**details, **extra, "number": record.number}


def create_service(session: Session, data: dict[str, Any], sites: Sites = None) -> Service:
    """A new service; its number taken from the pool, its assets checked (none retired)."""
    data = dict(data)
    asset_ids = data.pop("asset_ids", [])
    details = data.pop("details", {})
    pool_id = data.pop("number_pool_id", None)
    person = require_person(session, data["person_id"], sites) if data.get("person_id") else None
    if data.get("site_id") is None:
        if person is None:
            raise Unprocessable("a service needs a site_id or a person_id", code="no_site")
        data["site_id"] = person.site_id
    site = require_location(session, data["site_id"], sites)
    data["site_id"] = site_of(site)
    if pool_id is not None:
        details = _number_from_pool(session, pool_id, data["type"], data["site_id"], details, sites)
    if data.get("location_id"):
        require_location(session, data["location_id"], sites)
    service = Service(**data)
    _apply_details(service, details)
    assets = _check_assets(session, asset_ids, sites)
    _check_type(session, service, sites)
    session.add(service)
    session.flush()
    session.add_all(ServiceAsset(service_id=service.id, asset_id=a.id) for a in assets)
    _claim(session, service)
    what = f"{service.type} {service.number or ''}".strip()
    record_change(session, "service", service.id, "created", summary=f"{what} created")
    _event(session, "service.created", service)
    if service.type in NUMBER_TYPES:
        emergency.refresh_numbers(session, service_ids=[service.id])
    configure_data_port(session, service)
    return service


def update_service(
    session: Session,
    service: Service,
    data: dict[str, Any],
    *,
    sites: Sites = None,
    quarantine_days: int = 90,
    dependents: str | None = None,
    carry_to: str | None = None,
) -> Service:
    """Change a service; disconnecting it sends its number to quarantine, and disconnecting an extension settles
    what points at it (its DID, voicemail, shared lines) as `dependents` says: refuse, carry or disconnect."""
    data = dict(data)
    changes: dict[str, Any] = {}
    if data.get("status", service.status) not in (service.status, *STATUS_TRANSITIONS[service.status]):
        raise Conflict(f"a {service.status} service cannot become {data['status']}", code="invalid_transition",
                       allowed=list(STATUS_TRANSITIONS[service.status]))  # fmt: skip
    disconnecting = data.get("status") == "disconnected" and service.status != "disconnected"
    if (dependents or carry_to) and not (disconnecting and service.type == "extension"):
        raise Unprocessable("dependents and carry_to say what becomes of the DIDs and voicemail of an extension "
                            "being disconnected", code="invalid_dependents", field="dependents")  # fmt: skip
    if disconnecting:

        def update(other: Service, values: dict[str, Any]) -> None:
            update_service(session, other, values, sites=sites, quarantine_days=quarantine_days)

        settle_dependents(session, service, dependents, carry_to, update)
    if data.get("person_id"):
        require_person(session, data["person_id"], sites)
    if data.get("location_id"):
        require_location(session, data["location_id"], sites)
    old_number, old_details = service.number, service.details
    if "details" in data:
        _apply_details(service, data.pop("details"))
        if service.details != old_details:
            changes["details"] = [old_details, service.details]
    if "asset_ids" in data:
        new_ids = [a.id for a in _check_assets(session, data.pop("asset_ids"), sites)]
        old_ids = service_assets(session, service)
        if sorted(new_ids, key=str) != old_ids:
            session.execute(ServiceAsset.__table__.delete().where(ServiceAsset.service_id == service.id))
            session.add_all(ServiceAsset(service_id=service.id, asset_id=a) for a in new_ids)
            changes["asset_ids"] = [[str(a) for a in old_ids], sorted(str(a) for a in new_ids)]
    if data.get("status") == "disconnected" and service.end_date is None and "end_date" not in data:
        data["end_date"] = date.today()
    changes |= diff_fields(service, data)
    if not changes:
        return service
    _check_type(session, service, sites)
    if service.status == "disconnected":
        claims.quarantine_number(session, service.id, days=quarantine_days)
    elif service.number != old_number:
        claims.release_service_number(session, service.id)
        _claim(session, service)
    else:
        _claim(session, service)
    service.version += 1
    session.flush()
    record_change(session, "service", service.id, "updated", changes=changes)
    _event(session, "service.changed", service, changes)
    if service.type in NUMBER_TYPES and changes.keys() & {"location_id", "asset_ids", "details", "status"}:
        emergency.refresh_numbers(session, service_ids=[service.id])
    if changes.keys() & {"details", "status"}:
        configure_data_port(session, service)
    return service


def services_query(sites: Sites, **filters: Any) -> Select[Any]:
    stmt = select(Service).where(Service.deleted_at.is_(None))
    if sites is not None:
        stmt = stmt.where(Service.site_id.in_(sites))
    for field in ("site_id", "person_id", "type", "status", "number", "cost_centre", "location_id"):
        if filters.get(field) is not None:
            stmt = stmt.where(getattr(Service, field) == filters[field])
    if filters.get("asset_id") is not None:
        stmt = stmt.where(
            Service.id.in_(
                select(ServiceAsset.service_id).where(ServiceAsset.asset_id == filters["asset_id"])
            )
        )
    if filters.get("emergency_location_stale") is not None:
        stmt = stmt.where(Service.emergency_location_stale == filters["emergency_location_stale"])
    return stmt


def read_fields(session: Session, service: Service) -> dict[str, Any]:
    """A service as the API shows it, with the ids of the assets it uses (and a data port's switch port)."""
    fields = {c.key: getattr(service, c.key) for c in Service.__table__.columns}
    return fields | {
        "asset_ids": service_assets(session, service),
        "switch_port": data_port_state(session, service),
    }


def _data_port_target(session: Session, service: Service) -> tuple[SwitchPort | None, str | None]:
    """The switch port behind a data port's jack, or why there is none."""
    jack = session.get(Jack, uuid.UUID(str(service.details["jack_id"])))
    if jack is None or jack.deleted_at is not None:
        return None, "its jack was deleted"
    port = switch_port_of_jack(session, jack)
    if port is None:
        return None, f"jack {jack.label} is not patched through to a switch port"
    return port, None


def _port_values(service: Service) -> dict[str, Any]:
    values = {"vlan": service.details["vlan"], "admin_state": "up"}
    if service.details.get("voice_vlan") is not None:
        values["voice_vlan"] = service.details["voice_vlan"]
    return values


def data_port_state(session: Session, service: Service) -> dict[str, Any] | None:
    """For a data port: its switch port, and whether that port is set as the service says (or why not)."""
    if service.type != "data_port":
        return None
    port, reason = _data_port_target(session, service)
    if port is None:
        return {"switch_port_id": None, "configured": False, "reason": reason}
    wrong = [f"{k} is {getattr(port, k)}" for k, v in _port_values(service).items() if getattr(port, k) != v]
    return {"switch_port_id": port.id, "configured": not wrong,
            "reason": f"port {port.name}: {', '.join(wrong)}" if wrong else None}  # fmt: skip


def configure_data_port(session: Session, service: Service) -> None:
    """An active data port sets its switch port: access VLAN, voice VLAN, admin up (a suspended or disconnected one
    sets it down). When its jack leads to no switch port, the service's history says why the port was not
    configured (and its `switch_port` field shows it)."""
    if service.type != "data_port" or service.status == "requested":
        return
    port, reason = _data_port_target(session, service)
    if (
        service.status != "active"
    ):  # suspended or disconnected: the port goes down, its VLANs stay for the record
        if port is not None:
            cabling.update_switch_port(session, port, {"admin_state": "down"})
        return
    if port is None:
        record_change(session, "service", service.id, "port_not_configured",
                      summary=f"switch port not configured: {reason}")  # fmt: skip
        return
    cabling.update_switch_port(session, port, _port_values(service))
