"""The technicians' web pages: sign in, one search box, an asset's page with its history, a person's page."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select

from inventory_api.assets import flags as asset_flags
from inventory_api.assets import service as assets
from inventory_api.assets.models import Asset, AssetFlag
from inventory_api.assets.queries import AssetFilters, assets_query
from inventory_api.auth import service as auth
from inventory_api.auth.service import Principal
from inventory_api.auth.signin import set_session_cookie, sign_in
from inventory_api.cabling import paths
from inventory_api.custom_reports import service as saved_reports
from inventory_api.db import utcnow
from inventory_api.deps import SESSION_COOKIE, DbDep, SessionDep, SettingsDep
from inventory_api.errors import AppError, Unauthorized
from inventory_api.history.models import ChangeEvent
from inventory_api.history.service import Actor, recent_changes, set_actor
from inventory_api.imports import service as imports
from inventory_api.inventory import views
from inventory_api.locations import service as locations
from inventory_api.numbers import service as number_pools
from inventory_api.people import service as people
from inventory_api.routing import TransactionalRoute
from inventory_api.search import service as finder
from inventory_api.services import people as leavers
from inventory_api.services.models import Service
from inventory_api.services.service import data_port_state
from inventory_api.software.models import SoftwareTitle
from inventory_api.web import admin, asset_forms, orders
from inventory_api.web import reports as report_pages
from inventory_api.web import views as pages
from inventory_api.workorders import campaigns
from inventory_api.workorders import service as workorders
from inventory_api.workorders.models import WorkOrder

router = APIRouter(include_in_schema=False, route_class=TransactionalRoute)
RESULTS = 50


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "—"


templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape(["html"])
)
templates.filters["when"] = _when
templates.filters["size"] = pages.size
templates.filters["links"] = pages.links
templates.filters["path_links"] = pages.path_links


def page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(templates.get_template(template).render(**context), status_code=status)


class SignInRequired(Exception):
    """The browser has no valid session: send it to the sign-in page."""


def web_principal(request: Request, session: SessionDep) -> Principal:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise SignInRequired
    try:
        principal = auth.resolve_principal(session, token)
    except Unauthorized:
        raise SignInRequired from None
    set_actor(session, Actor("user", str(principal.user_id), principal.username, request.state.request_id))
    return principal


def install(app: Any) -> None:
    """Mount the pages' static files and send signed-out browsers to the sign-in page."""
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, _: SignInRequired) -> Response:
        return RedirectResponse("/login", status_code=303)


@router.get("/login")
def login_form() -> HTMLResponse:
    return page("login.html")


@router.post("/login")
async def login(request: Request, db: DbDep, session: SessionDep, settings: SettingsDep) -> Response:
    form = {k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8", "replace")).items()}
    username, password = form.get("username", ""), form.get("password", "")
    try:
        _, token, _ = sign_in(request, session, db, settings, username, password)
    except AppError as exc:
        return page("login.html", status=exc.status, error=exc.detail)
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(response, request, settings, token)
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        auth.revoke_by_secret(session, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


OPEN_STATES = ("new", "assigned", "in_progress", "on_hold")


def home(session: Any, principal: Principal, settings: Any) -> dict[str, Any]:
    """The day's start: my open orders and my sites' (soonest due first, with their SLA), open flags, machines
    not seen for the stale period, and the newest changes to my sites' assets."""
    now = utcnow()
    due = WorkOrder.resolution_due_at.is_(None), WorkOrder.resolution_due_at, WorkOrder.created_at
    team = workorders.list_statement(principal).where(WorkOrder.state.in_(OPEN_STATES)).order_by(*due)
    mine = team.where(WorkOrder.assignee_id == principal.user_id)
    cutoff = views.stale_cutoff(settings.stale_after_days)
    stale = views.stale_assets_query(principal, cutoff).order_by(Asset.last_seen).limit(20)
    changes = (
        select(ChangeEvent, Asset).join(Asset, Asset.id == ChangeEvent.subject_id)
        .where(ChangeEvent.subject_type == "asset").order_by(ChangeEvent.id.desc()).limit(20)
    )  # fmt: skip
    if principal.site_ids is not None:
        changes = changes.where(Asset.site_id.in_(principal.site_ids))
    flags = asset_flags.flags_query(principal, open_only=True).order_by(AssetFlag.created_at.desc()).limit(20)
    return {
        "mine": [(o, sla_badge(o, now)) for o in session.scalars(mine.limit(50))],
        "team": [(o, sla_badge(o, now)) for o in session.scalars(team.limit(50))],
        "flags": list(session.scalars(flags)), "stale": list(session.scalars(stale)), "stale_days":
        settings.stale_after_days, "changes": list(session.execute(changes)),
    }  # fmt: skip


def sla_badge(order: Any, now: datetime) -> tuple[str, str]:
    """(css class, words) of an order's resolution clock: breached, at risk (under a quarter left), or time left."""
    if order.state == "on_hold":
        return "hold", "on hold (clock paused)"
    if order.resolution_due_at is None:
        return "none", "no SLA"
    left = order.resolution_due_at - now
    hours = abs(left.total_seconds()) / 3600
    words = f"{hours:.0f} h" if hours >= 1 else f"{abs(left.total_seconds()) / 60:.0f} min"
    if left.total_seconds() < 0:
        return "breached", f"breached {words} ago"
    total = order.resolution_due_at - order.created_at
    return ("at-risk" if left < total / 4 else "ok"), f"{words} left"


@router.get("/")
def search(
    request: Request, session: SessionDep, settings: SettingsDep, q: str | None = None
) -> HTMLResponse:
    """One box: tag, serial, hostname, MAC, IP, a person's name or e-mail, a phone number, a jack label, a room,
    a work order's id or reference, a software title; one record found opens its page."""
    principal = web_principal(request, session)
    q = (q or "").strip()
    if not q:
        return page("home.html", principal=principal, q=q, **home(session, principal, settings))
    found = finder.search(session, principal, q)
    if (only := found.only()) is not None:
        return orders.redirect(only)  # one record: straight to its page
    return page(
        "search.html", principal=principal, q=q, assets=found.assets, people=found.people, services=found.services,
        jacks=found.jacks, rooms=found.rooms, work_orders=found.work_orders, titles=found.titles,
    )  # fmt: skip


@router.get("/assets/new")
def new_asset_form(request: Request, session: SessionDep) -> HTMLResponse:
    """A new asset: equipment that does not report itself (a monitor, a phone, a switch) or one bought in stock."""
    principal = web_principal(request, session)
    return page("asset_form.html", principal=principal, csrf=orders.csrf_token(request), asset=None,
                form={"status": "in_stock"}, **asset_forms.context(session, principal))  # fmt: skip


@router.post("/assets/new")
async def new_asset(request: Request, session: SessionDep) -> Response:
    """Add an asset; an error shows by the form, which keeps what was typed."""
    return await _asset_edit(request, session, None)


@router.get("/assets/{asset_id}/edit")
def edit_asset_form(asset_id: uuid.UUID, request: Request, session: SessionDep) -> HTMLResponse:
    principal = web_principal(request, session)
    asset = assets.get_asset(session, asset_id, principal)
    if asset is None:
        return page("search.html", status=404, principal=principal, q=str(asset_id), assets=[], people=[])
    return page("asset_form.html", principal=principal, csrf=orders.csrf_token(request), asset=asset,
                form=asset_forms.form_of(session, asset), **asset_forms.context(session, principal))  # fmt: skip


@router.post("/assets/{asset_id}/edit")
async def edit_asset(asset_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    """Change an asset's fields, place and status (along its lifecycle); an error keeps what was typed."""
    return await _asset_edit(request, session, asset_id)


async def _asset_edit(request: Request, session: Any, asset_id: uuid.UUID | None) -> Response:
    principal = web_principal(request, session)
    form: dict[str, str] = {}
    try:
        form = await orders.read_form(request)
        if asset_id is None:
            asset_id = asset_forms.create(session, principal, form)
        else:
            asset_forms.update(session, principal, asset_id, form)
    except AppError as exc:
        asset = assets.get_asset(session, asset_id, principal) if asset_id else None
        return page("asset_form.html", status=exc.status, principal=principal, error=exc.detail, form=form,
                    asset=asset, csrf=orders.csrf_token(request), **asset_forms.context(session, principal))  # fmt: skip
    return orders.redirect(f"/assets/{asset_id}")


@router.get("/assets/{asset_id}")
def asset_page(
    asset_id: uuid.UUID, request: Request, session: SessionDep, software: str | None = None
) -> HTMLResponse:
    """An asset: summary, reported hardware, network and path, security, services, work orders, software (a
    filter box), flags and history."""
    principal = web_principal(request, session)
    asset = assets.get_asset(session, asset_id, principal)
    if asset is None:
        return page("search.html", status=404, principal=principal, q=str(asset_id), assets=[], people=[])
    place = locations.get_location(session, asset.location_id) if asset.location_id else None
    location = locations.breadcrumb(session, place) if place else []
    person = people.get_person(session, asset.assigned_person_id) if asset.assigned_person_id else None
    children = list(
        session.scalars(select(Asset).where(Asset.parent_id == asset.id, Asset.deleted_at.is_(None)))
    )
    history = recent_changes(session, "asset", asset.id, limit=100)
    return page(
        "asset.html", principal=principal, csrf=orders.csrf_token(request), choices=orders.CHOICES,
        can_write="write" in principal.permissions, asset=asset, location=location, person=person, children=children,
        flags=[f for f in asset_flags.asset_flags(session, asset) if f.resolved_at is None], history=history,
        **pages.asset_details(session, principal, asset, (software or "").strip()),
    )  # fmt: skip


@router.get("/number-pools/{pool_id}")
def pool_page(pool_id: uuid.UUID, request: Request, session: SessionDep) -> HTMLResponse:
    """A number pool: free, reserved, allocated, assigned (to whom) and quarantined numbers."""
    principal = web_principal(request, session)
    try:
        pool = number_pools.require_pool(session, pool_id, principal.site_ids)
    except AppError:
        return page("search.html", status=404, principal=principal, q=str(pool_id), assets=[], people=[])
    return page("pool.html", principal=principal, pool=pool, **pages.pool_details(session, pool))


@router.get("/software/{title_id}")
def software_page(title_id: uuid.UUID, request: Request, session: SessionDep) -> HTMLResponse:
    """A software title: its versions and the machines of my sites it is on."""
    principal = web_principal(request, session)
    title = session.get(SoftwareTitle, title_id)
    if title is None:
        return page("search.html", status=404, principal=principal, q=str(title_id), assets=[], people=[])
    return page(
        "software.html", principal=principal, title=title, **pages.title_details(session, principal, title)
    )


@router.get("/people/new")
def new_person_form(request: Request, session: SessionDep) -> HTMLResponse:
    """The new-hire form."""
    principal = web_principal(request, session)
    return page("person_new.html", principal=principal, sites=orders.sites_for(session, principal),
                csrf=orders.csrf_token(request), form={})  # fmt: skip


@router.post("/people/new")
async def new_person(request: Request, session: SessionDep) -> Response:
    """Add a person; an error shows by the form, which keeps what was typed."""
    principal = web_principal(request, session)
    form: dict[str, str] = {}
    try:
        form = await orders.read_form(request)
        person_id = orders.new_person(session, principal, form)
    except AppError as exc:
        return page("person_new.html", status=exc.status, principal=principal, error=exc.detail, form=form,
                    sites=orders.sites_for(session, principal), csrf=orders.csrf_token(request))  # fmt: skip
    return orders.redirect(f"/people/{person_id}")


@router.get("/people/{person_id}/edit")
def edit_person_form(person_id: uuid.UUID, request: Request, session: SessionDep) -> HTMLResponse:
    principal = web_principal(request, session)
    person = people.get_person(session, person_id, principal)
    if person is None:
        return page("search.html", status=404, principal=principal, q=str(person_id), assets=[], people=[])
    return page("person_new.html", principal=principal, person=person, form=orders.person_form(person),
                sites=orders.sites_for(session, principal), csrf=orders.csrf_token(request))  # fmt: skip


@router.post("/people/{person_id}/edit")
async def edit_person(person_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    """Change a person; an error shows by the form, which keeps what was typed."""
    principal = web_principal(request, session)
    form: dict[str, str] = {}
    try:
        form = await orders.read_form(request)
        orders.edit_person(session, principal, person_id, form)
    except AppError as exc:
        person = people.get_person(session, person_id, principal)
        return page("person_new.html", status=exc.status, principal=principal, error=exc.detail, form=form,
                    person=person, sites=orders.sites_for(session, principal), csrf=orders.csrf_token(request))  # fmt: skip
    return orders.redirect(f"/people/{person_id}")


@router.get("/people/{person_id}")
def person_page(person_id: uuid.UUID, request: Request, session: SessionDep) -> HTMLResponse:
    """A person: their assets with the path of each to its switch port, and their services."""
    principal = web_principal(request, session)
    person = people.get_person(session, person_id, principal)
    if person is None:
        return page("search.html", status=404, principal=principal, q=str(person_id), assets=[], people=[])
    owned = list(
        session.scalars(assets_query(session, principal, AssetFilters(assigned_person_id=person.id)).bound())
    )
    held = select(Service).where(Service.person_id == person.id, Service.deleted_at.is_(None))
    listed = list(session.scalars(held.order_by(Service.type, Service.number)))
    return page(
        "person.html", principal=principal, person=person, assets=owned, pools=orders.pools_for(session, person),
        rooms=orders.rooms_for(session, person), choices=orders.CHOICES,
        csrf=orders.csrf_token(request), can_write="write" in principal.permissions,
        paths=paths.paths_for_person(session, person, principal.site_ids),
        services=listed, service_fields=orders.SERVICE_FIELDS,
        ports={s.id: data_port_state(session, s) for s in listed if s.type == "data_port"},
        checkouts=leavers.checkouts(session, person, principal.site_ids),
    )  # fmt: skip


@router.get("/work-orders/{order_id}")
def work_order_page(order_id: uuid.UUID, request: Request, session: SessionDep) -> HTMLResponse:
    """A work order: its state and SLA, linked items, notes and history; the allowed next states as buttons."""
    principal = web_principal(request, session)
    try:
        context = orders.order_page(session, request, principal, order_id)
    except AppError:
        return page("search.html", status=404, principal=principal, q=str(order_id), assets=[], people=[])
    return page(
        "work_order.html", principal=principal, badge=sla_badge(context["order"], utcnow()), **context
    )


async def _order_form(request: Request, session: Any, order_id: uuid.UUID, change: Any) -> Response:
    principal = web_principal(request, session)
    try:
        form = await orders.read_form(request)
        change(session, principal, order_id, form)
    except AppError as exc:
        try:
            context = orders.order_page(session, request, principal, order_id)
        except AppError:
            return page("search.html", status=404, principal=principal, q=str(order_id), assets=[], people=[])
        return page("work_order.html", status=exc.status, principal=principal, error=exc.detail,
                    badge=sla_badge(context["order"], utcnow()), **context)  # fmt: skip
    return orders.redirect(f"/work-orders/{order_id}")


@router.post("/work-orders/{order_id}/state")
async def work_order_state(order_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    """Move the order to one of its allowed next states (resolving applies its items)."""
    return await _order_form(request, session, order_id, orders.change_state)


@router.post("/work-orders/{order_id}/notes")
async def work_order_note(order_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    """Add a work note."""
    return await _order_form(request, session, order_id, orders.add_note)


@router.post("/work-orders/{order_id}/time")
async def work_order_time(order_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    """Book time on the order."""
    return await _order_form(request, session, order_id, orders.add_time)


@router.post("/assets/{asset_id}/work-orders")
async def asset_work_order(asset_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    """Open a work order about this asset, from its page."""
    return await handle_form(request, session, f"/assets/{asset_id}", lambda who, form: (
        f"/work-orders/{orders.open_for_asset(session, who, asset_id, form)}"))  # fmt: skip


@router.post("/people/{person_id}/work-orders")
async def person_work_order(person_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    """Open a work order the person asked for, naming their ticked assets and services (a move with its target)."""
    return await handle_form(request, session, f"/people/{person_id}", lambda who, form: (
        f"/work-orders/{orders.open_for_person(session, who, person_id, form)}"))  # fmt: skip


@router.post("/flags/{flag_id}/resolve")
async def resolve_flag(flag_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    """Close a flag from its asset's page, saying what was decided."""
    return await handle_form(request, session, "/", lambda who, form: (
        f"/assets/{orders.resolve_flag(session, who, flag_id, form)}"))  # fmt: skip


async def handle_form(request: Request, session: Any, back: str, change: Any) -> Response:
    """A web form: its CSRF token checked, `change(principal, form)` made (it answers where to go next); an error
    shows on a page with a way back, with the status that rolls the request back."""
    principal = web_principal(request, session)
    try:
        target = change(principal, await orders.read_form(request))
    except AppError as exc:
        return page("message.html", status=exc.status, principal=principal, error=exc.detail, back=back)
    return orders.redirect(target)


async def _asset_form(request: Request, session: Any, asset_id: uuid.UUID, change: Any) -> Response:
    back = f"/assets/{asset_id}"
    return await handle_form(
        request, session, back, lambda who, form: change(session, who, asset_id, form) or back
    )


@router.post("/assets/{asset_id}/checkout")
async def check_out(asset_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    """Hand the asset to a person, from its page."""
    return await _asset_form(request, session, asset_id, orders.check_out)


@router.post("/assets/{asset_id}/checkin")
async def check_in(asset_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    """Take the asset back into stock, from its page."""
    return await _asset_form(request, session, asset_id, orders.check_in)


@router.post("/people/{person_id}/services")
async def give_number(person_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    """Give the person the next free extension or DID of a pool of their site, from their page."""
    back = f"/people/{person_id}"
    return await handle_form(request, session, back, lambda who, form: (
        orders.give_number(session, who, person_id, form) or back))  # fmt: skip


@router.post("/people/{person_id}/other-services")
async def add_service(person_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    """Give the person a voicemail box, a data jack on its VLAN, remote access, a mobile line …"""
    back = f"/people/{person_id}"
    return await handle_form(request, session, back, lambda who, form: (
        orders.add_service(session, who, person_id, form) or back))  # fmt: skip


@router.post("/people/{person_id}/offboard")
async def offboard(
    person_id: uuid.UUID, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    """A leaver: their services disconnected, their numbers to quarantine."""
    back = f"/people/{person_id}"
    return await handle_form(request, session, back, lambda who, form: (
        orders.offboard(session, who, person_id, form, settings.number_quarantine_days) or back))  # fmt: skip


@router.get("/imports")
def import_form(request: Request, session: SessionDep) -> HTMLResponse:
    """Paste a CSV of people, locations, assets or services; try it as a dry run first."""
    principal = web_principal(request, session)
    return page("import.html", principal=principal, csrf=orders.csrf_token(request), kinds=orders.IMPORT_KINDS,
                form={})  # fmt: skip


@router.post("/imports")
async def start_import(
    request: Request, session: SessionDep, db: DbDep, settings: SettingsDep, background: BackgroundTasks
) -> Response:
    """Start the import job and show its page (it runs in the background, as through the API)."""
    principal = web_principal(request, session)
    form: dict[str, str] = {}
    try:
        form = await orders.read_form(request, files_to=imports.spool_dir(settings.import_spool_dir))
        job = orders.start_import(session, principal, form, settings)
    except AppError as exc:
        return page("import.html", status=exc.status, principal=principal, error=exc.detail, form=form,
                    csrf=orders.csrf_token(request), kinds=orders.IMPORT_KINDS)  # fmt: skip
    background.add_task(imports.run_job, db, job.id, quarantine_days=settings.number_quarantine_days)
    return orders.redirect(f"/imports/{job.id}")


@router.get("/imports/{job_id}")
def import_page(job_id: uuid.UUID, request: Request, session: SessionDep) -> HTMLResponse:
    """An import job: its status, counts and each bad row with its column and reason."""
    principal = web_principal(request, session)
    try:
        job = orders.import_job(session, principal, job_id)
    except AppError:
        return page("search.html", status=404, principal=principal, q=str(job_id), assets=[], people=[])
    return page("import_job.html", principal=principal, job=job)


@router.get("/reports")
def reports_index(request: Request, session: SessionDep) -> HTMLResponse:
    """The built-in reports, each with what it answers."""
    principal = web_principal(request, session)
    return page(
        "reports.html",
        principal=principal,
        reports=report_pages.service.REPORTS,
        custom=list(session.scalars(saved_reports.visible(principal))),
    )


def _report_route(name: str, report: Any) -> None:
    """One report's page: its parameters as a form, its rows, chart and CSV; a wrong one shows by the form."""

    def show(request: Request, session: SessionDep) -> Any:
        principal = web_principal(request, session)
        try:
            context = report_pages.run(session, principal, name, request.query_params)
        except AppError as exc:
            return page(
                "message.html", status=exc.status, principal=principal, error=exc.detail, back="/reports"
            )
        return page("report.html", principal=principal, csrf=orders.csrf_token(request),
                    can_write="write" in principal.permissions, status=context.pop("status"), **context)  # fmt: skip

    router.add_api_route(f"/reports/{name}", show, methods=["GET"], name=f"page_report_{name}",
                         dependencies=[Depends(report_pages.declared(report))])  # fmt: skip


for _name, _report in report_pages.service.REPORTS.items():
    _report_route(_name, _report)


@router.post("/campaigns")
async def new_campaign(request: Request, session: SessionDep) -> Response:
    """Today's upgrade candidates made a campaign (one work order each), from the candidates report."""
    return await handle_form(request, session, "/reports/upgrade-candidates", lambda who, form: (
        f"/campaigns/{report_pages.campaign(session, who, form)}"))  # fmt: skip


@router.get("/campaigns/{campaign_id}")
def campaign_page(campaign_id: uuid.UUID, request: Request, session: SessionDep) -> HTMLResponse:
    """A campaign's progress and its work orders."""
    principal = web_principal(request, session)
    try:
        campaign = campaigns.require_campaign(session, campaign_id, principal)
    except AppError:
        return page("search.html", status=404, principal=principal, q=str(campaign_id), assets=[], people=[])
    members = select(WorkOrder).where(WorkOrder.campaign_id == campaign.id, WorkOrder.deleted_at.is_(None))
    return page("campaign.html", principal=principal, campaign=campaign,
                progress=campaigns.progress(session, campaign),
                orders=list(session.scalars(members.order_by(WorkOrder.title).limit(500))))  # fmt: skip


@router.get("/admin")
def admin_page(request: Request, session: SessionDep) -> HTMLResponse:
    """Users, enroll secrets and collectors of my sites (admins)."""
    principal = web_principal(request, session)
    try:
        context = admin.overview(session, principal)
    except AppError as exc:
        return page("message.html", status=exc.status, principal=principal, error=exc.detail, back="/")
    return page("admin.html", principal=principal, csrf=orders.csrf_token(request), **context)


@router.post("/admin/enroll-secrets")
async def admin_new_secret(request: Request, session: SessionDep) -> Response:
    """A new enroll secret, shown once on the page that answers (never stored in plain text)."""
    principal = web_principal(request, session)
    try:
        plain = admin.new_secret(session, principal, await orders.read_form(request))
    except AppError as exc:
        return page("message.html", status=exc.status, principal=principal, error=exc.detail, back="/admin")
    return page("admin.html", status=201, principal=principal, csrf=orders.csrf_token(request), new_secret=plain,
                **admin.overview(session, principal))  # fmt: skip


@router.post("/admin/tokens")
async def admin_new_token(request: Request, session: SessionDep) -> Response:
    """A new API token for a user the admin manages, shown once on the page that answers."""
    principal = web_principal(request, session)
    try:
        plain = admin.new_token(session, principal, await orders.read_form(request))
    except AppError as exc:
        return page("message.html", status=exc.status, principal=principal, error=exc.detail, back="/admin")
    return page("admin.html", status=201, principal=principal, csrf=orders.csrf_token(request), new_token=plain,
                **admin.overview(session, principal))  # fmt: skip


@router.post("/admin/users")
async def admin_new_user(request: Request, session: SessionDep) -> Response:
    return await handle_form(
        request, session, "/admin", lambda who, form: admin.add_user(session, who, form) or "/admin"
    )


def _admin_action(path: str, change: Any) -> None:
    async def act(item_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
        return await handle_form(
            request, session, "/admin", lambda who, form: change(session, who, item_id, form) or "/admin"
        )

    router.add_api_route(path, act, methods=["POST"], name=f"admin_{change.__name__}")


for _path, _change in (
    ("/admin/users/{item_id}/active", admin.set_active),
    ("/admin/enroll-secrets/{item_id}/revoke", admin.revoke_secret),
    ("/admin/tokens/{item_id}/revoke", admin.revoke_token),
    ("/admin/collectors/{item_id}/approve", admin.approve),
    ("/admin/collectors/{item_id}/revoke", admin.revoke_collector),
):
    _admin_action(_path, _change)
