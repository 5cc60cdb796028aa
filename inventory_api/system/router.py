"""Liveness, readiness and metrics."""

from ipaddress import ip_address

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from inventory_api import migrations
from inventory_api.auth.service import resolve_principal
from inventory_api.deps import bearer_token
from inventory_api.errors import Unauthorized, Unavailable

router = APIRouter(tags=["system"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> dict[str, str]:
    """The database answers and its schema is at the newest migration."""
    db = request.app.state.db
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        current = migrations.current_revision(db.engine)
    except Exception as exc:  # any driver error means "not ready"
        raise Unavailable(
            f"database unreachable: {type(exc).__name__}", headers={"Retry-After": "5"}
        ) from exc
    head = migrations.head_revision()
    if current != head:
        raise Unavailable(f"database at migration {current}, service needs {head}", code="migrations_pending")
    return {"status": "ready", "migration": head or ""}


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    """Prometheus metrics: open to the configured networks, otherwise a token is needed."""
    settings = request.app.state.settings
    try:
        client = ip_address(request.client.host) if request.client else None
    except ValueError:  # not an address (an in-process test client)
        client = None
    if client is None or not any(client in net for net in settings.metrics_networks):
        token = bearer_token(request)
        if token is None:
            raise Unauthorized("metrics need a token from outside the configured networks")
        with request.app.state.db.sessions() as session:
            resolve_principal(session, token)
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
