"""Asset lists: filters on every useful field, site scoping, and the one search box `q`."""

from __future__ import annotations

import ipaddress
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, Select, bindparam, exists, false, select, union
from sqlalchemy.orm import Session

from inventory_api.assets import custom_fields
from inventory_api.assets.identity import normalise_hostname, normalise_mac, normalise_serial
from inventory_api.assets.models import Asset, AssetFlag, AssetIdentifier
from inventory_api.auth.service import Principal
from inventory_api.people import service as people

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


@dataclass(slots=True)
class AssetFilters:
    """The list filters of `GET /api/v1/assets`, each named after its field."""

    q: str | None = None
    kind: str | None = None
    status: str | None = None
    site_id: uuid.UUID | None = None
    location_id: uuid.UUID | None = None
    assigned_person_id: uuid.UUID | None = None
    manufacturer_id: uuid.UUID | None = None
    model_id: uuid.UUID | None = None
    parent_id: uuid.UUID | None = None
    hostname: str | None = None
    serial: str | None = None
    asset_tag: str | None = None
    supplier: str | None = None
    warranty_end_before: date | None = None
    last_seen_before: datetime | None = None
    flagged: bool | None = None
    unassigned: bool | None = None


def search_values(q: str) -> dict[str, str]:
    """The search string in the form of each identifier it could be, as bound parameters of `search_ids`."""
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


def search_condition(session: Session, q: str) -> ColumnElement[bool]:
    """Exact tag, serial, hostname, MAC or IP, or prefix of the assigned person's name or e-mail."""
    values = search_values(q.strip())
    ids = search_ids(session.get_bind().dialect.name, frozenset(values)).params(values)
    return Asset.id.in_(
        ids
    )  # one statement, so one round trip: the branches are subqueries of the page's query


def ip_text(q: str) -> str | None:
    """An IP address in any notation, as inventory's address table stores it."""
    try:
        return ipaddress.ip_address(q.split("%", 1)[0]).compressed.lower()
    except ValueError:
        return None


def assets_query(
    session: Session, principal: Principal | None, filters: AssetFilters, extra: dict[str, str] | None = None
) -> Select[Any]:
    """Live assets the caller may see, filtered; `extra` holds the `cf_<name>` query parameters."""
    stmt = select(Asset).where(Asset.deleted_at.is_(None))
    if principal is not None and principal.site_ids is not None:
        if not principal.site_ids:
            return stmt.where(false())
        stmt = stmt.where(Asset.site_id.in_(principal.site_ids))
    f = filters
    if f.q:
        stmt = stmt.where(search_condition(session, f.q))
    for name in ("kind", "status", "site_id", "location_id", "assigned_person_id", "manufacturer_id", "model_id",
                 "parent_id", "asset_tag", "supplier"):  # fmt: skip
        value = getattr(f, name)
        if value is not None:
            stmt = stmt.where(getattr(Asset, name) == value)
    if f.hostname:
        stmt = stmt.where(Asset.hostname_key == normalise_hostname(f.hostname))
    if f.serial:
        stmt = stmt.where(Asset.serial_key == normalise_serial(f.serial))
    if f.warranty_end_before:
        stmt = stmt.where(Asset.warranty_end < f.warranty_end_before)
    if f.last_seen_before:
        stmt = stmt.where(Asset.last_seen < f.last_seen_before)
    if f.unassigned is not None:
        cond = Asset.assigned_person_id.is_(None)
        stmt = stmt.where(cond if f.unassigned else ~cond)
    if f.flagged is not None:
        open_flag = exists().where(AssetFlag.asset_id == Asset.id, AssetFlag.resolved_at.is_(None))
        stmt = stmt.where(open_flag if f.flagged else ~open_flag)
    for condition in custom_fields.filter_conditions(session, extra or {}, f.kind):
        stmt = stmt.where(condition)
    return stmt
