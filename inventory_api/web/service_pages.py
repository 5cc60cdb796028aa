"""A service in the browser: its page (number, holder, place, devices, a data port's switch port, history) and the
form that changes it — status along its allowed transitions (an extension's disconnection says what becomes of its
DID and voicemail), end date, cost centre, notes — through the same service function as PATCH /api/v1/services."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset
from inventory_api.auth.service import Principal
from inventory_api.deps import SessionDep, SettingsDep
from inventory_api.errors import AppError
from inventory_api.history.service import recent_changes
from inventory_api.locations.models import Location
from inventory_api.people.models import Person
from inventory_api.routing import TransactionalRoute
from inventory_api.services import service as services
from inventory_api.services.models import STATUS_TRANSITIONS
from inventory_api.services.schemas import ServiceUpdate
from inventory_api.web import orders
from inventory_api.web.router import handle_form, page, web_principal

router = APIRouter(include_in_schema=False, route_class=TransactionalRoute)


@router.get("/services/{service_id}")
def service_page(service_id: uuid.UUID, request: Request, session: SessionDep) -> HTMLResponse:
    """A service: what it is, whose, where, on which devices, and what happened to it."""
    principal = web_principal(request, session)
    try:
        service = services.require_service(session, service_id, principal.site_ids)
    except AppError:
        return page("search.html", status=404, principal=principal, q=str(service_id), assets=[], people=[])
    devices = session.scalars(select(Asset).where(Asset.id.in_(services.service_assets(session, service))))
    return page(
        "service.html", principal=principal, service=service, csrf=orders.csrf_token(request),
        person=session.get(Person, service.person_id) if service.person_id else None,
        location=session.get(Location, service.location_id) if service.location_id else None,
        devices=list(devices), port=services.data_port_state(session, service),
        next_states=STATUS_TRANSITIONS[service.status], can_write="write" in principal.permissions,
        editable=editable(service.type),
        history=recent_changes(session, "service", service.id, limit=50),
    )  # fmt: skip


@router.post("/services/{service_id}/edit")
async def edit_service(
    service_id: uuid.UUID, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    """Change a service's status, end date, cost centre or notes."""
    back = f"/services/{service_id}"
    return await handle_form(request, session, back, lambda who, form: (
        change(session, who, service_id, form, settings.number_quarantine_days) or back))  # fmt: skip


def editable(service_type: str) -> tuple[str, ...]:
    """The details of a service the page may change (a data port's jack is moved by a work order)."""
    return tuple(f for f in orders.SERVICE_FIELDS.get(service_type, ()) if f != "jack")


def change(
    session: Session, principal: Principal, service_id: uuid.UUID, form: dict[str, str], quarantine_days: int
) -> None:
    orders.may_write(principal)
    service = services.require_service(session, service_id, principal.site_ids)
    fields = {f: (form.get(f) or "").strip() or None for f in ("end_date", "cost_centre", "notes")}
    status = form.get("status") or service.status
    disconnecting = status == "disconnected" and service.status != "disconnected"
    extension = disconnecting and service.type == "extension"
    values = orders.validated(ServiceUpdate, {
        **fields, "status": status, "dependents": (form.get("dependents") or "refuse") if extension else None,
        "carry_to": (form.get("carry_to") or "").strip() or None if extension else None})  # fmt: skip
    dependents, carry_to = values.pop("dependents", None), values.pop("carry_to", None)
    edited = {f: (form.get(f) or "").strip() or None for f in editable(service.type) if f in form}
    details = {k: v for k, v in {**service.details, **edited}.items() if v is not None}
    if details != service.details:
        values["details"] = details  # checked by the type's own rules in update_service
    services.update_service(session, service, values, sites=principal.site_ids, quarantine_days=quarantine_days,
                            dependents=dependents, carry_to=carry_to)  # fmt: skip
