"""Security standard adherence per site: encryption off, firewall off, no endpoint protection, OS out of support,
not seen for N days — and the machines behind each number."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset
from inventory_api.ingest.models import InventoryState
from inventory_api.inventory.models import SecurityPosture, SystemFacts
from inventory_api.locations.models import Location
from inventory_api.reports.common import Table
from inventory_api.reports.params import ReportQuery, Scope
from inventory_api.reports.sql import json_array_has
from inventory_api.workorders.models import OsSupportDate

CHECKS = ("encryption_off", "firewall_off", "no_endpoint_protection", "os_out_of_support", "not_seen")
COLUMNS = ["site_id", "site", "machines", *CHECKS, "out_of_standard"]
LIST_COLUMNS = ["asset_id", "name", "hostname", "site", "os_name", "os_version", "last_seen", *CHECKS]
MAX_LIST = 10_000


class SecurityQuery(ReportQuery):
    """Machines that report (have a collector) as they are now; OS support is judged on the period's last day."""

    not_seen_days: int = Field(30, ge=1, le=3650, description="not seen for this many days")


class SecurityListQuery(SecurityQuery):
    check: Literal[CHECKS] | None = Field(  # type: ignore[valid-type]
        None, description="only the machines failing this check; none = failing any"
    )


def os_unsupported(on: Any) -> Any:
    """The asset's OS (name, and version unless the row covers every version) left support on or before `on`."""
    return (
        select(OsSupportDate.id)
        .where(
            func.lower(OsSupportDate.os_name) == func.lower(SystemFacts.os_name),
            or_(OsSupportDate.os_version == "", OsSupportDate.os_version == SystemFacts.os_version),
            OsSupportDate.end_of_support <= on,
        )
        .exists()
    )


def _checks(session: Session, query: SecurityQuery, now: datetime) -> dict[str, Any]:
    has_posture = SecurityPosture.asset_id.is_not(None)
    return {
        "encryption_off": json_array_has(session, "inv_security.disk_encryption", "encrypted", False),
        "firewall_off": SecurityPosture.firewall_enabled.is_(False),
        "no_endpoint_protection": and_(
            has_posture, ~json_array_has(session, "inv_security.antivirus", "enabled", True)
        ),
        "os_out_of_support": os_unsupported(query.end),
        "not_seen": or_(
            Asset.last_seen.is_(None), Asset.last_seen < now - timedelta(days=query.not_seen_days)
        ),
    }


def _machines(scope: Scope) -> Any:
    """Live assets with a collector's report, with their system facts and security posture where known."""
    stmt = (
        select()
        .select_from(Asset)
        .join(InventoryState, InventoryState.asset_id == Asset.id)
        .join(Location, Location.id == Asset.site_id)
        .outerjoin(SystemFacts, SystemFacts.asset_id == Asset.id)
        .outerjoin(SecurityPosture, SecurityPosture.asset_id == Asset.id)
        .where(Asset.deleted_at.is_(None))
    )
    site = scope.where(Asset.site_id)
    return stmt if site is None else stmt.where(site)


def security_report(session: Session, scope: Scope, query: SecurityQuery, now: datetime) -> Table:
    """Per site: machines, and how many fail each check (and any)."""
    checks = _checks(session, query, now)
    flag = {name: case((condition, 1), else_=0) for name, condition in checks.items()}
    any_ = case((or_(*checks.values()), 1), else_=0)
    stmt = (
        _machines(scope)
        .add_columns(
            Location.id, Location.name, func.count(), *(func.sum(f) for f in flag.values()), func.sum(any_)
        )
        .group_by(Location.id, Location.name)
        .order_by(Location.name, Location.id)
    )
    rows = []
    for site_id, name, machines, *counts in session.execute(stmt):
        values = dict(zip((*CHECKS, "out_of_standard"), (int(c or 0) for c in counts), strict=True))
        rows.append({"site_id": str(site_id), "site": name, "machines": machines, **values})
    return Table("security", COLUMNS, rows, query)


def security_list(session: Session, scope: Scope, query: SecurityListQuery, now: datetime) -> Table:
    """The machines behind a number of the report: failing `check`, or any check."""
    checks = _checks(session, query, now)
    labelled = [case((condition, True), else_=False).label(name) for name, condition in checks.items()]
    stmt = (
        _machines(scope)
        .add_columns(
            Asset.id,
            Asset.name,
            Asset.hostname,
            Location.name.label("site"),
            SystemFacts.os_name,
            SystemFacts.os_version,
            Asset.last_seen,
            *labelled,
        )
        .where(checks[query.check] if query.check else or_(*checks.values()))
        .order_by(Location.name, Asset.name, Asset.id)
        .limit(MAX_LIST + 1)
    )
    rows = []
    for asset_id, name, hostname, site, os_name, os_version, last_seen, *flags in session.execute(stmt):
        rows.append({
            "asset_id": str(asset_id), "name": name, "hostname": hostname, "site": site, "os_name": os_name,
            "os_version": os_version, "last_seen": last_seen and last_seen.isoformat().replace("+00:00", "Z"),
            **{c: bool(f) for c, f in zip(CHECKS, flags, strict=True)},
        })  # fmt: skip
    notes = {"truncated": len(rows) > MAX_LIST}
    return Table("security-machines", LIST_COLUMNS, rows[:MAX_LIST], query, notes)
