"""The FastAPI application."""

from __future__ import annotations

import importlib
import logging

from fastapi import FastAPI

from inventory_api import models  # noqa: F401  (every table registered before the app runs)
from inventory_api.db import Database
from inventory_api.errors import install_error_handlers
from inventory_api.settings import Settings, get_settings
from inventory_api.system.metrics import Metrics, RequestContextMiddleware

#: Each domain's router, in the order they appear in the OpenAPI document.
ROUTERS = (
    "inventory_api.system.router",
    "inventory_api.auth.router",
    "inventory_api.locations.router",
    "inventory_api.people.router",
    "inventory_api.catalog.router",
    "inventory_api.assets.router",
    "inventory_api.assets.admin_router",
)


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    """The service: routers of every domain, error handlers, request ids and metrics."""
    settings = settings or get_settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app = FastAPI(
        title="endpoint-inventory",
        version="0.1.0",
        description="Inventory of workstations, voice and data equipment, user services and work orders.",
    )
    app.state.settings = settings
    app.state.db = db or Database(settings.database_url, pool_size=settings.database_pool_size)
    app.state.metrics = Metrics()
    install_error_handlers(app)
    for name in ROUTERS:
        app.include_router(importlib.import_module(name).router)
    app.add_middleware(RequestContextMiddleware, metrics=app.state.metrics)
    return app
