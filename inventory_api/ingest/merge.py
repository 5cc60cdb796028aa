"""Merging two assets that turn out to be one machine: identifiers, collectors and inventory move; history stays."""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset, AssetIdentifier
from inventory_api.db import utcnow
from inventory_api.errors import Conflict
from inventory_api.history.service import Cause, current_actor, record_change
from inventory_api.ingest.models import Collector, InventoryState
from inventory_api.inventory import models as m
from inventory_api.software.models import Installation

#: Tables holding one asset's reported inventory.
INVENTORY_TABLES = (
    m.Cpu, m.MemoryModule, m.Disk, m.Volume, m.Gpu, m.NetworkInterface, m.IpAddress, m.LldpNeighbor, m.Battery,
    m.Peripheral, m.SystemFacts, m.SecurityPosture, Installation,
)  # fmt: skip


def _newer(gone: InventoryState | None, kept: InventoryState | None) -> bool:
    """Whether the duplicate's inventory is the more recent one."""
    if gone is None or gone.last_received_at is None:
        return False
    if kept is None or kept.last_received_at is None:
        return True
    return gone.last_received_at > kept.last_received_at


def merge_assets(session: Session, survivor: Asset, duplicate: Asset) -> Asset:
    """Fold `duplicate` into `survivor`; the newer inventory wins and the duplicate is soft-deleted."""
    if survivor.id == duplicate.id:
        raise Conflict("an asset cannot be merged into itself", code="merge_self")
    cause = Cause("merge", str(duplicate.id))
    kept, gone = session.get(InventoryState, survivor.id), session.get(InventoryState, duplicate.id)
    newer = _newer(gone, kept)
    for table in INVENTORY_TABLES:
        loser = survivor.id if newer else duplicate.id
        session.execute(delete(table).where(table.asset_id == loser))
        if newer:
            session.execute(update(table).where(table.asset_id == duplicate.id).values(asset_id=survivor.id))
    if newer:
        if kept is not None:
            session.delete(kept)
            session.flush()
        session.execute(
            update(InventoryState).where(InventoryState.asset_id == duplicate.id).values(asset_id=survivor.id)
        )
    elif gone is not None:
        session.delete(gone)
    session.flush()
    session.execute(
        update(InventoryState)
        .where(InventoryState.asset_id == survivor.id)
        .values(section_hashes={}, identity_hash=None)
    )  # the next report is sent in full and re-checked against the merged identifiers
    session.execute(
        update(AssetIdentifier).where(AssetIdentifier.asset_id == duplicate.id).values(asset_id=survivor.id)
    )
    session.execute(update(Collector).where(Collector.asset_id == duplicate.id).values(asset_id=survivor.id))
    session.execute(
        update(m.PeripheralLink).where(m.PeripheralLink.host_id == duplicate.id).values(host_id=survivor.id)
    )
    session.execute(update(Asset).where(Asset.parent_id == duplicate.id).values(parent_id=survivor.id))
    if survivor.last_seen is None or (duplicate.last_seen and duplicate.last_seen > survivor.last_seen):
        survivor.last_seen = duplicate.last_seen
    if duplicate.first_seen and (survivor.first_seen is None or duplicate.first_seen < survivor.first_seen):
        survivor.first_seen = duplicate.first_seen
    actor = current_actor(session)
    duplicate.deleted_at, duplicate.deleted_by = utcnow(), actor.name or actor.id or actor.type
    duplicate.version += 1
    survivor.version += 1
    name = duplicate.name or duplicate.hostname or str(duplicate.id)
    record_change(
        session,
        "asset",
        survivor.id,
        "merged",
        summary=f"merged with {name}",
        changes={"merged_from": [None, str(duplicate.id)]},
        cause=cause,
    )
    record_change(
        session,
        "asset",
        duplicate.id,
        "merged_into",
        summary=f"merged into {survivor.name or survivor.id}",
        changes={"merged_into": [None, str(survivor.id)]},
        cause=cause,
    )
    session.flush()
    return survivor
