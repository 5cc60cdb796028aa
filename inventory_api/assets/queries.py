"""Asset lists: filters on every useful field, site scoping, and the one search box `q`."""

from __future__ import annotations

import ipaddress
import re
import uuid
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import Annotated, Any

from pydantic import Field
from sqlalchemy import CompoundSelect, Select, and_, bindparam, exists, false, func, select, union
from sqlalchemy.orm import Session

from inventory_api.assets import custom_fields
from inventory_api.assets.identity import normalise_hostname, normalise_mac, normalise_serial
from inventory_api.assets.models import Asset, AssetFlag, AssetIdentifier
from inventory_api.assets.schemas import AssetKind, AssetStatus
from inventory_api.auth.service import Principal
from inventory_api.people import service as people
from inventory_api.schemas import DayOrTime

#: Columns a list may be sorted by.
SORT_COLUMNS: dict[str, Any] = {
    name: getattr(Asset, name)
    for name in (
        "asset_tag", "name", "hostname", "serial", "kind", "status", "created_at", "updated_at",
        "last_seen", "first_seen", "warranty_end", "purchase_date",
    )
}  # fmt: skip
#: How many people a name/e-mail prefix may expand to in a search.
PERSON_PREFIX_LIMIT = 200


def _doc(description: str) -> Any:
    return Field(description=description)


@dataclass(slots=True)
class AssetFilters:
    """The list filters of `GET /api/v1/assets`, each named after its field."""

    q: Annotated[
        str | None,
        _doc(
            "exact tag, serial, hostname (short or FQDN), MAC in any notation, or person name/e-mail prefix"
        ),
    ] = None
    kind: AssetKind | None = None
    status: AssetStatus | None = None
    site_id: uuid.UUID | None = None
    location_id: uuid.UUID | None = None
    assigned_person_id: uuid.UUID | None = None
    manufacturer_id: uuid.UUID | None = None
    model_id: uuid.UUID | None = None
    parent_id: uuid.UUID | None = None
    hostname: Annotated[str | None, _doc("short name or FQDN, any case")] = None
    serial: Annotated[str | None, _doc("any case, spaces and dashes ignored")] = None
    asset_tag: str | None = None
    supplier: str | None = None
    warranty_end_before: date | None = None
    last_seen_before: Annotated[
        DayOrTime | None, _doc("a date (midnight UTC) or an RFC 3339 time; not seen since then")
    ] = None
    flagged: Annotated[bool | None, _doc("has an open flag")] = None
    unassigned: Annotated[bool | None, _doc("true: no assigned person; false: assigned to someone")] = None
    encrypted: Annotated[
        bool | None, _doc("false: some volume is not encrypted; true: every reported volume is encrypted")
    ] = None
    memory_below_bytes: Annotated[int | None, Field(gt=0, lt=2**63), _doc("less memory than this")] = None
    os_name: Annotated[str | None, _doc("the operating system's name contains this, any case")] = None


#: The bound parameters of the search box: one per form of `q` (`search_values`).
SEARCH_BINDS = frozenset(
    {"q_tag", "q_serial", "q_hostname", "q_mac", "q_ip", "person_prefix_low", "person_prefix_high"}
)


#: A MAC address written as one ("3c:52:82:0a:0b:0c", "3C-52-…", "3c52.820a.0b0c"): no serial, host name or
#: name is written so, and its search is one probe of the identifiers.
_MAC_NOTATION = re.compile(
    r"^[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}$|^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$", re.I
)


def search_values(q: str) -> dict[str, str]:
    """The search string in the form of each identifier it could be, as bound parameters of `search_ids`.

    Its shape narrows them: an IP address or a MAC written as one is looked up as that (and as an asset tag, which
    may be anything), not also as a serial, a host name and a person."""
    if _MAC_NOTATION.match(q):
        return {"q_tag": q, "q_mac": normalise_mac(q)}
    if ip := ip_text(q):
        return {"q_tag": q, "q_ip": ip}
    values = {
        "q_serial": normalise_serial(q), "q_hostname": normalise_hostname(q), "q_mac": normalise_mac(q),
        "q_ip": ip_text(q), **(people.prefix_params(q) if people.name_key(q) else {}),
    }  # fmt: skip
    return {"q_tag": q} | {name: value for name, value in values.items() if value}


@cache
def search_ids(dialect: str, branches: frozenset[str]) -> CompoundSelect[Any]:
    """Ids of live assets that match the bound search values in `branches`: a UNION of index look-ups.

    Built once per combination, since the search box runs on every look-up and building the statement costs
    as much as executing it. Tag, serial and hostname by their live/key indexes, MACs and IPs by the identifier
    and address tables, people by their prefix indexes and then assets by `assigned_person_id` — each branch
    its own look-up, not one OR that the planner may turn into a scan.
    """
    from inventory_api.inventory.models import IpAddress  # inventory builds on assets; only its table is read

    live = Asset.deleted_at.is_(None)
    selects: list[Any] = [select(Asset.id).where(Asset.asset_tag == bindparam("q_tag"), live)]
    if "q_serial" in branches:
        selects.append(select(Asset.id).where(Asset.serial_key == bindparam("q_serial"), live))
    if "q_hostname" in branches:
        selects.append(select(Asset.id).where(Asset.hostname_key == bindparam("q_hostname"), live))
    if "q_mac" in branches:
        mac = AssetIdentifier.kind == "mac", AssetIdentifier.value == bindparam("q_mac")
        selects.append(select(AssetIdentifier.asset_id).where(*mac))
    if "q_ip" in branches:
        selects.append(select(IpAddress.asset_id).where(IpAddress.address == bindparam("q_ip")))
    if "person_prefix_low" in branches:
        person_ids = people.people_prefix_query(dialect, PERSON_PREFIX_LIMIT).scalar_subquery()
        selects.append(select(Asset.id).where(Asset.assigned_person_id.in_(person_ids), live))
    return union(*selects)


def ip_text(q: str) -> str | None:
    """An IP address in any notation, as inventory's address table stores it."""
    try:
        return ipaddress.ip_address(q.split("%", 1)[0]).compressed.lower()
    except ValueError:
        return None


#: Filters compared for equality with the column of the same name.
EQUAL_FILTERS = ("kind", "status", "site_id", "location_id", "assigned_person_id", "manufacturer_id", "model_id",
                 "parent_id", "asset_tag", "supplier")  # fmt: skip
#: Filters that keep the rows whose column is below the value.
BELOW_FILTERS = {"warranty_end_before": Asset.warranty_end, "last_seen_before": Asset.last_seen}


@dataclass(frozen=True, slots=True)
class Prepared:
    """A list statement with its values as bound parameters, and the values of this request.

    Statements of the same `shape` are one object, built once: building a statement and computing its cache key
    cost SQLAlchemy more than the look-up itself. `shape` is None for a statement built for this request alone.
    """

    stmt: Select[Any]
    binds: dict[str, Any]
    shape: tuple[Any, ...] | None

    def bound(self) -> Select[Any]:
        """The statement with this request's values in it, for callers that add to it."""
        return self.stmt.params(self.binds)


def filter_binds(filters: AssetFilters) -> dict[str, Any]:
    """The value each given filter binds: hostname and serial normalised, `q` in every form it could take."""
    f = filters
    binds = {
        name: getattr(f, name) for name in (*EQUAL_FILTERS, *BELOW_FILTERS) if getattr(f, name) is not None
    }
    if f.memory_below_bytes is not None:
        binds["memory_below_bytes"] = f.memory_below_bytes
    if f.os_name:
        binds["os_name"] = f"%{f.os_name.strip().lower()}%"
    if f.hostname:
        binds["hostname_key"] = normalise_hostname(f.hostname)
    if f.serial:
        binds["serial_key"] = normalise_serial(f.serial)
    if f.q:
        binds |= search_values(f.q.strip())
    return binds


def assets_query(
    session: Session, principal: Principal | None, filters: AssetFilters, extra: dict[str, str] | None = None
) -> Prepared:
    """Live assets the caller may see, filtered; `extra` holds the `cf_<name>` query parameters."""
    binds = filter_binds(filters)
    sites = None if principal is None else principal.site_ids
    if sites:
        binds["site_ids"] = list(sites)
    scope = "all" if sites is None else "sites" if sites else "none"
    shape = (session.get_bind().dialect.name, frozenset(binds), scope, filters.flagged, filters.unassigned,
             filters.encrypted)  # fmt: skip
    stmt = _asset_statement(*shape)
    custom = custom_fields.filter_conditions(session, extra or {}, filters.kind)
    if custom:  # values inline: no shared statement
        return Prepared(stmt.where(*custom), binds, None)
    return Prepared(stmt, binds, shape)


@lru_cache(maxsize=512)
def _asset_statement(
    dialect: str, names: frozenset[str], scope: str, flagged: bool | None, unassigned: bool | None,
    encrypted: bool | None,
) -> Select[Any]:  # fmt: skip
    stmt = select(Asset).where(Asset.deleted_at.is_(None))
    if scope == "none":
        return stmt.where(false())
    if scope == "sites":
        stmt = stmt.where(Asset.site_id.in_(bindparam("site_ids", expanding=True)))
    stmt = stmt.where(*(getattr(Asset, name) == bindparam(name) for name in EQUAL_FILTERS if name in names))
    stmt = stmt.where(*(column < bindparam(name) for name, column in BELOW_FILTERS.items() if name in names))
    for key in ("hostname_key", "serial_key"):
        if key in names:
            stmt = stmt.where(getattr(Asset, key) == bindparam(key))
    if "q_tag" in names:  # one statement, so one round trip: the search branches are subqueries of the page
        stmt = stmt.where(Asset.id.in_(search_ids(dialect, names & SEARCH_BINDS)))
    if unassigned is not None:
        cond = Asset.assigned_person_id.is_(None)
        stmt = stmt.where(cond if unassigned else ~cond)
    if flagged is not None:
        open_flag = exists().where(AssetFlag.asset_id == Asset.id, AssetFlag.resolved_at.is_(None))
        stmt = stmt.where(open_flag if flagged else ~open_flag)
    from inventory_api.inventory.models import SystemFacts, Volume  # inventory builds on assets

    if "memory_below_bytes" in names or "os_name" in names:
        facts = [SystemFacts.asset_id == Asset.id]
        if "memory_below_bytes" in names:
            facts.append(SystemFacts.memory_total_bytes < bindparam("memory_below_bytes"))
        if "os_name" in names:
            facts.append(func.lower(SystemFacts.os_name).like(bindparam("os_name")))
        stmt = stmt.where(exists().where(*facts))
    if encrypted is not None:
        plain = exists().where(Volume.asset_id == Asset.id, Volume.encrypted.is_(False))
        any_volume = exists().where(Volume.asset_id == Asset.id)
        stmt = stmt.where(plain if not encrypted else and_(any_volume, ~plain))
    return stmt
