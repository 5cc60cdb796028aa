"""Sources shared by every platform: psutil facts, time and MAC formatting, the per-source error boundary."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
import socket
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from collector.report import IpAddress, ReportError, VolumeUsage

T = TypeVar("T")

_JUNK_MACS = {"00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff"}


def attempt(errors: list[ReportError], section: str, source: str, func: Callable[[], T], default: T) -> T:
    """Run one source; a failure becomes an error entry and the default is returned."""
    try:
        return func()
    except Exception as exc:  # the per-source boundary: every failure is reported, none is fatal
        errors.append(ReportError(section=section, source=source, message=f"{type(exc).__name__}: {exc}"))
        return default


def iso_utc(timestamp: float | None) -> str | None:
    """Seconds since the epoch as ISO 8601 UTC with a Z, to the second."""
    if timestamp is None:
        return None
    moment = dt.datetime.fromtimestamp(int(timestamp), tz=dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def format_mac(value: str | None) -> str | None:
    """A MAC address in lowercase colon form, or None for empty, all-zero and broadcast values."""
    if not value:
        return None
    digits = value.strip().lower().replace("-", "").replace(":", "").replace(".", "")
    if len(digits) != 12 or any(c not in "0123456789abcdef" for c in digits):
        return None
    mac = ":".join(digits[i : i + 2] for i in range(0, 12, 2))
    return None if mac in _JUNK_MACS else mac


def prefix_length(netmask: str | None) -> int | None:
    """The prefix length of a netmask (dotted IPv4, colon IPv6, or already a length such as WMI's "64")."""
    if not netmask:
        return None
    if netmask.isdigit():
        return int(netmask) if int(netmask) <= 128 else None
    try:
        mask = ipaddress.ip_address(netmask)
    except ValueError:
        return None
    value, width = int(mask), mask.max_prefixlen
    ones = bin(value).count("1")
    return ones if value == ((1 << ones) - 1) << (width - ones) else None


def interface_addresses() -> dict[str, list[IpAddress]]:
    """Every IPv4 and IPv6 address of every interface, with its prefix length (psutil)."""
    import psutil  # imported on use: Linux gathers without it (13 ms of every run)

    result: dict[str, list[IpAddress]] = {}
    for name, entries in psutil.net_if_addrs().items():
        addresses = result.setdefault(name, [])
        for entry in entries:
            if entry.family not in (socket.AF_INET, socket.AF_INET6):
                continue
            family = "ipv4" if entry.family == socket.AF_INET else "ipv6"
            address = entry.address.split("%", 1)[0]
            prefix = prefix_length(entry.netmask)
            addresses.append(IpAddress(address=address, prefix_length=prefix, family=family))
    return result


def status_ip_addresses(addresses: Iterable[IpAddress]) -> list[str]:
    """The current addresses worth showing: everything but loopback, sorted."""
    found = {a.address for a in addresses if not ipaddress.ip_address(a.address).is_loopback}
    return sorted(found)


def volume_usage(mount_points: Iterable[str]) -> list[VolumeUsage]:
    """Size and free space of mounted volumes (statvfs)."""
    import psutil  # imported on use: Linux gathers without it (13 ms of every run)

    result = []
    for mount_point in mount_points:
        try:
            usage = psutil.disk_usage(mount_point)
        except OSError:
            continue  # unmounted between listing and statvfs, or an unreadable automount
        result.append(VolumeUsage(mount_point=mount_point, size_bytes=usage.total, free_bytes=usage.free))
    return result


def logged_in_users() -> list[str]:
    """Names of the users with a session, without terminals, hosts or times."""
    import psutil  # imported on use: Linux gathers without it (13 ms of every run)

    return sorted({user.name for user in psutil.users() if user.name})


def hostname() -> str | None:
    """The short host name."""
    name = socket.gethostname()
    return name.split(".", 1)[0] or None


def battery_status() -> tuple[float | None, bool | None]:
    """Battery charge in percent and whether on AC power, when there is a battery."""
    import psutil  # imported on use: Linux gathers without it (13 ms of every run)

    battery = psutil.sensors_battery() if hasattr(psutil, "sensors_battery") else None
    if battery is None:
        return None, None
    return round(float(battery.percent), 1), bool(battery.power_plugged)


def cpu_count() -> int | None:
    """Logical processors."""
    return os.cpu_count()


CPUINFO_FACTS = (
    "brand_raw",
    "vendor_id_raw",
    "hz_advertised",
    "arch",
    "count",
    "family",
    "model",
    "stepping",
)


def cache_dir() -> Path:
    """Where py-cpuinfo facts are cached: $INVENTORY_COLLECTOR_CACHE_DIR, else a per-user or system dir."""
    configured = os.environ.get("INVENTORY_COLLECTOR_CACHE_DIR")
    if configured:
        return Path(configured)
    if os.name == "nt":
        return Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / "inventory-collector" / "cache"
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return Path("/var/cache/inventory-collector")
    return Path.home() / ".cache" / "inventory-collector"


def cached_cpuinfo(boot_key: str, directory: Path | None = None) -> dict[str, Any]:
    """py-cpuinfo's facts (1.2 s to compute), cached until the next boot; the only cache the collector keeps."""
    path = (directory or cache_dir()) / "cpuinfo.json"
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
        if cached.get("boot_key") == boot_key:
            return cached["facts"]
    except (OSError, ValueError, KeyError, AttributeError):
        pass  # no cache yet, or a stale / damaged one: recompute below
    import cpuinfo

    info = cpuinfo.get_cpu_info()
    facts = {key: info.get(key) for key in CPUINFO_FACTS}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"boot_key": boot_key, "facts": facts}), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only cache directory only costs time on the next run
    return facts
