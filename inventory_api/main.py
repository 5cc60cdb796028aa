"""The FastAPI application."""

from __future__ import annotations

import gc
import importlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache

from fastapi import FastAPI

from inventory_api import models  # noqa: F401  (every table registered before the app runs)
from inventory_api.auth.service import PrincipalCache
from inventory_api.db import Database
from inventory_api.edge import Edge
from inventory_api.errors import install_error_handlers
from inventory_api.jobs import loop as worker
from inventory_api.settings import Settings, get_settings
from inventory_api.system.metrics import Metrics, RequestContextMiddleware
from inventory_api.web import router as web

#: Each domain's router, in the order they appear in the OpenAPI document.
ROUTERS = (
    "inventory_api.system.router",
    "inventory_api.auth.router",
    "inventory_api.ingest.router",
    "inventory_api.ingest.admin_router",
    "inventory_api.agents.router",
    "inventory_api.inventory.router",
    "inventory_api.software.router",
    "inventory_api.locations.router",
    "inventory_api.people.router",
    "inventory_api.catalog.router",
    "inventory_api.assets.router",
    "inventory_api.assets.admin_router",
    "inventory_api.workorders.router",
    "inventory_api.workorders.campaign_router",
    "inventory_api.sla.router",
    "inventory_api.reports.router",
    "inventory_api.custom_reports.router",
    "inventory_api.changeseq",
    "inventory_api.webhooks.router",
    "inventory_api.cabling.router",
    "inventory_api.services.router",
    "inventory_api.numbers.router",
    "inventory_api.web.router",
    "inventory_api.web.status",
    "inventory_api.web.custom_reports",
    "inventory_api.web.places",
    "inventory_api.web.service_pages",
    "inventory_api.services.people_router",
    "inventory_api.assignments.router",
    "inventory_api.imports.router",
    "inventory_api.search.router",
)

#: Routers whose routes are tried first. FastAPI tries a request against every route in order (~1 µs each, ~0.2 ms
#: to get past the 300 routes before the assets' ones): the busiest requests, collectors' reports and look-ups,
#: should not pay for the rest.
BUSIEST = ("inventory_api.ingest.router", "inventory_api.assets.router")


@cache
def freeze_loaded_objects() -> None:
    """Once per process, at the first start: what is loaded by then (modules, routes, schemas, the mappers) lives
    as long as the process. Frozen out of the garbage collector's reach, it is no longer walked by every full
    collection, each of which paused all requests for 50–100 ms here (220 000 objects)."""
    gc.collect()
    gc.freeze()


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Run the webhook/SLA worker inside the service when configured (the single-machine default)."""
    freeze_loaded_objects()
    stop = None
    if app.state.settings.worker_in_serve:
        _, stop = worker.start_worker_thread(app.state.db, app.state.settings)
    yield
    if stop is not None:
        stop.set()
    quiet = getattr(app.state, "quiet_reports", None)
    if quiet is not None:
        await quiet.close()


def install_api_reference(app: FastAPI) -> None:
    """`/docs`: Swagger UI served from the installed `swagger-ui-bundle` package, so it works without internet
    (FastAPI's default page loads it from a CDN)."""
    import swagger_ui_bundle
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import HTMLResponse
    from fastapi.staticfiles import StaticFiles

    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def api_reference() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} — API reference",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js", swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png",
        )  # fmt: skip


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    """The service: routers of every domain, error handlers, request ids and metrics."""
    settings = settings or get_settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app = FastAPI(
        lifespan=lifespan,
        title="endpoint-inventory",
        version="0.1.0",
        description="Inventory of workstations, voice and data equipment, user services and work orders.",
        docs_url=None,
        redoc_url=None,
    )
    install_api_reference(app)
    app.state.settings = settings
    app.state.db = db or Database(settings.database_url, pool_size=settings.database_pool_size)
    app.state.metrics = Metrics()
    app.state.principals = PrincipalCache(settings.auth_cache_seconds)
    install_error_handlers(app)
    web.install(app)
    routers = {name: importlib.import_module(name).router for name in ROUTERS}
    for name in sorted(ROUTERS, key=lambda name: name not in BUSIEST):  # stable: the rest keep their order
        app.include_router(routers[name])
    # The documentation keeps the order of ROUTERS: its tags are listed in that order.
    app.openapi_tags = [{"name": tag} for tag in dict.fromkeys(t for r in routers.values() for t in r.tags)]
    # The browser's import form uploads a file as big as the API's import takes.
    app.add_middleware(
        Edge, max_body=settings.max_request_bytes, bigger={"/imports": settings.max_import_bytes}
    )
    app.add_middleware(RequestContextMiddleware, metrics=app.state.metrics, access_log=settings.access_log)
    return app
