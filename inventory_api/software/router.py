"""The software catalog: titles with installation counts, and where each is installed."""

import uuid

from fastapi import APIRouter, Query

from inventory_api.assets.service import require_asset
from inventory_api.deps import ReadDep, SessionDep
from inventory_api.errors import NotFound
from inventory_api.idempotency import IdempotentRoute
from inventory_api.pagination import Page, PageDep, paginate
from inventory_api.routing import ERROR_RESPONSES
from inventory_api.software import views
from inventory_api.software.models import Installation, SoftwareTitle
from inventory_api.software.schemas import InstallationRead, TitleRead

router = APIRouter(
    prefix="/api/v1", tags=["software"], route_class=IdempotentRoute, responses=ERROR_RESPONSES
)
INSTALL_SORTS = {"first_seen": Installation.first_seen, "id": Installation.id}


@router.get("/software", response_model=Page[TitleRead])
def list_software(
    session: SessionDep, principal: ReadDep, page: PageDep,
    q: str | None = Query(None, description="name prefix, case-insensitive"), publisher: str | None = None,
    installed: bool = Query(True, description="only titles installed somewhere"),
) -> Page[TitleRead]:  # fmt: skip
    """Catalog titles with their installation counts and versions on the sites you can see."""
    stmt = views.titles_query(q=q, publisher=publisher, installed=installed)
    result = paginate(
        session,
        stmt,
        page,
        sort_columns={"name": SoftwareTitle.key},
        default_sort="name",
        id_column=SoftwareTitle.id,
    )
    return Page(
        items=views.with_counts(session, result.items, principal), next=result.next, total=result.total
    )


@router.get("/software/{title_id}/installations", response_model=Page[InstallationRead])
def list_installations(
    session: SessionDep, principal: ReadDep, page: PageDep, title_id: uuid.UUID, version: str | None = None
) -> Page[InstallationRead]:
    """The machines a title is installed on (optionally one version)."""
    if session.get(SoftwareTitle, title_id) is None:
        raise NotFound("software title", title_id)
    stmt = views.installations_query(principal, title_id=title_id, version=version)
    result = paginate(
        session, stmt, page, sort_columns=INSTALL_SORTS, default_sort="id", id_column=Installation.id
    )
    return Page(items=views.describe(session, result.items), next=result.next, total=result.total)


@router.get("/assets/{asset_id}/software", response_model=Page[InstallationRead])
def list_asset_software(
    session: SessionDep, principal: ReadDep, page: PageDep, asset_id: uuid.UUID
) -> Page[InstallationRead]:
    """The software installed on a machine."""
    require_asset(session, asset_id, principal)
    stmt = views.installations_query(principal, asset_id=asset_id)
    result = paginate(
        session, stmt, page, sort_columns=INSTALL_SORTS, default_sort="id", id_column=Installation.id
    )
    return Page(items=views.describe(session, result.items), next=result.next, total=result.total)
