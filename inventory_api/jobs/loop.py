"""The background worker: every job in turn, once (`run_once`) or in a loop (`inventory-api worker`, or a thread
inside `serve`)."""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from sqlalchemy import func, select

from inventory_api.db import Database, utcnow
from inventory_api.jobs import housekeeping, mail, outbox, retention, scheduled_reports, sla
from inventory_api.settings import Settings, get_settings
from inventory_api.webhooks.models import WebhookDelivery

log = logging.getLogger(__name__)
#: In order: SLA events first (they go out through the outbox in the same pass).
JOBS = (sla, housekeeping, outbox, mail, scheduled_reports, retention)


def run_once(db: Database, now: datetime | None = None, settings: Settings | None = None) -> dict[str, int]:
    """One pass of every job; what each did, by name."""
    now = now or utcnow()
    settings = settings or get_settings()
    done: dict[str, int] = {}
    for job in JOBS:
        done |= job.run(db, now, settings)
    return done


def run_forever(db: Database, settings: Settings, stop_event: threading.Event | None = None) -> None:
    """Run passes every `worker_interval_seconds` until `stop_event` is set; a failing pass is logged, not fatal.
    A pass that sent something is followed at once by the next."""
    stop_event = stop_event or threading.Event()
    while not stop_event.is_set():
        try:
            result = run_once(db, utcnow(), settings)
            busy = any(result[k] > 0 for k in ("attempted", "fanned_out", "mailed"))
        except Exception:
            log.exception("worker pass failed; trying again next interval")
            busy = False
        if not busy:
            stop_event.wait(settings.worker_interval_seconds)


def start_worker_thread(db: Database, settings: Settings) -> tuple[threading.Thread, threading.Event]:
    """The worker as a daemon thread inside `serve`; set the returned event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=run_forever, args=(db, settings, stop), name="background-worker", daemon=True
    )
    thread.start()
    return thread, stop


def pending_count(db: Database) -> int:
    """Deliveries not yet delivered or dead (for metrics and tests)."""
    with db.sessions() as session:
        return session.scalar(select(func.count()).where(WebhookDelivery.status == "pending")) or 0
