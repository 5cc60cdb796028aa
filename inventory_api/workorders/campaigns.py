"""Campaigns: one work order per asset matching a query (small memory, OS out of support …), with progress."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset
from inventory_api.auth.service import Principal
from inventory_api.errors import NotFound, Unprocessable
from inventory_api.history.service import current_actor, record_change
from inventory_api.inventory.models import SystemFacts
from inventory_api.workorders import service
from inventory_api.workorders.models import Campaign, OsSupportDate, WorkOrder
from inventory_api.workorders.states import OPEN_STATES

#: A campaign creates at most this many orders (one transaction).
MAX_ORDERS = 5000
DONE_STATES = ("resolved", "closed")


def import_os_support(session: Session, rows: list[dict[str, Any]]) -> int:
    """Insert or update OS support dates; returns how many rows were written."""
    written = 0
    for row in rows:
        name, version = row["os_name"].strip(), (row.get("os_version") or "").strip()
        if not name:
            raise Unprocessable("os_name is required on every row", code="invalid_row")
        end = row["end_of_support"]
        end = end if isinstance(end, date) else date.fromisoformat(str(end).strip())
        existing = session.scalar(
            select(OsSupportDate).where(OsSupportDate.os_name == name, OsSupportDate.os_version == version)
        )
        if existing is None:
            session.add(
                OsSupportDate(os_name=name, os_version=version, end_of_support=end, source=row.get("source"))
            )
        else:
            existing.end_of_support, existing.source = end, row.get("source") or existing.source
        written += 1
    session.flush()
    return written


def parse_os_support_csv(text: str) -> list[dict[str, Any]]:
    """CSV with a header: os_name, os_version (may be empty), end_of_support (YYYY-MM-DD), source (optional)."""
    reader = csv.DictReader(io.StringIO(text))
    missing = {"os_name", "end_of_support"} - set(reader.fieldnames or ())
    if missing:
        raise Unprocessable(f"the CSV header lacks {', '.join(sorted(missing))}", code="invalid_csv")
    rows = []
    for number, row in enumerate(reader, start=2):
        try:
            date.fromisoformat((row.get("end_of_support") or "").strip())
        except ValueError as exc:
            raise Unprocessable(
                f"line {number}: end_of_support is not YYYY-MM-DD", code="invalid_csv"
            ) from exc
        rows.append(row)
    return rows


def asset_query(principal: Principal | None, query: dict[str, Any]) -> Select[Any]:
    """Live assets matching the campaign query (kinds, site, status, memory below, OS name/version, OS support)."""
    stmt = select(Asset).where(Asset.deleted_at.is_(None))
    if principal is not None and principal.site_ids is not None:
        stmt = stmt.where(Asset.site_id.in_(principal.site_ids))
    if query.get("kinds"):
        stmt = stmt.where(Asset.kind.in_(query["kinds"]))
    if query.get("site_id"):
        stmt = stmt.where(Asset.site_id == query["site_id"])
    if query.get("statuses"):
        stmt = stmt.where(Asset.status.in_(query["statuses"]))
    needs_facts = any(
        query.get(k) for k in ("memory_below_bytes", "os_name", "os_version", "os_unsupported_on")
    )
    if needs_facts:
        stmt = stmt.join(SystemFacts, SystemFacts.asset_id == Asset.id)
    if query.get("memory_below_bytes"):
        stmt = stmt.where(SystemFacts.memory_total_bytes < query["memory_below_bytes"])
    if query.get("os_name"):
        stmt = stmt.where(func.lower(SystemFacts.os_name) == query["os_name"].lower())
    if query.get("os_version"):
        stmt = stmt.where(SystemFacts.os_version == query["os_version"])
    if query.get("os_unsupported_on"):
        support = select(OsSupportDate.id).where(
            func.lower(OsSupportDate.os_name) == func.lower(SystemFacts.os_name),
            or_(OsSupportDate.os_version == "", OsSupportDate.os_version == SystemFacts.os_version),
            OsSupportDate.end_of_support <= query["os_unsupported_on"],
        )
        stmt = stmt.where(support.exists())
    return stmt.order_by(Asset.name, Asset.id)


def create_campaign(session: Session, principal: Principal, data: dict[str, Any]) -> tuple[Campaign, int]:
    """Create the campaign and one work order per matching asset, each linking the asset with `action`."""
    query = data["query"]
    assets = session.scalars(asset_query(principal, query).limit(MAX_ORDERS + 1)).all()
    if not assets:
        raise Unprocessable("no asset matches the campaign query", code="empty_campaign")
    if len(assets) > MAX_ORDERS:
        raise Unprocessable(
            f"more than {MAX_ORDERS} assets match; narrow the query", code="campaign_too_large"
        )
    return create_campaign_for(session, principal, data, assets, query=query, site_id=query.get("site_id"))


def create_campaign_for(
    session: Session, principal: Principal, data: dict[str, Any], assets: list[Asset], *, query: dict[str, Any],
    site_id: uuid.UUID | None,
) -> tuple[Campaign, int]:  # fmt: skip
    """The campaign over these assets (chosen by the caller, e.g. a report's candidates): one order each."""
    campaign = Campaign(name=data["name"], kind=data["kind"], site_id=site_id, query=_plain(query),
                        created_by=current_actor(session).name)  # fmt: skip
    session.add(campaign)
    session.flush()
    for asset in assets:
        label = asset.name or asset.asset_tag or asset.hostname or str(asset.id)
        service.create_work_order(session, principal, {
            "kind": data["kind"], "title": data["title"].replace("{asset}", label), "site_id": asset.site_id,
            "priority": data["priority"], "description": data.get("description"), "campaign_id": campaign.id,
            "items": [{"action": data["action"], "subject_id": asset.id, "params": data.get("params") or {}}],
        })  # fmt: skip
    record_change(
        session, "campaign", campaign.id, "created", summary=f"{campaign.name}: {len(assets)} work orders"
    )
    return campaign, len(assets)


def _plain(query: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (str(v) if isinstance(v, uuid.UUID | date) else v) for k, v in query.items() if v not in (None, [])
    }


def require_campaign(session: Session, campaign_id: uuid.UUID, principal: Principal) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or (campaign.site_id and not principal.can_see_site(campaign.site_id)):
        raise NotFound("campaign", campaign_id)
    return campaign


def progress(session: Session, campaign: Campaign) -> dict[str, int]:
    """Orders of the campaign: open, done (resolved or closed), failed (cancelled), total."""
    counts = dict(
        session.execute(
            select(WorkOrder.state, func.count())
            .where(and_(WorkOrder.campaign_id == campaign.id, WorkOrder.deleted_at.is_(None)))
            .group_by(WorkOrder.state)
        ).all()
    )
    open_ = sum(counts.get(s, 0) for s in OPEN_STATES)
    done = sum(counts.get(s, 0) for s in DONE_STATES)
    failed = counts.get("cancelled", 0)
    return {"open": open_, "done": done, "failed": failed, "total": open_ + done + failed}
