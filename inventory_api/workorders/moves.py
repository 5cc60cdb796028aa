"""A move order carries what hangs on the assets it moves: their services' rooms, their data ports' jacks, the
DIDs and voicemail of a moved extension, and the emergency state of every number concerned."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset
from inventory_api.cabling.models import AssetConnection
from inventory_api.services import emergency
from inventory_api.services import service as services
from inventory_api.services.dependents import dependents_of
from inventory_api.services.models import Service, ServiceAsset
from inventory_api.workorders.models import WorkOrder, WorkOrderItem


@dataclass
class Before:
    """Where the order's assets and services were before its items were applied."""

    asset_rooms: dict[uuid.UUID, uuid.UUID | None] = field(default_factory=dict)
    asset_jacks: dict[uuid.UUID, uuid.UUID | None] = field(default_factory=dict)
    service_rooms: dict[uuid.UUID, uuid.UUID | None] = field(default_factory=dict)


def snapshot(session: Session, items: list[WorkOrderItem]) -> Before:
    before = Before()
    for item in items:
        if item.subject_type == "asset" and item.action == "move_asset":
            asset = session.get_one(Asset, item.subject_id)
            connection = session.get(AssetConnection, asset.id)
            before.asset_rooms[asset.id] = asset.location_id
            before.asset_jacks[asset.id] = connection.jack_id if connection else None
        elif item.subject_type == "service":
            before.service_rooms[item.subject_id] = session.get_one(Service, item.subject_id).location_id
    return before


def _live(stmt):
    return stmt.where(Service.status != "disconnected", Service.deleted_at.is_(None))


def carry(
    session: Session, order: WorkOrder, items: list[WorkOrderItem], before: Before, *, quarantine_days: int
) -> None:
    """After the items of an order were applied: in a move order, what was in a moved asset's old room goes with
    it (a service that follows its device already does); in any order, the numbers concerned are recomputed."""
    named = {item.subject_id for item in items if item.subject_type == "service"}
    moved: dict[uuid.UUID, tuple[uuid.UUID | None, uuid.UUID | None]] = {
        service_id: (old, session.get_one(Service, service_id).location_id)
        for service_id, old in before.service_rooms.items()
    }

    def move(service: Service, values: dict) -> None:  # the order is the cause: resolve_actions sets it
        services.update_service(session, service, values, quarantine_days=quarantine_days)

    if order.kind == "move":
        for asset_id, old_room in before.asset_rooms.items():
            asset = session.get_one(Asset, asset_id)
            if asset.location_id == old_room:
                continue
            using = select(ServiceAsset.service_id).where(ServiceAsset.asset_id == asset_id)
            for service in session.scalars(_live(select(Service).where(Service.id.in_(using)))):
                if _left_behind(service, old_room, named):
                    moved[service.id] = (old_room, asset.location_id)
                    move(service, {"location_id": asset.location_id})
            _carry_data_ports(session, asset, before.asset_jacks.get(asset_id), named, move)
        for service_id, (old_room, new_room) in list(moved.items()):
            extension = session.get_one(Service, service_id)
            for dependent in dependents_of(session, extension):
                if _left_behind(dependent, old_room, named):
                    moved[dependent.id] = (old_room, new_room)
                    move(dependent, {"location_id": new_room})
    emergency.refresh_numbers(session, asset_ids=list(before.asset_rooms), service_ids=list(moved))


def _left_behind(service: Service, old_room: uuid.UUID | None, named: set[uuid.UUID]) -> bool:
    """A service in its own room, the one a moved asset left, and not moved by an item of its own."""
    return service.id not in named and old_room is not None and service.location_id == old_room


def _carry_data_ports(session: Session, asset: Asset, old_jack_id, named, move) -> None:
    """A data port on the jack the asset left goes to the jack it was plugged into (its VLAN with it)."""
    connection = session.get(AssetConnection, asset.id)
    new_jack_id = connection.jack_id if connection else None
    if old_jack_id is None or new_jack_id is None or old_jack_id == new_jack_id:
        return
    stmt = select(Service).where(Service.type == "data_port", Service.site_id == asset.site_id)
    for service in session.scalars(_live(stmt)):
        if service.id not in named and service.details.get("jack_id") == str(old_jack_id):
            move(service, {"details": {**service.details, "jack_id": str(new_jack_id)}})
