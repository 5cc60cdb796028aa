"""Fan the outbox's events out into webhook deliveries (and requesters' e-mails), then post the due deliveries."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from inventory_api.db import Database
from inventory_api.events.models import OutboxEvent
from inventory_api.settings import Settings
from inventory_api.webhooks import sender, service
from inventory_api.webhooks.models import WebhookSubscription


def run(db: Database, now: datetime, settings: Settings) -> dict[str, int]:
    with db.transaction() as session:
        fanned = service.fan_out(session, now, notify=bool(settings.smtp_host))
    return {"fanned_out": fanned, "attempted": deliver_due(db, now, settings)}


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
