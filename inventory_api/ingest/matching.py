"""Which asset a machine is: identifiers from its report, and the matching rules strongest first."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from collector.junk import clean_serial, clean_uuid
from inventory_api.assets.models import Asset, AssetIdentifier

COMPUTER_KINDS = ("desktop", "laptop", "server", "virtual_machine")
#: Identifier kinds a machine is matched by; "peripheral" identifiers belong to peripheral assets.
MACHINE_KINDS = ("smbios_uuid", "serial", "machine_id", "mac")
#: Organisationally unique ids of hypervisors' virtual NICs: never an identity.
VIRTUAL_OUIS = frozenset({
    "00:50:56", "00:0c:29", "00:05:69", "00:1c:14",  # VMware
    "08:00:27", "0a:00:27",  # VirtualBox
    "00:15:5d",  # Hyper-V
    "00:16:3e",  # Xen
    "00:1c:42",  # Parallels
    "52:54:00",  # QEMU/KVM
})  # fmt: skip
_MAC = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")
_JUNK_MACHINE_IDS = frozenset({"0" * 32, "f" * 32})


def physical_mac(value: str | None) -> str | None:
    """A MAC that identifies hardware, or None: locally administered (randomised, docker, VPN), multicast, virtual OUIs."""
    if not value:
        return None
    mac = value.strip().lower().replace("-", ":")
    if not _MAC.match(mac) or mac in ("00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff"):
        return None
    first = int(mac[:2], 16)
    if first & 0x02 or first & 0x01 or mac[:8] in VIRTUAL_OUIS:
        return None
    return mac


def serial_value(serial: str | None, manufacturer: str | None) -> str | None:
    """The serial identifier: maker's first word and the upper-cased serial ("dell:5CG1234XYZ")."""
    clean = clean_serial(serial)
    if clean is None:
        return None
    maker = re.sub(r"[^a-z0-9]", "", (manufacturer or "").split(" ")[0].lower()) if manufacturer else ""
    return f"{maker}:{clean.upper().replace(' ', '')}"


def hostname_key(hostname: str | None) -> str | None:
    """Lower-cased short host name."""
    if not hostname or not hostname.strip():
        return None
    return hostname.strip().split(".")[0].lower()[:255] or None


@dataclass
class Ids:
    """The machine identifiers of one side (a report, or a stored asset)."""

    system_uuid: str | None = None
    serial: str | None = None
    machine_id: str | None = None
    macs: set[str] = field(default_factory=set)

    def pairs(self) -> list[tuple[str, str]]:
        out = [
            (k, v)
            for k, v in (
                ("smbios_uuid", self.system_uuid),
                ("serial", self.serial),
                ("machine_id", self.machine_id),
            )
            if v
        ]
        return out + [("mac", mac) for mac in sorted(self.macs)]


def report_ids(identity: Any) -> Ids:
    """The identifiers of a report's identity, junk values dropped."""
    machine_id = (identity.machine_id or "").strip().lower().replace("-", "") or None
    if machine_id in _JUNK_MACHINE_IDS:
        machine_id = None
    return Ids(
        system_uuid=clean_uuid(identity.system_uuid), serial=serial_value(identity.serial, identity.manufacturer),
        machine_id=machine_id, macs={m for m in map(physical_mac, identity.physical_macs) if m},
    )  # fmt: skip


def stored_ids(rows: Iterable[tuple[str, str]]) -> Ids:
    ids = Ids()
    for kind, value in rows:
        if kind == "mac":
            ids.macs.add(value)
        elif kind == "smbios_uuid":
            ids.system_uuid = value
        elif kind in ("serial", "machine_id"):
            setattr(ids, kind, value)
    return ids


def _differs(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a != b


def hardware_conflict(a: Ids, b: Ids) -> bool:
    return _differs(a.system_uuid, b.system_uuid) or _differs(a.serial, b.serial)


def hardware_match(a: Ids, b: Ids) -> bool:
    return not hardware_conflict(a, b) and (
        (a.system_uuid is not None and a.system_uuid == b.system_uuid)
        or (a.serial is not None and a.serial == b.serial)
    )


def rule_allows(rule: str, report: Ids, asset: Ids) -> bool:
    """Whether `rule` may match: a weaker identifier never matches when a stronger one is on both sides and differs."""
    if rule == "hardware":
        return hardware_match(report, asset)
    if hardware_conflict(report, asset):
        return False
    disjoint_macs = bool(report.macs and asset.macs and not report.macs & asset.macs)
    if rule == "machine_id":
        # A cloned image without readable SMBIOS (unprivileged, some VMs) shares the machine id: other NICs split it.
        return report.machine_id is not None and report.machine_id == asset.machine_id and not disjoint_macs
    if _differs(report.machine_id, asset.machine_id):
        return False
    if rule == "mac":
        return bool(report.macs & asset.macs)
    if disjoint_macs:
        return False
    return rule == "hostname"


def identity_conflict(report: Ids, asset: Ids) -> bool:
    """A report that cannot come from the key's asset: other hardware, or another OS install on unknown hardware."""
    if hardware_conflict(report, asset):
        return True
    if hardware_match(report, asset):
        return False
    return _differs(report.machine_id, asset.machine_id) or bool(
        report.macs and asset.macs and not report.macs & asset.macs
    )


@dataclass(frozen=True)
class Match:
    """The asset a report names, and the rule that found it."""

    asset_id: uuid.UUID
    rule: str


RULES = ("hardware", "machine_id", "mac", "hostname")


def load_ids(session: Session, asset_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Ids]:
    """The machine identifiers of each asset."""
    rows: dict[uuid.UUID, list[tuple[str, str]]] = {a: [] for a in asset_ids}
    if rows:
        stmt = select(AssetIdentifier.asset_id, AssetIdentifier.kind, AssetIdentifier.value).where(
            AssetIdentifier.asset_id.in_(list(rows)), AssetIdentifier.kind.in_(MACHINE_KINDS)
        )
        for asset_id, kind, value in session.execute(stmt):
            rows[asset_id].append((kind, value))
    return {a: stored_ids(r) for a, r in rows.items()}


def find_match(session: Session, ids: Ids, hostname: str | None) -> Match | None:
    """The asset these identifiers name, by the strongest rule that finds exactly one; None for a new machine."""
    pairs = ids.pairs()
    candidates: set[uuid.UUID] = set()
    if pairs:
        stmt = select(AssetIdentifier.asset_id, AssetIdentifier.kind, AssetIdentifier.value).where(
            AssetIdentifier.value.in_([v for _, v in pairs])
        )
        wanted = set(pairs)
        candidates = {a for a, k, v in session.execute(stmt) if (k, v) in wanted}
    key = hostname_key(hostname)
    by_name: set[uuid.UUID] = set()
    if key:
        stmt = select(Asset.id).where(
            Asset.hostname_key == key, Asset.kind.in_(COMPUTER_KINDS), Asset.deleted_at.is_(None)
        )
        by_name = set(session.scalars(stmt.limit(20)))
    known = load_ids(session, candidates | by_name)
    for rule in RULES:
        pool = by_name if rule == "hostname" else candidates
        hits = sorted((a for a in pool if rule_allows(rule, ids, known[a])), key=str)
        if rule == "hostname" and len(hits) != 1:
            continue  # two machines with one name: a name alone cannot tell them apart
        if hits:
            return Match(hits[0], rule)
    return None


def sync_identifiers(session: Session, asset_id: uuid.UUID, ids: Ids) -> list[tuple[str, str, uuid.UUID]]:
    """Store the asset's identifiers as reported; return (kind, value, other asset) for those another asset holds."""
    stored = {(k, v) for k, v in session.execute(
        select(AssetIdentifier.kind, AssetIdentifier.value).where(AssetIdentifier.asset_id == asset_id, AssetIdentifier.kind.in_(MACHINE_KINDS))
    ).all()}  # fmt: skip
    wanted = set(ids.pairs())
    stale = stored - wanted
    if stale:
        for kind, value in stale:
            session.execute(
                delete(AssetIdentifier).where(
                    AssetIdentifier.kind == kind,
                    AssetIdentifier.value == value,
                    AssetIdentifier.asset_id == asset_id,
                )
            )
    fresh = sorted(wanted - stored)
    taken: list[tuple[str, str, uuid.UUID]] = []
    if fresh:
        owners = {
            (k, v): a for a, k, v in session.execute(
                select(AssetIdentifier.asset_id, AssetIdentifier.kind, AssetIdentifier.value).where(AssetIdentifier.value.in_([v for _, v in fresh]))
            ) if (k, v) in wanted
        }  # fmt: skip
        for kind, value in fresh:
            if (kind, value) in owners:
                taken.append((kind, value, owners[(kind, value)]))
                continue
            try:
                with session.begin_nested():  # a racing report of another machine may take it first
                    session.add(AssetIdentifier(asset_id=asset_id, kind=kind, value=value))
                    session.flush()
            except IntegrityError:
                owner = session.scalar(
                    select(AssetIdentifier.asset_id).where(
                        AssetIdentifier.kind == kind, AssetIdentifier.value == value
                    )
                )
                taken.append((kind, value, owner))
    return taken
