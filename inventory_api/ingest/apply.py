"""Applying a parsed report in its own transaction, within the process's ingest slots: shared by our collector's
route and the other agents' routes (inventory_api/agents/), so every report takes the one pipeline."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

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


def apply_report(
    db: Database, settings: Any, node_key: str, parsed: Any, request_id: str
) -> pipeline.Outcome:
    """The report in its own transaction, committed in the worker thread while the request holds its slot.

    On PostgreSQL a quiet report (nothing but status to write) is first tried as one self-committing statement.
    """
    now = utcnow()
    if not db.is_sqlite:
        outcome = unchanged.receive_unchanged(
            db.engine, node_key=node_key, parsed=parsed, settings=settings, now=now
        )
        if outcome is not None:
            return outcome
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
