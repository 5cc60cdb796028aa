"""Which asset a machine is: identifiers from its report, and the matching rules strongest first."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, delete, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from collector.junk import clean_serial, clean_string, clean_uuid
from inventory_api.assets.models import Asset, AssetIdentifier
from inventory_api.catalog.models import Manufacturer, ManufacturerAlias
from inventory_api.catalog.normalise import ALIAS_TO_CANONICAL, manufacturer_key

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


#: The rules strongest first: the collectors' identifiers, then the serial of a registered asset, then the name.
RULES = ("hardware", "machine_id", "mac", "registered_serial", "hostname")
IDENTIFIER_RULES = RULES[:3]
#: How each rule reads in an asset's history.
RULE_NAMES = {"registered_serial": "serial of a registered asset"}


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


def maker_keys(manufacturer: str | None) -> list[str]:
    """The catalog keys a reported maker is known by (its own, its known vendor's), none for a placeholder."""
    name = clean_string(manufacturer)
    key = manufacturer_key(name) if name else ""
    if not key:
        return []
    canonical = ALIAS_TO_CANONICAL.get(key)
    return sorted({key, manufacturer_key(canonical)} if canonical else {key})


@dataclass
class Nearby:
    """An asset that may be a machine no identifier named: same host name, or same registered serial."""

    hostname_key: str | None
    serial_key: str | None
    #: No maker, or the report's maker (any spelling the catalog knows).
    maker_fits: bool
    deleted: bool
    ids: Ids = field(default_factory=Ids)


_ALIAS = ManufacturerAlias.__table__.alias("alias")
_BY_NAME = (
    select(Asset.id)
    .where(
        Asset.hostname_key == bindparam("hostname_key"), Asset.kind.in_(COMPUTER_KINDS),
        Asset.deleted_at.is_(None),
    )
    .limit(20)
    .subquery()
)  # fmt: skip
# Deleted assets too: a machine deleted before its collector came must not come back as a new asset either.
_BY_SERIAL = (
    select(Asset.id)
    .where(Asset.serial_key == bindparam("serial_key"), Asset.kind.in_(COMPUTER_KINDS))
    .limit(20)
    .subquery()
)
_MAKER_FITS = Asset.manufacturer_id.is_(None) | Manufacturer.key.in_(bindparam("maker_keys", expanding=True)) | exists(
    select(_ALIAS.c.key).where(
        _ALIAS.c.manufacturer_id == Asset.manufacturer_id, _ALIAS.c.key.in_(bindparam("alias_keys", expanding=True))
    )
)  # fmt: skip
#: The assets of a host name and of a serial, each with its identifiers (one row per identifier): one query.
_NEARBY = (
    select(Asset.id, Asset.hostname_key, Asset.serial_key, Asset.deleted_at, _MAKER_FITS.label("maker_fits"),
           AssetIdentifier.kind, AssetIdentifier.value)
    .outerjoin(Manufacturer, Manufacturer.id == Asset.manufacturer_id)
    .outerjoin(AssetIdentifier, (AssetIdentifier.asset_id == Asset.id) & AssetIdentifier.kind.in_(MACHINE_KINDS))
    .where(Asset.id.in_(select(_BY_NAME.c.id)) | Asset.id.in_(select(_BY_SERIAL.c.id)))
)  # fmt: skip


def load_nearby(
    session: Session, *, hostname: str | None, serial_key: str | None, manufacturer: str | None
) -> dict[uuid.UUID, Nearby]:
    """Live computers of this host name and computers registered with this serial, with their identifiers."""
    keys = maker_keys(manufacturer)
    params = {"hostname_key": hostname, "serial_key": serial_key, "maker_keys": keys, "alias_keys": keys}
    found: dict[uuid.UUID, Nearby] = {}
    pairs: dict[uuid.UUID, list[tuple[str, str]]] = {}
    for row in session.connection().execute(_NEARBY, params):
        if row.id not in found:
            found[row.id] = Nearby(
                row.hostname_key, row.serial_key, bool(row.maker_fits), row.deleted_at is not None
            )
        if row.kind is not None:
            pairs.setdefault(row.id, []).append((row.kind, row.value))
    for asset_id, rows in pairs.items():
        found[asset_id].ids = stored_ids(rows)
    return found


def registered_serial(ids: Ids, serial_key: str, nearby: dict[uuid.UUID, Nearby]) -> uuid.UUID | None:
    """The one asset registered with the report's serial under its maker (or none) that no other machine holds.

    An asset whose collector-bound identifiers (SMBIOS UUID, machine id, serial identifier) differ is another
    machine. A live asset wins over deleted ones; two candidates are one too many (maker and serial are unique
    together only among live assets with a maker).
    """
    fits = [
        asset_id
        for asset_id, a in nearby.items()
        if a.serial_key == serial_key
        and a.maker_fits
        and not hardware_conflict(ids, a.ids)
        and not _differs(ids.machine_id, a.ids.machine_id)
    ]
    pool = [asset_id for asset_id in fits if not nearby[asset_id].deleted] or fits
    return pool[0] if len(pool) == 1 else None


Held = dict[tuple[str, str], uuid.UUID]


def find_match(
    session: Session, ids: Ids, hostname: str | None, *, manufacturer: str | None = None
) -> tuple[Match | None, Held]:
    """The asset these identifiers name, by the strongest rule that finds exactly one (None for a new machine),
    and which asset holds each of the identifiers that some asset holds.

    A machine some collector already reported costs the identifier look-up (and their assets' identifiers); only
    when none of those rules matches is one more query made, for the host name and the registered serial.
    """
    pairs = ids.pairs()
    held: Held = {}
    if pairs:
        stmt = select(AssetIdentifier.asset_id, AssetIdentifier.kind, AssetIdentifier.value).where(
            AssetIdentifier.value.in_([v for _, v in pairs])
        )
        wanted = set(pairs)
        held = {(k, v): a for a, k, v in session.execute(stmt) if (k, v) in wanted}
    candidates = set(held.values())
    known = load_ids(session, candidates)
    for rule in IDENTIFIER_RULES:
        hits = sorted((a for a in candidates if rule_allows(rule, ids, known[a])), key=str)
        if hits:
            return Match(hits[0], rule), held
    return find_unbound(session, ids, hostname, manufacturer=manufacturer, held=held), held


def find_unbound(
    session: Session, ids: Ids, hostname: str | None, *, manufacturer: str | None, held: Held
) -> Match | None:
    """A machine no identifier names: the asset registered with its serial, else the one computer of its name."""
    serial_key = "".join(ids.serial.split(":", 1)[1].split()) if ids.serial else None  # as normalise_serial
    # A serial another asset holds as an identifier is no proof of identity: a collector reports it elsewhere.
    wanted = serial_key if ("serial", ids.serial) not in held else None
    key = hostname_key(hostname)
    if key is None and wanted is None:
        return None
    nearby = load_nearby(session, hostname=key, serial_key=wanted, manufacturer=manufacturer)
    if wanted is not None:
        registered = registered_serial(ids, wanted, nearby)
        if registered is not None:
            return Match(registered, "registered_serial")
    by_name = [
        asset_id
        for asset_id, a in nearby.items()
        if key is not None and a.hostname_key == key and not a.deleted and name_allows(ids, serial_key, a)
    ]
    # Two machines with one name: a name alone cannot tell them apart.
    return Match(by_name[0], "hostname") if len(by_name) == 1 else None


def name_allows(ids: Ids, serial_key: str | None, asset: Nearby) -> bool:
    """The host name rule, and a registered serial that differs is other hardware (a typed-in PC of that name)."""
    if serial_key is not None and asset.serial_key is not None and serial_key != asset.serial_key:
        return False
    return rule_allows("hostname", ids, asset.ids)


def claim_registered(session: Session, asset_id: uuid.UUID, pairs: list[tuple[str, str]]) -> bool:
    """Write a machine's free identifiers onto the registered asset it matched; False when a racing report of a
    machine with the same serial wrote its own first.

    Identifiers are unique: of two reports racing for one registered asset, the second waits for the first and
    then fails here on the serial (its enrollment matches again, now by the identifiers the first one wrote).
    """
    try:
        with session.begin_nested():
            session.add_all(AssetIdentifier(asset_id=asset_id, kind=k, value=v) for k, v in pairs)
            session.flush()
    except IntegrityError:
        return False
    return True


def sync_identifiers(
    session: Session, asset_id: uuid.UUID, ids: Ids, *, prune: bool = True
) -> list[tuple[str, str, uuid.UUID]]:
    """Store the asset's identifiers as reported (with `prune`, dropping those no longer reported); return
    (kind, value, other asset) for those another asset holds."""
    stored = {(k, v) for k, v in session.execute(
        select(AssetIdentifier.kind, AssetIdentifier.value).where(AssetIdentifier.asset_id == asset_id, AssetIdentifier.kind.in_(MACHINE_KINDS))
    ).all()}  # fmt: skip
    wanted = set(ids.pairs())
    stale = stored - wanted if prune else set()
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
