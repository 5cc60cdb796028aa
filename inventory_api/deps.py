"""Typed FastAPI dependencies: the request's session and the caller's principal."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from inventory_api.auth.service import Principal, PrincipalCache, resolve_principal
from inventory_api.db import Database
from inventory_api.errors import Forbidden, Unauthorized
from inventory_api.history.service import Actor, set_actor
from inventory_api.settings import Settings

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_COOKIE = "inventory_session"


async def get_db(request: Request) -> Database:
    return request.app.state.db


async def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


class Gates:
    """How many requests of this process may hold a database session at once.

    Kept below the request thread pool (40 threads): a request that waits for SQLite's write lock or a pooled
    connection waits here, in the event loop, instead of holding a thread that the transaction it waits for
    needs for its next step. SQLite has one writer at a time, so its write requests pass one by one.
    """

    def __init__(self, db: Database) -> None:
        self.reads = asyncio.Semaphore(db.capacity)
        self.writes = asyncio.Semaphore(1) if db.is_sqlite else self.reads

    @staticmethod
    def of(request: Request) -> Gates:
        gates = getattr(request.app.state, "gates", None)
        if gates is None:  # made on first use, inside the app's event loop
            gates = request.app.state.gates = Gates(request.app.state.db)
        return gates


async def get_session(request: Request) -> AsyncIterator[Session]:
    """The request's one session; `TransactionalRoute` commits it before the answer is sent."""
    db: Database = request.app.state.db
    reading = request.method in READ_METHODS
    gate = Gates.of(request).reads if reading else Gates.of(request).writes
    await gate.acquire()
    released = False

    def release() -> None:
        nonlocal released
        if not released:
            released = True
            gate.release()

    session = (db.sessions if reading else db.write_sessions)()
    session.info["request_id"] = request.state.request_id
    request.state.session = session
    request.state.release_session = release
    try:
        yield session
    finally:
        session.close()
        release()


DbDep = Annotated[Database, Depends(get_db)]
SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def bearer_token(request: Request) -> str | None:
    """The bearer token of the Authorization header, or the browser's session cookie on reads.

    The cookie never authorises a write: the web pages only read, so a forged cross-site form cannot change data.
    """
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.cookies.get(SESSION_COOKIE) if request.method in READ_METHODS else None


async def get_principal(request: Request, session: SessionDep) -> Principal:
    """The authenticated caller; every route but health, metrics and the collectors' needs one.

    Most requests find it in the process's cache, in the event loop; the others resolve it in a worker thread.
    """
    token = bearer_token(request)
    if token is None:
        raise Unauthorized("authentication required: send Authorization: Bearer <token>", code="unauthorized")
    cache: PrincipalCache = request.app.state.principals
    principal = cache.get(token) or await run_in_threadpool(resolve_principal, session, token, cache)
    actor_type = "token" if principal.via_api_token else "user"
    set_actor(
        session, Actor(actor_type, str(principal.user_id), principal.username, request.state.request_id)
    )
    return principal


def require(permission: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets the caller through only with `permission` (read, write or admin)."""

    async def check(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if permission not in principal.permissions:
            raise Forbidden(
                f"this needs the {permission!r} permission; you have {sorted(principal.permissions)}"
            )
        return principal

    check.__name__ = f"require_{permission}"
    return check


ReadDep = Annotated[Principal, Depends(require("read"))]
WriteDep = Annotated[Principal, Depends(require("write"))]
AdminDep = Annotated[Principal, Depends(require("admin"))]


async def every_site_admin(principal: AdminDep) -> Principal:
    """An admin of every site: what is not split by site (webhooks carry every site's events) is theirs alone."""
    if principal.site_ids is not None:
        raise Forbidden("this needs an admin of every site; your grant is limited to some sites")
    return principal


EverySiteAdminDep = Annotated[Principal, Depends(every_site_admin)]
