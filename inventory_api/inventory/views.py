"""Reading a machine's inventory back, and the stale machines."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset
from inventory_api.auth.service import Principal
from inventory_api.db import utcnow
from inventory_api.ingest.flags import flag_asset
from inventory_api.ingest.models import Collector, InventoryState
from inventory_api.inventory import models as m
from inventory_api.software.models import Installation


def _rows(session: Session, model: Any, asset_id: uuid.UUID) -> list[Any]:
    return list(session.scalars(select(model).where(model.asset_id == asset_id).order_by(model.key)))


def inventory_of(session: Session, asset: Asset) -> dict[str, Any]:
    """The asset's reported hardware, network, peripherals, security posture, status and software count."""
    state = session.get(InventoryState, asset.id)
    status = None
    free = {}
    if state is not None:
        free = {v["mount_point"]: v.get("free_bytes") for v in state.volumes or []}
        collector = session.scalar(
            select(Collector.collector_version).where(
                Collector.asset_id == asset.id, Collector.revoked_at.is_(None)
            )
        )
        status = {
            **{c: getattr(state, c) for c in ("uptime_seconds", "logged_in_user", "logged_in_users", "battery_percent",
                                              "on_ac_power", "ip_addresses", "volumes", "full_volumes", "errors",
                                              "last_collected_at", "clock_skew_seconds")},
            "last_report_at": state.last_received_at, "collector_version": collector,
        }  # fmt: skip
    addresses: dict[str | None, list[Any]] = {}
    for address in _rows(session, m.IpAddress, asset.id):
        addresses.setdefault(address.interface, []).append(address)
    interfaces = [
        {**{c.name: getattr(nic, c.name) for c in m.NetworkInterface.__table__.columns}, "addresses": addresses.get(nic.name, [])}
        for nic in _rows(session, m.NetworkInterface, asset.id)
    ]  # fmt: skip
    volumes = [
        {
            **{c.name: getattr(v, c.name) for c in m.Volume.__table__.columns},
            "free_bytes": free.get(v.mount_point),
        }
        for v in _rows(session, m.Volume, asset.id)
    ]
    links = {
        link.peripheral_id: link
        for link in session.scalars(select(m.PeripheralLink).where(m.PeripheralLink.host_id == asset.id))
    }
    linked = session.scalars(
        select(Asset)
        .where(Asset.parent_id == asset.id, Asset.deleted_at.is_(None))
        .order_by(Asset.kind, Asset.name)
    )
    peripherals = [
        {"id": p.id, "kind": p.kind, "name": p.name, "serial": p.serial,
         "missing_since": links[p.id].missing_since if p.id in links else None}
        for p in linked
    ]  # fmt: skip
    return {
        "asset_id": asset.id, "last_seen": asset.last_seen, "system": session.get(m.SystemFacts, asset.id),
        "cpus": _rows(session, m.Cpu, asset.id), "memory_modules": _rows(session, m.MemoryModule, asset.id),
        "disks": _rows(session, m.Disk, asset.id), "volumes": volumes, "gpus": _rows(session, m.Gpu, asset.id),
        "interfaces": interfaces, "lldp_neighbors": _rows(session, m.LldpNeighbor, asset.id),
        "batteries": _rows(session, m.Battery, asset.id), "devices": _rows(session, m.Peripheral, asset.id),
        "peripherals": peripherals, "security": session.get(m.SecurityPosture, asset.id), "status": status,
        "software_count": session.scalar(select(func.count()).select_from(Installation).where(Installation.asset_id == asset.id)),
    }  # fmt: skip


def stale_cutoff(days: int, now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(days=days)


def stale_assets_query(principal: Principal | None, cutoff: datetime) -> Select[Any]:
    """Live reporting machines not seen since `cutoff`, on the caller's sites."""
    stmt = (
        select(Asset)
        .join(InventoryState, InventoryState.asset_id == Asset.id)
        .where(
            Asset.deleted_at.is_(None), Asset.last_seen < cutoff, Asset.status.not_in(("retired", "disposed"))
        )
    )
    if principal is not None and principal.site_ids is not None:
        stmt = stmt.where(Asset.site_id.in_(principal.site_ids))
    return stmt


def flag_stale_assets(session: Session, principal: Principal | None, cutoff: datetime) -> int:
    """Open a "stale" flag on every stale machine (those flagged already keep their flag)."""
    count = 0
    for asset in session.scalars(stale_assets_query(principal, cutoff)):
        flag_asset(
            session,
            asset.id,
            "stale",
            {"last_seen": asset.last_seen.isoformat() if asset.last_seen else None},
        )
        count += 1
    return count
