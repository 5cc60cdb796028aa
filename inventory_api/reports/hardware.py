"""Hardware lifecycle: machines by age since purchase, warranty and their model's end of life."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset
from inventory_api.catalog.models import Model
from inventory_api.locations.models import Location
from inventory_api.reports.common import Table
from inventory_api.reports.lifecycle import years_before
from inventory_api.reports.params import ReportQuery, Scope

COLUMNS = ["group", "machines", "under_3_years", "3_to_5_years", "over_5_years", "age_unknown", "out_of_warranty",
           "warranty_unknown", "past_end_of_life"]  # fmt: skip


class HardwareQuery(ReportQuery):
    """Live assets now; ages, warranties and end of life are judged on the period's last day (`end`)."""

    group_by: Literal["site", "kind", "model"] = "site"
    asset_kind: list[str] = Field(default_factory=list, description='asset kinds, e.g. "desktop"; none = all')
    status: list[str] = Field(default_factory=lambda: ["deployed"])


def hardware_report(session: Session, scope: Scope, query: HardwareQuery) -> Table:
    """Per site, kind or model: machines by age bucket, out of warranty, past their model's end of life."""
    on, bought = query.end, Asset.purchase_date
    three, five = years_before(on, 3), years_before(on, 5)

    def count(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    key = {"site": Location.name, "kind": Asset.kind, "model": Model.name}[query.group_by].label("g")
    stmt = (
        select(
            key, func.count(), count(bought > three), count(and_(bought > five, bought <= three)),
            count(bought <= five), count(bought.is_(None)), count(Asset.warranty_end < on),
            count(Asset.warranty_end.is_(None)), count(Model.end_of_life <= on),
        )
        .select_from(Asset)
        .join(Location, Location.id == Asset.site_id)
        .outerjoin(Model, Model.id == Asset.model_id)
        .where(Asset.deleted_at.is_(None), Asset.status.in_(query.status))
        .group_by(key)
        .order_by(key.is_(None), key)
    )  # fmt: skip
    if query.asset_kind:
        stmt = stmt.where(Asset.kind.in_(query.asset_kind))
    site = scope.where(Asset.site_id)
    if site is not None:
        stmt = stmt.where(site)
    rows = [
        dict(zip(COLUMNS, (g, n, *(int(v or 0) for v in rest)), strict=True))
        for g, n, *rest in session.execute(stmt)
    ]
    return Table("hardware", COLUMNS, rows, query)
