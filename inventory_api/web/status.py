"""A requester's read-only status page: reached by the link in their e-mails, without signing in."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from inventory_api.db import utcnow
from inventory_api.deps import SessionDep
from inventory_api.notify import service as notices
from inventory_api.routing import TransactionalRoute
from inventory_api.web.router import page, sla_badge

router = APIRouter(include_in_schema=False, route_class=TransactionalRoute)


@router.get("/status/{token}")
def status_page(token: str, request: Request, session: SessionDep) -> HTMLResponse:
    """The order's title, state, priority and due time, and what it is about — or 404 for an unknown or expired
    link (which says nothing of why)."""
    order = notices.open_link(session, token, utcnow())
    if order is None:
        return page("message.html", status=404, principal=None, error="This status link is unknown or has expired.",
                    back="/login")  # fmt: skip
    return page(
        "status.html", principal=None, badge=sla_badge(order, utcnow()), **notices.status_view(session, order)
    )
