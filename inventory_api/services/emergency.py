"""Emergency calling: the dispatchable location of every extension and DID, and when it is out of date.

Kari's Law and RAY BAUM'S Act ask a multi-line telephone system to send a 911 call a dispatchable location: the
civic address plus building, floor and room. Ours is the room of the service (or of its phone) and its site.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset
from inventory_api.cabling.models import AssetConnection, Jack
from inventory_api.cabling.registry import Sites, location_chain
from inventory_api.db import utcnow
from inventory_api.events.service import emit_event
from inventory_api.history.service import plain, record_change
from inventory_api.services.models import NUMBER_TYPES, Service, ServiceAsset

PHONE_KINDS = ("ip_phone", "ata", "video_unit", "analog_phone")
STALE = "emergency location out of date"
DEFERRED = "emergency_refresh_deferred"


def _phones(session: Session, service: Service) -> list[Asset]:
    stmt = (
        select(Asset)
        .join(ServiceAsset, ServiceAsset.asset_id == Asset.id)
        .where(ServiceAsset.service_id == service.id, Asset.kind.in_(PHONE_KINDS), Asset.deleted_at.is_(None))
    )
    return list(session.scalars(stmt))


def _extension_of(session: Session, service: Service) -> Service | None:
    """The extension a DID rings."""
    if service.type != "did":
        return None
    stmt = select(Service).where(
        Service.type == "extension", Service.site_id == service.site_id,
        Service.number == service.details.get("extension"), Service.status != "disconnected",
        Service.deleted_at.is_(None),
    )  # fmt: skip
    return session.scalar(stmt)


def recorded_room(session: Session, service: Service) -> uuid.UUID | None:
    """The room a number is recorded in: its own, its phone's, or (a DID) its extension's."""
    if service.location_id is not None:
        return service.location_id
    for phone in _phones(session, service):
        if phone.location_id is not None:
            return phone.location_id
    extension = _extension_of(session, service)
    return recorded_room(session, extension) if extension is not None else None


def dispatchable_location(session: Session, service: Service) -> dict[str, Any]:
    """Civic address, building, floor and room of a number, and whether it is ok, missing or stale."""
    room_id = recorded_room(session, service)
    chain = location_chain(session, room_id) if room_id else []
    by_kind = {loc.kind: loc for loc in chain}
    site = chain[0] if chain else None
    leaf = chain[-1] if chain and chain[-1].kind not in ("site", "building", "floor") else None
    stale = service.emergency_location_stale or bool(
        (extension := _extension_of(session, service)) and extension.emergency_location_stale
    )
    complete = site is not None and bool(site.address) and leaf is not None
    return {
        "service_id": service.id,
        "type": service.type,
        "number": service.number,
        "person_id": service.person_id,
        "location_id": room_id,
        "address": site.address if site else None,
        "city": site.city if site else None,
        "region": site.region if site else None,
        "postal_code": site.postal_code if site else None,
        "country": site.country if site else None,
        "building": by_kind["building"].name if "building" in by_kind else None,
        "floor": by_kind["floor"].name if "floor" in by_kind else None,
        "room": leaf.name if leaf else None,
        "state": "stale" if stale else ("ok" if complete else "missing"),
        "stale_detail": service.emergency_detail if service.emergency_location_stale else None,
    }


def number_services_query(sites: Sites) -> Select[Any]:
    stmt = select(Service.id).where(
        Service.type.in_(NUMBER_TYPES), Service.status != "disconnected", Service.deleted_at.is_(None)
    )
    return stmt.where(Service.site_id.in_(sites)) if sites is not None else stmt


def iter_emergency_locations(
    session: Session, sites: Sites, *, state: str | None = None, chunk: int = 500, release: bool = False
) -> Iterator[dict[str, Any]]:
    """Every live extension and DID with its dispatchable location, by number; `state` keeps ok, missing, stale
    or `problem` (missing or stale). Read a chunk at a time; with `release` (a session of its own) the records
    read are let go after each chunk, so a long export does not pile up in memory."""
    ids = list(session.scalars(number_services_query(sites).order_by(Service.number, Service.id)))
    for start in range(0, len(ids), chunk):
        order = {service_id: i for i, service_id in enumerate(ids[start : start + chunk])}
        batch = sorted(
            session.scalars(select(Service).where(Service.id.in_(order))), key=lambda s: order[s.id]
        )
        for service in batch:
            row = dispatchable_location(session, service)
            if state is None or row["state"] == state or (state == "problem" and row["state"] != "ok"):
                yield row
        if release:
            session.expunge_all()


def emergency_locations(session: Session, sites: Sites, *, state: str | None = None) -> list[dict[str, Any]]:
    return list(iter_emergency_locations(session, sites, state=state))


def _mark(session: Session, service: Service, stale: bool, detail: dict[str, Any] | None) -> None:
    if service.emergency_location_stale == stale and (not stale or service.emergency_detail == detail):
        return
    changes = {"emergency_location_stale": [service.emergency_location_stale, stale]}
    service.emergency_location_stale, service.emergency_detail = stale, detail if stale else None
    service.version += 1
    summary = f"{service.number}: {STALE}" if stale else f"{service.number}: emergency location confirmed"
    record_change(session, "service", service.id, "flagged" if stale else "unflagged", changes=changes,
                  summary=summary)  # fmt: skip
    emit_event(session, "service.changed", "service", service.id,
               {"id": str(service.id), "type": service.type, "number": service.number, "changes": changes})  # fmt: skip


def _seen_jack(session: Session, service: Service) -> tuple[Jack, Asset] | None:
    """The jack the phone of a number (or, a DID without a phone, of its extension) is plugged into."""
    phones = _phones(session, service)
    if not phones and (extension := _extension_of(session, service)) is not None:
        phones = _phones(session, extension)
    for phone in phones:
        connection = session.get(AssetConnection, phone.id)
        jack = session.get(Jack, connection.jack_id) if connection and connection.jack_id else None
        if jack is not None and jack.deleted_at is None:
            return jack, phone
    return None


def refresh_number(session: Session, service: Service) -> None:
    """Recompute whether a number's recorded room is out of date: its phone is plugged in (by hand or as LLDP
    saw it) at a jack in another room. No known jack is no evidence either way: the flag goes."""
    if service.type not in NUMBER_TYPES or service.status == "disconnected" or service.deleted_at is not None:
        return
    seen = _seen_jack(session, service)
    room_id = recorded_room(session, service)
    if seen is None or seen[0].room_id == room_id:
        _mark(session, service, False, None)
        return
    jack, phone = seen
    detail = {"recorded_location_id": plain(room_id), "seen_location_id": plain(jack.room_id),
              "jack": jack.label, "phone_asset_id": str(phone.id), "seen_at": plain(utcnow())}  # fmt: skip
    _mark(session, service, True, detail)


def numbers_of(session: Session, *, asset_ids: Iterable[uuid.UUID] = (),
               service_ids: Iterable[uuid.UUID] = ()) -> list[Service]:  # fmt: skip
    """The live numbers whose emergency location hangs on these assets or services: the numbers using the assets,
    the services themselves, and the DIDs ringing any of those extensions."""
    asset_ids, service_ids = list(asset_ids), list(service_ids)
    stmt = select(Service).where(
        Service.type.in_(NUMBER_TYPES), Service.status != "disconnected", Service.deleted_at.is_(None)
    )
    found: dict[uuid.UUID, Service] = {}
    if asset_ids:
        using = select(ServiceAsset.service_id).where(ServiceAsset.asset_id.in_(asset_ids))
        found |= {s.id: s for s in session.scalars(stmt.where(Service.id.in_(using)))}
    if service_ids:
        found |= {s.id: s for s in session.scalars(stmt.where(Service.id.in_(service_ids)))}
    extensions = [(s.site_id, s.number) for s in found.values() if s.type == "extension"]
    for site_id, number in extensions:
        dids = stmt.where(Service.type == "did", Service.site_id == site_id)
        found |= {s.id: s for s in session.scalars(dids) if s.details.get("extension") == number}
    return sorted(found.values(), key=lambda s: (s.type, s.number or ""))


def refresh_numbers(session: Session, *, asset_ids: Iterable[uuid.UUID] = (),
                    service_ids: Iterable[uuid.UUID] = ()) -> None:  # fmt: skip
    """Recompute the emergency state of every number a change to these assets or services can move."""
    deferred = session.info.get(DEFERRED)
    if deferred is not None:
        deferred[0].update(asset_ids)
        deferred[1].update(service_ids)
        return
    session.flush()
    for service in numbers_of(session, asset_ids=asset_ids, service_ids=service_ids):
        refresh_number(session, service)


@contextmanager
def refresh_once(session: Session) -> Iterator[None]:
    """Recompute the numbers concerned once, after a set of changes (a work order's items), not after each: a
    phone moved before its extension must not flag the extension on the way."""
    if DEFERRED in session.info:
        yield
        return
    session.info[DEFERRED] = (set(), set())
    try:
        yield
    finally:
        asset_ids, service_ids = session.info.pop(DEFERRED)
    refresh_numbers(session, asset_ids=asset_ids, service_ids=service_ids)


def check_numbers_location(session: Session, asset: Asset, jack: Jack) -> None:
    """A phone seen at a jack outside its numbers' recorded room flags those numbers; back in place clears them."""
    if asset.kind in PHONE_KINDS:
        refresh_numbers(session, asset_ids=[asset.id])


def confirm_location(session: Session, service: Service, location_id: uuid.UUID | None) -> Service:
    """A technician confirms (or corrects) the room of a number: the stale flag goes."""
    if location_id is not None and location_id != service.location_id:
        record_change(session, "service", service.id, "updated",
                      changes={"location_id": [plain(service.location_id), plain(location_id)]})  # fmt: skip
        service.location_id = location_id
    _mark(session, service, False, None)
    return service
