"""Hardware lifecycle: upgrade candidates by rules (memory, disk fullness, age, OS support), and the campaign
that turns them into one work order each."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field, model_validator
from sqlalchemy import and_, case, or_, select
from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset
from inventory_api.auth.service import Principal
from inventory_api.catalog.models import Model
from inventory_api.errors import Unprocessable
from inventory_api.ingest.models import InventoryState
from inventory_api.inventory.models import SystemFacts
from inventory_api.locations.models import Location
from inventory_api.reports.common import Table
from inventory_api.reports.params import ReportQuery, Scope
from inventory_api.reports.security import os_unsupported
from inventory_api.reports.sql import volume_at_least_full
from inventory_api.workorders import campaigns
from inventory_api.workorders.models import Campaign

GIB = 1024**3
RULES = ("low_memory", "disk_full", "old_hardware", "os_out_of_support")
COLUMNS = ["asset_id", "name", "hostname", "kind", "site", "model", "memory_gib", "purchase_date", "bios_date",
           "os_name", "os_version", *RULES]  # fmt: skip


class Rules(BaseModel):
    """Which machines are upgrade candidates: any given rule that holds makes one."""

    memory_below_gib: float | None = Field(None, gt=0, le=65536, description="memory below this many GiB")
    disk_full_percent: int | None = Field(None, ge=1, le=100, description="a volume at least this % full")
    older_than_years: int | None = Field(
        None, ge=1, le=50,
        description="bought more than N years ago (purchase date, else the BIOS date: CPU launch dates are not "
        "collected)",
    )  # fmt: skip
    os_out_of_support: bool = Field(False, description="OS past its end of support (os-support-dates table)")
    asset_kind: list[str] = Field(default_factory=list, description='asset kinds, e.g. "desktop"; none = all')
    status: list[str] = Field(default_factory=lambda: ["deployed"])

    @model_validator(mode="after")
    def _some_rule(self) -> Rules:
        if not (
            self.memory_below_gib or self.disk_full_percent or self.older_than_years or self.os_out_of_support
        ):
            raise ValueError(
                "give at least one rule: memory_below_gib, disk_full_percent, older_than_years or os_out_of_support"
            )
        return self


class CandidateQuery(ReportQuery, Rules):
    """Candidates now; OS support and age are judged on the period's last day (`end`)."""


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _rules(session: Session, rules: Rules, on: date) -> dict[str, Any]:
    false = and_(Asset.id.is_(None))  # a rule not asked for matches nothing
    found: dict[str, Any] = dict.fromkeys(RULES, false)
    if rules.memory_below_gib:
        found["low_memory"] = SystemFacts.memory_total_bytes < int(rules.memory_below_gib * GIB)
    if rules.disk_full_percent:
        found["disk_full"] = volume_at_least_full(
            session, "inventory_states.volumes", rules.disk_full_percent
        )
    if rules.older_than_years:
        cutoff = years_before(on, rules.older_than_years)
        found["old_hardware"] = or_(
            Asset.purchase_date < cutoff,
            and_(Asset.purchase_date.is_(None), SystemFacts.bios_date < cutoff.isoformat()),
        )
    if rules.os_out_of_support:
        found["os_out_of_support"] = os_unsupported(on)
    return found


def candidates_statement(session: Session, scope: Scope, rules: Rules, on: date) -> Any:
    """Live assets matching any rule, with their facts and which rules they match."""
    found = _rules(session, rules, on)
    stmt = (
        select(
            Asset.id,
            Asset.name,
            Asset.hostname,
            Asset.kind,
            Location.name.label("site"),
            Model.name.label("model"),
            SystemFacts.memory_total_bytes,
            Asset.purchase_date,
            SystemFacts.bios_date,
            SystemFacts.os_name,
            SystemFacts.os_version,
            *(case((c, True), else_=False).label(n) for n, c in found.items()),
        )
        .select_from(Asset)
        .join(Location, Location.id == Asset.site_id)
        .outerjoin(Model, Model.id == Asset.model_id)
        .outerjoin(SystemFacts, SystemFacts.asset_id == Asset.id)
        .outerjoin(InventoryState, InventoryState.asset_id == Asset.id)
        .where(Asset.deleted_at.is_(None), Asset.status.in_(rules.status), or_(*found.values()))
        .order_by(Location.name, Asset.name, Asset.id)
    )
    if rules.asset_kind:
        stmt = stmt.where(Asset.kind.in_(rules.asset_kind))
    site = scope.where(Asset.site_id)
    return stmt if site is None else stmt.where(site)


def candidates_report(session: Session, scope: Scope, query: CandidateQuery) -> Table:
    stmt = candidates_statement(session, scope, query, query.end).limit(campaigns.MAX_ORDERS + 1)
    rows = []
    for row in session.execute(stmt).mappings():
        memory = row["memory_total_bytes"]
        rows.append({
            **{c: row[c] for c in COLUMNS if c not in ("asset_id", "memory_gib", "purchase_date")},
            "asset_id": str(row["id"]), "memory_gib": None if memory is None else round(memory / GIB, 1),
            "purchase_date": row["purchase_date"] and row["purchase_date"].isoformat(),
            **{r: bool(row[r]) for r in RULES},
        })  # fmt: skip
    notes = {"truncated": len(rows) > campaigns.MAX_ORDERS}
    return Table("upgrade-candidates", COLUMNS, rows[: campaigns.MAX_ORDERS], query, notes)


def candidates_campaign(
    session: Session, principal: Principal, scope: Scope, rules: Rules, data: dict[str, Any], on: date
) -> tuple[Campaign, int]:
    """A campaign with one work order per candidate; refused when none or too many match."""
    stmt = candidates_statement(session, scope, rules, on).limit(campaigns.MAX_ORDERS + 1)
    ids = [row.id for row in session.execute(stmt)]
    assets = (
        list(session.scalars(select(Asset).where(Asset.id.in_(ids)).order_by(Asset.name, Asset.id)))
        if ids
        else []
    )
    if not assets:
        raise Unprocessable("no machine matches the upgrade rules", code="empty_campaign")
    if len(assets) > campaigns.MAX_ORDERS:
        raise Unprocessable(
            f"more than {campaigns.MAX_ORDERS} machines match; narrow the rules", code="campaign_too_large"
        )
    sites = {a.site_id for a in assets}
    if principal.site_ids is not None and len(sites) > 1:
        # A campaign without a site is visible to every site; one of a site-limited user stays in one site.
        raise Unprocessable(
            f"the candidates are in {len(sites)} of your sites: make one campaign per site (site_id)",
            code="campaign_spans_sites",
        )
    query = {"report": "upgrade-candidates", "on": on.isoformat(), **rules.model_dump(mode="json")}
    return campaigns.create_campaign_for(
        session, principal, data, assets, query=query, site_id=next(iter(sites)) if len(sites) == 1 else None
    )
