"""Applying a parsed report in its own transaction, within the process's ingest slots: shared by our collector's
route and the other agents' routes (inventory_api/agents/), so every report takes the one pipeline."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.concurrency import run_in_threadpool

from inventory_api.db import Database, utcnow
from inventory_api.errors import Unavailable
from inventory_api.history.service import Actor, set_actor
from inventory_api.ingest import pipeline, unchanged
from inventory_api.ingest.flags import flag_asset


def _slots(state: Any, settings: Any, db: Database) -> asyncio.Semaphore:
    """Reports applied at once in this process; one on SQLite, whose writers queue here in order rather than
    poll for the database lock."""
    slots = getattr(state, "ingest_slots", None)
    if slots is None:
        count = 1 if db.is_sqlite else settings.ingest_max_concurrent
        slots = state.ingest_slots = asyncio.Semaphore(count)
    return slots


@asynccontextmanager
async def ingest_slot(state: Any, settings: Any, db: Database) -> AsyncIterator[None]:
    """Hold one of the app's ingest slots; 503 overloaded after `ingest_wait_seconds`."""
    slots = _slots(state, settings, db)
    if slots.locked():  # else acquire() returns at once: no task and timer for wait_for to set up
        try:
            await asyncio.wait_for(slots.acquire(), timeout=settings.ingest_wait_seconds)
        except TimeoutError:
            raise Unavailable(
                "the server is busy; keep the report and send it later",
                code="overloaded",
                headers={"Retry-After": "30"},
            ) from None
    else:
        await slots.acquire()
    try:
        yield
    finally:
        slots.release()


def _flag_conflict(db: Database, exc: pipeline.IdentityConflict) -> None:
    with db.transaction() as session:
        set_actor(session, Actor("system", name="ingest"))
        flag_asset(session, exc.asset_id, "identity_conflict", exc.conflict)


async def apply_collector_report(
    state: Any, db: Database, settings: Any, node_key: str, parsed: Any, request_id: str
) -> pipeline.Outcome:
    """Our collector's report, within a slot: on PostgreSQL a quiet one (nothing but status to write, 95 % of
    a fleet's reports) by one self-committing statement in the event loop; any other in a worker thread."""
    async with ingest_slot(state, settings, db):
        if not db.is_sqlite:
            quiet = getattr(state, "quiet_reports", None)
            if quiet is None:
                quiet = state.quiet_reports = unchanged.QuietReports(
                    db.engine.url, settings.ingest_max_concurrent
                )
            outcome = await quiet.receive(node_key=node_key, parsed=parsed, settings=settings, now=utcnow())
            if outcome is not None:
                return outcome
        return await run_in_threadpool(apply_report, db, settings, node_key, parsed, request_id)


def apply_report(
    db: Database, settings: Any, node_key: str, parsed: Any, request_id: str
) -> pipeline.Outcome:
    """The report in its own transaction, committed in the worker thread while the request holds its slot."""
    now = utcnow()
    try:
        with db.transaction() as session:
            return pipeline.receive_report(
                session,
                node_key=node_key,
                parsed=parsed,
                settings=settings,
                now=now,
                request_id=request_id,
            )
    except pipeline.IdentityConflict as exc:
        _flag_conflict(db, exc)
        raise
