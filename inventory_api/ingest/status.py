"""The status section: written to the asset's current-status row, with history only when a threshold is crossed."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from inventory_api.history.service import record_change


def full_volumes(volumes: list[Any], percent: int) -> dict[str, int]:
    """Mount point → percent used, for the volumes over the threshold."""
    out: dict[str, int] = {}
    for v in volumes:
        if v.size_bytes and v.free_bytes is not None and v.size_bytes > 0:
            used = round(100 * (v.size_bytes - v.free_bytes) / v.size_bytes)
            if used >= percent:
                out[v.mount_point] = used
    return out


def status_values(report: Any) -> dict[str, Any]:
    """The status section as the columns of the asset's status row (report errors included)."""
    status = report.status
    return {
        "uptime_seconds": status.uptime_seconds, "logged_in_user": status.logged_in_user,
        "logged_in_users": list(status.logged_in_users), "battery_percent": status.battery_percent,
        "battery_charging": status.battery_charging, "on_ac_power": status.on_ac_power,
        "ip_addresses": list(status.ip_addresses),
        "volumes": [
            {"mount_point": v.mount_point, "size_bytes": v.size_bytes, "free_bytes": v.free_bytes}
            for v in status.volumes
        ],
        "errors": [
            {"section": e.section, "source": e.source, "message": e.message[:500]} for e in report.errors[:50]
        ],
    }  # fmt: skip


def status_history(
    session: Session, asset_id: Any, before: list[str], report: Any, settings: Any
) -> list[str]:
    """History when a volume crosses the threshold ("disk / 93 % full", and back under it); the mount points now
    over it."""
    over = full_volumes(report.status.volumes, settings.disk_full_percent)
    known = set(before)
    for mount, used in sorted(over.items()):
        if mount not in known:
            record_change(
                session,
                "asset",
                asset_id,
                "disk_full",
                summary=f"disk {mount} {used} % full",
                changes={"volume": mount, "used_percent": [None, used]},
            )
    for mount in sorted(known - over.keys()):
        record_change(
            session,
            "asset",
            asset_id,
            "disk_ok",
            summary=f"disk {mount} back under {settings.disk_full_percent} %",
            changes={"volume": mount},
        )
    return sorted(over)
