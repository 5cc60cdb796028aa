"""Recurring incidents: assets, models, locations and software titles behind repeated repair orders, and the
models with the most repairs per hundred units."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field
from sqlalchemy import and_, distinct, func, select
from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset
from inventory_api.catalog.models import Manufacturer, Model
from inventory_api.locations.models import Location
from inventory_api.reports.common import Table
from inventory_api.reports.params import ReportQuery, Scope
from inventory_api.reports.sql import is_sqlite
from inventory_api.software.models import Installation, SoftwareTitle
from inventory_api.workorders.models import WorkOrder, WorkOrderItem
from inventory_api.workorders.schemas import Kind

COLUMNS = ["group_id", "group", "orders", "assets"]
RATE_COLUMNS = ["model_id", "model", "manufacturer", "units", "repairs", "repairs_per_100_units"]


class RecurringQuery(ReportQuery):
    """Orders of the given types created in the period, on assets linked as items (or at a location)."""

    subject: Literal["asset", "model", "location", "software_title"] = "asset"
    kind: list[Kind] = Field(default_factory=lambda: ["repair"], description="work-order types counted")
    min_orders: int = Field(
        2, ge=1, le=1000, description="orders an asset, model or location needs to be listed"
    )
    limit: int = Field(50, ge=1, le=1000)


class RepairRateQuery(ReportQuery):
    """Repair orders in the period per hundred live assets of each model."""

    kind: list[Kind] = Field(default_factory=lambda: ["repair"])
    min_units: int = Field(1, ge=1, description="models with fewer live units are left out")
    limit: int = Field(10, ge=1, le=1000)


def _orders(scope: Scope, query: RecurringQuery | RepairRateQuery) -> list[Any]:
    conditions = [
        WorkOrder.deleted_at.is_(None), WorkOrder.kind.in_(query.kind),
        WorkOrder.created_at >= query.since, WorkOrder.created_at < query.until,
    ]  # fmt: skip
    site = scope.where(WorkOrder.site_id)
    return conditions if site is None else [*conditions, site]


def _asset_items(session: Session) -> Any:
    # On SQLite the item's type is read without its index, so that the join starts from the period's orders (by
    # their creation index) rather than from every asset item ever: 1.8 s → 0.12 s on the large demo over 30 days.
    # PostgreSQL plans it well as it is, and worse without the index (0.13 → 0.39 s).
    kind = WorkOrderItem.subject_type.concat("") if is_sqlite(session) else WorkOrderItem.subject_type
    return and_(WorkOrderItem.work_order_id == WorkOrder.id, kind == "asset")


def recurring_report(session: Session, scope: Scope, query: RecurringQuery) -> Table:
    """Per subject: distinct orders and assets; most orders first."""
    orders, assets = func.count(distinct(WorkOrder.id)), func.count(distinct(Asset.id))
    if query.subject == "software_title":
        return _titles(session, scope, query)
    if query.subject == "location":
        place = func.coalesce(WorkOrder.location_id, Asset.location_id)
        stmt = (
            select(Location.id, Location.name, orders, assets)
            .select_from(WorkOrder)
            .outerjoin(WorkOrderItem, _asset_items(session))
            .outerjoin(Asset, Asset.id == WorkOrderItem.subject_id)
            .join(Location, Location.id == place)
            .group_by(Location.id, Location.name)
        )
    else:
        group = (Asset.id, Asset.name) if query.subject == "asset" else (Model.id, Model.name)
        stmt = (
            select(*group, orders, assets)
            .select_from(WorkOrder)
            .join(WorkOrderItem, _asset_items(session))
            .join(Asset, Asset.id == WorkOrderItem.subject_id)
        )
        if query.subject == "model":
            stmt = stmt.join(Model, Model.id == Asset.model_id)
        stmt = stmt.group_by(*group)
    stmt = stmt.where(*_orders(scope, query)).having(orders >= query.min_orders)
    stmt = stmt.order_by(orders.desc(), stmt.selected_columns[1], stmt.selected_columns[0]).limit(query.limit)
    rows = [
        {"group_id": str(i), "group": name, "orders": n, "assets": a}
        for i, name, n, a in session.execute(stmt)
    ]
    return Table("recurring", COLUMNS, rows, query)


def _titles(session: Session, scope: Scope, query: RecurringQuery) -> Table:
    """Titles installed on the assets that had at least `min_orders` orders: how many such assets, their orders."""
    repeated = (
        select(Asset.id.label("asset_id"), func.count(distinct(WorkOrder.id)).label("orders"))
        .select_from(WorkOrder)
        .join(WorkOrderItem, _asset_items(session))
        .join(Asset, Asset.id == WorkOrderItem.subject_id)
        .where(*_orders(scope, query))
        .group_by(Asset.id)
        .having(func.count(distinct(WorkOrder.id)) >= query.min_orders)
        .subquery()
    )
    installed = (
        select(Installation.asset_id, Installation.title_id)
        .where(Installation.is_system_component.is_(False))
        .distinct()
        .subquery()
    )
    orders, assets = func.sum(repeated.c.orders), func.count(repeated.c.asset_id)
    stmt = (
        select(SoftwareTitle.id, SoftwareTitle.name, orders, assets)
        .select_from(repeated)
        .join(installed, installed.c.asset_id == repeated.c.asset_id)
        .join(SoftwareTitle, SoftwareTitle.id == installed.c.title_id)
        .group_by(SoftwareTitle.id, SoftwareTitle.name)
        .order_by(assets.desc(), orders.desc(), SoftwareTitle.name)
        .limit(query.limit)
    )
    rows = [
        {"group_id": str(i), "group": name, "orders": int(n), "assets": a}
        for i, name, n, a in session.execute(stmt)
    ]
    return Table("recurring", COLUMNS, rows, query)


def repair_rate_report(session: Session, scope: Scope, query: RepairRateQuery) -> Table:
    """Models by repair orders per hundred live units (units counted in the same sites), highest first."""
    site = scope.where(Asset.site_id)
    units = (
        select(Asset.model_id, func.count().label("units"))
        .where(Asset.deleted_at.is_(None), Asset.model_id.is_not(None), *([site] if site is not None else []))
        .group_by(Asset.model_id)
        .subquery()
    )
    repairs = (
        select(Asset.model_id, func.count(distinct(WorkOrder.id)).label("repairs"))
        .select_from(WorkOrder)
        .join(WorkOrderItem, _asset_items(session))
        .join(Asset, Asset.id == WorkOrderItem.subject_id)
        .where(*_orders(scope, query), Asset.model_id.is_not(None))
        .group_by(Asset.model_id)
        .subquery()
    )
    rate = repairs.c.repairs * 100.0 / units.c.units
    stmt = (
        select(Model.id, Model.name, Manufacturer.name, units.c.units, repairs.c.repairs, rate)
        .select_from(repairs)
        .join(units, units.c.model_id == repairs.c.model_id)
        .join(Model, Model.id == repairs.c.model_id)
        .join(Manufacturer, Manufacturer.id == Model.manufacturer_id)
        .where(units.c.units >= query.min_units)
        .order_by(rate.desc(), repairs.c.repairs.desc(), Model.name)
        .limit(query.limit)
    )
    rows = [
        {"model_id": str(i), "model": name, "manufacturer": maker, "units": u, "repairs": r,
         "repairs_per_100_units": round(float(x), 1)}
        for i, name, maker, u, r, x in session.execute(stmt)
    ]  # fmt: skip
    return Table("repairs-per-model", RATE_COLUMNS, rows, query)
