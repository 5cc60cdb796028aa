"""Retention: history and finished webhook traffic older than their settings are deleted, a batch at a time.

The worker calls `prune` on every pass. Each table loses at most `retention_batch_rows` rows per pass, each batch
in a transaction of its own, so a large backlog is worked off over several passes without holding a lock that
would keep reports waiting.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, delete, exists, select

from inventory_api.db import Database
from inventory_api.events.models import OutboxEvent
from inventory_api.history.models import ChangeEvent
from inventory_api.settings import Settings
from inventory_api.webhooks.models import WebhookDelivery


def prune(db: Database, now: datetime, settings: Settings) -> dict[str, int]:
    """Delete one batch of expired rows per table; returns how many rows each table lost."""
    pruned = {"history": 0, "outbox_events": 0}
    batch = settings.retention_batch_rows
    if settings.history_retention_days:
        cutoff = now - timedelta(days=settings.history_retention_days)
        expired = select(ChangeEvent.id).where(ChangeEvent.occurred_at < cutoff).order_by(ChangeEvent.id)
        pruned["history"] = _delete_batch(db, ChangeEvent, expired.limit(batch))
    if settings.webhook_retention_days:
        cutoff = now - timedelta(days=settings.webhook_retention_days)
        pending = exists().where(
            WebhookDelivery.outbox_id == OutboxEvent.id, WebhookDelivery.status == "pending"
        )
        # An event fanned out long ago whose deliveries all ended (delivered or dead): its delivery rows go with
        # it (ON DELETE CASCADE).
        expired = (
            select(OutboxEvent.id)
            .where(OutboxEvent.dispatched_at < cutoff, ~pending)
            .order_by(OutboxEvent.id)
            .limit(batch)
        )
        pruned["outbox_events"] = _delete_batch(db, OutboxEvent, expired)
    return pruned


def _delete_batch(db: Database, model: type[ChangeEvent] | type[OutboxEvent], ids_query: Select) -> int:
    with db.transaction() as session:
        ids = list(session.scalars(ids_query))
        if ids:
            session.execute(delete(model).where(model.id.in_(ids)))
    return len(ids)
