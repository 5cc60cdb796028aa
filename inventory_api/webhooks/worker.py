"""The delivery worker: fan out the outbox, check SLAs, post due deliveries; once, or in a loop."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from sqlalchemy import func, select

from inventory_api.db import Database, utcnow
from inventory_api.events.models import OutboxEvent
from inventory_api.idempotency import purge_expired
from inventory_api.imports.liveness import fail_all_abandoned
from inventory_api.notify import service as notices
from inventory_api.retention import prune
from inventory_api.settings import Settings, get_settings
from inventory_api.sla.breaches import find_sla_events, record_sla_events
from inventory_api.webhooks import sender, service
from inventory_api.webhooks.models import WebhookDelivery, WebhookSubscription

log = logging.getLogger(__name__)


def deliver_due(db: Database, now: datetime, settings: Settings) -> int:
    """Lease the due deliveries, post them (in parallel across subjects), record each outcome."""
    lease = timedelta(seconds=settings.webhook_timeout_seconds * 3 + 5)
    jobs = []
    with db.transaction() as session:
        for row in service.claim_due(session, now, lease):
            sub = session.get(WebhookSubscription, row.subscription_id)
            event = session.get(OutboxEvent, row.outbox_id)
            body = sender.message_body(row.event_type, event.created_at, event.payload)
            jobs.append((row.id, sub.url, sub.secret, row.message_id, body))
    if not jobs:
        return 0

    allowed = list(settings.webhook_allowed_networks)
    with sender.client(settings.webhook_timeout_seconds) as http:

        def send(job: tuple[int, str, str, str, str]) -> tuple[int, sender.Outcome]:
            delivery_id, url, secret, message_id, body = job
            return delivery_id, sender.post(http, url, secret, message_id, body, allowed=allowed)

        with ThreadPoolExecutor(max_workers=min(8, len(jobs))) as pool:
            outcomes = list(pool.map(send, jobs))
    with db.transaction() as session:
        for delivery_id, outcome in outcomes:
            service.record_result(
                session, delivery_id, ok=outcome.ok, status_code=outcome.status_code, error=outcome.error,
                now=now,
                max_attempts=settings.webhook_max_attempts, base=settings.webhook_backoff_base_seconds,
                cap=settings.webhook_backoff_max_seconds,
            )  # fmt: skip
    return len(jobs)


def run_once(db: Database, now: datetime | None = None, settings: Settings | None = None) -> dict[str, int]:
    """One pass: record SLA events, purge old idempotency keys, fail import jobs whose process died, fan out the
    outbox, deliver what is due, prune history and webhook traffic past their retention."""
    now = now or utcnow()
    settings = settings or get_settings()
    # Computing SLA clocks only reads: on SQLite the write lock is taken only when there is something to record.
    with db.sessions() as session:
        found = find_sla_events(session, now, at_risk_percent=settings.sla_at_risk_percent)
    with db.transaction() as session:
        sla_events = record_sla_events(session, found, now)
        purge_expired(session, now)
        abandoned = fail_all_abandoned(session, now, timedelta(minutes=settings.import_job_timeout_minutes))
    with db.transaction() as session:
        fanned = service.fan_out(session, now, notify=bool(settings.smtp_host))
    delivered = deliver_due(db, now, settings)
    mailed = notices.send_due(db, now, settings)
    pruned = prune(db, now, settings)
    return {
        "sla_events": sla_events,
        "fanned_out": fanned,
        "attempted": delivered,
        "mailed": mailed,
        "abandoned_imports": abandoned,
        "pruned_history": pruned["history"],
        "pruned_outbox_events": pruned["outbox_events"],
    }


def run_forever(db: Database, settings: Settings, stop_event: threading.Event | None = None) -> None:
    """Run passes every `worker_interval_seconds` until `stop_event` is set; a failing pass is logged, not fatal."""
    stop_event = stop_event or threading.Event()
    while not stop_event.is_set():
        try:
            result = run_once(db, utcnow(), settings)
            busy = result["attempted"] > 0 or result["fanned_out"] > 0 or result["mailed"] > 0
        except Exception:
            log.exception("worker pass failed; trying again next interval")
            busy = False
        if not busy:
            stop_event.wait(settings.worker_interval_seconds)


def start_worker_thread(db: Database, settings: Settings) -> tuple[threading.Thread, threading.Event]:
    """The worker as a daemon thread inside `serve`; set the returned event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=run_forever, args=(db, settings, stop), name="webhook-worker", daemon=True
    )
    thread.start()
    return thread, stop


def pending_count(db: Database) -> int:
    """Deliveries not yet delivered or dead (for metrics and tests)."""
    with db.sessions() as session:
        return session.scalar(select(func.count()).where(WebhookDelivery.status == "pending")) or 0
