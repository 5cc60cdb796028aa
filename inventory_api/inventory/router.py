"""A reported machine's inventory, and machines that stopped reporting."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from inventory_api.assets.models import Asset
from inventory_api.assets.service import require_asset
from inventory_api.deps import ReadDep, SessionDep, SettingsDep, WriteDep
from inventory_api.exports import CsvFormat, csv_response, wants_csv
from inventory_api.idempotency import IdempotentRoute
from inventory_api.inventory import views
from inventory_api.inventory.schemas import InventoryRead, StaleAssetRead, StaleFlagged
from inventory_api.pagination import Page, PageDep, paginate
from inventory_api.routing import ERROR_RESPONSES

router = APIRouter(
    prefix="/api/v1", tags=["inventory"], route_class=IdempotentRoute, responses=ERROR_RESPONSES
)
Days = Annotated[
    int | None, Query(ge=1, description="not seen for this many days (default: stale_after_days)")
]


@router.get("/assets/{asset_id}/inventory", response_model=InventoryRead)
def read_inventory(asset_id: uuid.UUID, session: SessionDep, principal: ReadDep) -> dict:
    """The machine's hardware, network, peripherals, security posture and status as last reported."""
    return views.inventory_of(session, require_asset(session, asset_id, principal))


@router.get("/inventory/stale", response_model=Page[StaleAssetRead])
def list_stale(
    request: Request,
    session: SessionDep,
    principal: ReadDep,
    settings: SettingsDep,
    page: PageDep,
    days: Days = None,
    answer_format: CsvFormat = None,
):
    """Reporting machines not seen for N days, oldest first."""
    stmt = views.stale_assets_query(principal, views.stale_cutoff(days or settings.stale_after_days))
    if wants_csv(request):
        return csv_response(session, stmt, StaleAssetRead, "stale-assets.csv")
    return paginate(
        session,
        stmt,
        page,
        sort_columns={"last_seen": Asset.last_seen, "name": Asset.name},
        default_sort="last_seen",
        id_column=Asset.id,
    )


@router.post("/inventory/stale/flag", response_model=StaleFlagged)
def flag_stale(
    session: SessionDep, principal: WriteDep, settings: SettingsDep, days: Days = None
) -> StaleFlagged:
    """Flag every stale machine for a technician to look at."""
    cutoff = views.stale_cutoff(days or settings.stale_after_days)
    return StaleFlagged(flagged=views.flag_stale_assets(session, principal, cutoff), older_than=cutoff)
