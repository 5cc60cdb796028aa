"""The status section from psutil, the same on Windows and macOS; platform facts are added by the caller."""

from __future__ import annotations

import time
from collections.abc import Callable

import psutil

from collector.platforms.common import (
    attempt,
    battery_status,
    interface_addresses,
    logged_in_users,
    status_ip_addresses,
    volume_usage,
)
from collector.report import ReportError, Status


def psutil_status(errors: list[ReportError], *, keep_mount: Callable[[str, str, str], bool]) -> Status:
    """Uptime, users, volume usage, battery and current IPs; `keep_mount(mount, fstype, opts)` filters volumes."""
    boot = attempt(errors, "status", "psutil.boot_time", psutil.boot_time, None)
    users = attempt(errors, "status", "psutil.users", logged_in_users, [])
    partitions = attempt(errors, "status", "psutil.disk_partitions", psutil.disk_partitions, [])
    mounts = [part.mountpoint for part in partitions if keep_mount(part.mountpoint, part.fstype, part.opts)]
    percent, plugged = attempt(errors, "status", "psutil.sensors_battery", battery_status, (None, None))
    addresses = attempt(errors, "status", "psutil.net_if_addrs", interface_addresses, {})
    return Status(
        uptime_seconds=int(time.time() - boot) if boot else None,
        logged_in_user=users[0] if len(users) == 1 else None,
        logged_in_users=users,
        volumes=attempt(errors, "status", "psutil.disk_usage", lambda: volume_usage(mounts), []),
        battery_percent=percent,
        battery_charging=None,
        on_ac_power=plugged,
        ip_addresses=status_ip_addresses(address for group in addresses.values() for address in group),
    )


def keep_windows_mount(mount: str, fstype: str, opts: str) -> bool:
    """Local fixed and removable drives; optical drives and empty card readers have no file system."""
    return bool(fstype) and "cdrom" not in opts
