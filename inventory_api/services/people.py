"""A person's page (assets, services, the path of each) and what to reclaim when they leave."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset
from inventory_api.assignments.models import Assignment
from inventory_api.cabling import paths
from inventory_api.cabling.registry import Sites
from inventory_api.history.service import record_change
from inventory_api.people.models import Person
from inventory_api.services import service as services
from inventory_api.services.models import Service


def _assets(session: Session, person: Person, sites: Sites) -> list[Asset]:
    stmt = select(Asset).where(Asset.assigned_person_id == person.id, Asset.deleted_at.is_(None))
    if sites is not None:
        stmt = stmt.where(Asset.site_id.in_(sites))
    return list(session.scalars(stmt.order_by(Asset.kind, Asset.name)))


def _services(session: Session, person: Person, sites: Sites, *, live_only: bool = False) -> list[Service]:
    stmt = services.services_query(sites, person_id=person.id)
    if live_only:
        stmt = stmt.where(Service.status != "disconnected")
    return list(session.scalars(stmt.order_by(Service.type, Service.number)))


def checkouts(session: Session, person: Person, sites: Sites) -> list[Assignment]:
    stmt = select(Assignment).where(Assignment.person_id == person.id, Assignment.checked_in_at.is_(None))
    if sites is not None:
        stmt = stmt.where(Assignment.site_id.in_(sites))
    return list(session.scalars(stmt.order_by(Assignment.checked_out_at)))


def overview(session: Session, person: Person, sites: Sites = None) -> dict[str, Any]:
    """Everything a support technician needs on one page: assets with their path, services, check-outs."""
    assets = _assets(session, person, sites)
    asset_rows = []
    for asset in assets:
        (path,) = paths.paths_for_asset(session, asset)
        asset_rows.append({"asset": asset, "path": path})
    return {
        "person": person,
        "assets": asset_rows,
        "services": [services.read_fields(session, s) for s in _services(session, person, sites)],
        "checkouts": checkouts(session, person, sites),
    }


def offboard(
    session: Session,
    person: Person,
    *,
    disconnect_services: bool,
    sites: Sites = None,
    quarantine_days: int = 90,
) -> dict[str, Any]:
    """A leaver: list everything to reclaim; optionally disconnect their services (numbers go to quarantine)."""
    live = _services(session, person, sites, live_only=True)
    disconnected = []
    if disconnect_services:
        # What points at an extension (its DID, voicemail) goes first, so that the extension is free to go.
        for service in sorted(live, key=lambda s: s.type == "extension"):
            services.update_service(session, service, {"status": "disconnected"}, sites=sites,
                                    quarantine_days=quarantine_days)  # fmt: skip
            disconnected.append(service.id)
        record_change(session, "person", person.id, "offboarded",
                      summary=f"leaver: {len(disconnected)} service(s) disconnected")  # fmt: skip
    return {
        "person": person,
        "assets": _assets(session, person, sites),
        "checkouts": checkouts(session, person, sites),
        "services": [services.read_fields(session, s) for s in live],
        "disconnected_service_ids": disconnected,
        "quarantined_numbers": [
            s.number for s in live if s.id in disconnected and s.type in ("extension", "did")
        ],
    }
