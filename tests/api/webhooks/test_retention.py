"""Retention: the worker deletes history and finished webhook traffic past their settings, a batch per pass."""

import uuid
from datetime import timedelta

from sqlalchemy import func, select

from inventory_api.db import utcnow
from inventory_api.events.models import OutboxEvent
from inventory_api.history.models import ChangeEvent
from inventory_api.jobs.loop import run_once
from inventory_api.retention import prune
from inventory_api.webhooks.models import WebhookDelivery
from tests.api.webhooks.test_worker import emit, subscribe

DAY = timedelta(days=1)


def add_history(db, *ages_in_days):
    subject = uuid.uuid4()
    now = utcnow()
    with db.transaction() as s:
        for age in ages_in_days:
            s.add(ChangeEvent(subject_type="asset", subject_id=subject, action="updated", actor_type="system",
                              occurred_at=now - age * DAY))  # fmt: skip


def history_ages(db):
    now = utcnow()
    with db.sessions() as s:
        return sorted(round((now - t) / DAY) for t in s.scalars(select(ChangeEvent.occurred_at)))


def count(db, model):
    with db.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_history_older_than_its_retention_goes_a_batch_per_pass(db, settings):
    add_history(db, 400, 200, 100, 10, 1)
    kept = settings.model_copy(update={"history_retention_days": 0})
    assert prune(db, utcnow(), kept)["history"] == 0 and len(history_ages(db)) == 5

    limited = settings.model_copy(update={"history_retention_days": 90, "retention_batch_rows": 2})
    assert prune(db, utcnow(), limited)["history"] == 2
    assert prune(db, utcnow(), limited)["history"] == 1
    assert prune(db, utcnow(), limited)["history"] == 0
    assert history_ages(db) == [1, 10]


def test_finished_webhook_events_go_with_their_deliveries_pending_ones_stay(db, settings, receiver):
    subscribe(db, settings, receiver.url)
    for _ in range(3):
        emit(db)  # three subjects: delivered side by side
    assert run_once(db, utcnow(), settings)["attempted"] == 3
    with db.transaction() as s:  # the last event's delivery is still being retried
        last = s.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id.desc())).first()
        last.status = "pending"
        last.next_attempt_at = utcnow() + 365 * DAY

    assert prune(db, utcnow(), settings)["outbox_events"] == 0  # 90 days have not passed
    later = utcnow() + 91 * DAY
    assert prune(db, later, settings)["outbox_events"] == 2
    assert count(db, OutboxEvent) == 1 and count(db, WebhookDelivery) == 1
    forever = settings.model_copy(update={"webhook_retention_days": 0})
    with db.transaction() as s:
        s.get(WebhookDelivery, last.id).status = "dead"
    assert prune(db, later, forever)["outbox_events"] == 0 and count(db, OutboxEvent) == 1
    assert prune(db, later, settings)["outbox_events"] == 1 and count(db, WebhookDelivery) == 0


def test_the_worker_pass_prunes(db, settings):
    add_history(db, 40, 1)
    result = run_once(db, utcnow(), settings.model_copy(update={"history_retention_days": 30}))
    assert result["pruned_history"] == 1 and history_ages(db) == [1]
