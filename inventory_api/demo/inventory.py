"""What the collectors reported: system facts, security posture, volumes and installed software of each computer,
with a realistic spread of titles and versions and some machines out of standard."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from inventory_api.demo.context import Demo, Person, history
from inventory_api.demo.vocab import OPERATING_SYSTEMS, OS_SUPPORT, SOFTWARE
from inventory_api.history.models import ChangeEvent
from inventory_api.ingest.models import InventoryState
from inventory_api.inventory.models import SecurityPosture, SystemFacts
from inventory_api.software.models import Installation, SoftwareTitle, SoftwareVersion
from inventory_api.software.normalize import catalog_key
from inventory_api.workorders.models import OsSupportDate

GIB = 1024**3
#: Shares of reporting computers out of standard, each check on its own.
ENCRYPTION_OFF, FIREWALL_OFF, PROTECTION_OFF, LOW_MEMORY, DISK_FULL, NOT_SEEN = (
    0.04,
    0.03,
    0.02,
    0.08,
    0.05,
    0.05,
)
#: Computers without a collector (never reported).
NO_COLLECTOR = 0.04


def make_software(demo: Demo, session: Session) -> None:
    """The software catalog (titles and versions by their catalog keys) and the OS support dates."""
    for name, publisher, families, share, versions, system, department in SOFTWARE:
        keys = [catalog_key(name, v, publisher) for v in versions]
        title = SoftwareTitle(id=demo.uuid(), key=keys[0].title_key, name=keys[0].name, publisher=keys[0].publisher,
                              created_at=demo.now - timedelta(days=400))  # fmt: skip
        session.add(title)
        rows = [SoftwareVersion(key=k.version_key, title_id=title.id, version=k.version) for k in keys]
        session.add_all(rows)
        session.flush()
        demo.software[name] = (
            title.id,
            [(r.id, r.version) for r in rows],
            families,
            share,
            system,
            department,
        )
    for os_name, version, end in OS_SUPPORT:
        session.add(OsSupportDate(id=demo.uuid(), os_name=os_name, os_version=version, end_of_support=end,
                                  source="vendor lifecycle pages"))  # fmt: skip
    session.flush()


def last_seen(demo: Demo) -> datetime | None:
    """When a computer last reported: within the hour mostly, weeks ago for some, never for a few."""
    draw = demo.rng.random()
    if draw < NO_COLLECTOR:
        return None
    if draw < NO_COLLECTOR + NOT_SEEN:
        return demo.days_ago(31, 75)
    return demo.now - timedelta(minutes=demo.rng.uniform(1, 600))


def describe(
    demo: Demo, asset: uuid.UUID, *, kind: str, model: str, person: Person, host: str, bought: date,
    seen: datetime | None,
) -> None:  # fmt: skip
    """The rows a collector's reports leave for one computer (none when it never reported)."""
    if seen is None:
        return
    rng = demo.rng
    family, os_name, version, build, _ = demo.pick([(o, o[-1]) for o in OPERATING_SYSTEMS])
    if model.startswith("MacBook"):
        family, os_name, version, build = "macos", "macOS", "14.6", "23G80"
    elif family == "macos":
        family, os_name, version, build = "windows", "Windows 11 Pro", "23H2", "22631"
    memory = 4 if rng.random() < LOW_MEMORY else rng.choice((8, 16, 16, 16, 32))
    demo.add(SystemFacts, {
        "asset_id": asset, "os_family": family, "os_name": os_name, "os_version": version, "os_build": build,
        "architecture": "arm64" if family == "macos" else "x86_64", "manufacturer": demo.models[model][2],
        "product": model, "chassis_type": "Notebook" if kind == "laptop" else "Desktop",
        "bios_date": (bought - timedelta(days=rng.randint(30, 200))).isoformat(),
        "last_user": person.name.split()[0].lower(), "memory_total_bytes": memory * GIB,
        "collector_version": rng.choice(("1.4.2", "1.4.2", "1.4.1")), "details": {}, "dns_servers": [],
        "dns_search_domains": ["corp.example.org"], "gateways": [], "updated_at": seen,
    })  # fmt: skip
    size = (256 if kind == "laptop" else 512) * GIB
    used = rng.uniform(0.91, 0.99) if rng.random() < DISK_FULL else rng.uniform(0.2, 0.8)
    mount = "C:" if family == "windows" else "/"
    demo.add(InventoryState, {
        "asset_id": asset, "section_hashes": {}, "last_report_id": f"demo-{asset.hex[:12]}",
        "last_collected_at": seen, "last_received_at": seen, "next_report_at": seen + timedelta(hours=1),
        "report_count": rng.randint(50, 5000), "uptime_seconds": rng.randint(600, 900_000),
        "logged_in_user": person.name.split()[0].lower(), "logged_in_users": [], "ip_addresses": [],
        "volumes": [{"mount_point": mount, "size_bytes": size, "free_bytes": int(size * (1 - used))}],
        "full_volumes": [mount] if used >= 0.9 else [], "errors": [],
    })  # fmt: skip
    encrypted, firewall = rng.random() >= ENCRYPTION_OFF, rng.random() >= FIREWALL_OFF
    method = {"windows": "bitlocker", "macos": "filevault", "linux": "luks"}[family]
    demo.add(SecurityPosture, {
        "asset_id": asset, "firewall_enabled": firewall, "firewall_product": None, "secure_boot": family != "macos",
        "tpm_version": "2.0" if family == "windows" else None, "auto_updates": True, "pending_updates": rng.randint(0, 6),
        "disk_encryption": [{"volume": mount, "encrypted": encrypted, "method": method if encrypted else None,
                             "status": None}],
        "antivirus": [{"name": "CrowdStrike Falcon", "enabled": rng.random() >= PROTECTION_OFF, "up_to_date": True}],
        "updated_at": seen,
    })  # fmt: skip
    collector = ("collector", None, host)
    for off, line in (
        (not firewall, "firewall turned off"),
        (not encrypted, f"encryption of {mount} turned off"),
    ):
        if off:
            demo.add(ChangeEvent, history(asset, "asset", "inventory_changed", line, demo.days_ago(1, 20),
                             changes={"security": [line]}, actor=collector))  # fmt: skip
    _software(demo, asset, family, person.department, bought)


def _software(demo: Demo, asset: uuid.UUID, family: str, department: str, bought: date) -> None:
    rng, letter = demo.rng, family[0]
    age = max(1, (demo.now.date() - bought).days)
    for title_id, versions, families, share, system, only in demo.software.values():
        if letter not in families or (only and only != department) or rng.random() >= share:
            continue
        # The newest version on most machines, older ones on the rest: a realistic spread per title.
        version_id, _ = versions[0] if rng.random() < 0.6 else rng.choice(versions)
        first = demo.now - timedelta(days=rng.uniform(0, min(age, 400)))
        demo.add(Installation, _installation(asset, title_id, version_id, system, first))


def _installation(
    asset: uuid.UUID, title: uuid.UUID, version: int, system: bool, first: datetime
) -> dict[str, Any]:
    return {
        "asset_id": asset, "title_id": title, "version_id": version, "architecture": "x86_64", "scope": "system",
        "install_date": first.date().isoformat(), "source": "demo", "is_system_component": system,
        "is_update": False, "first_seen": first, "copies": 1,
    }  # fmt: skip
