"""Subscriptions, fanning outbox events out to deliveries, claiming due deliveries, recording results."""

from __future__ import annotations

import base64
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import Session, aliased

from inventory_api.db import take_worker_lock
from inventory_api.errors import Conflict, NotFound, Unprocessable
from inventory_api.events.models import OutboxEvent
from inventory_api.history.service import record_change
from inventory_api.notify import service as notices
from inventory_api.webhooks.models import WebhookDelivery, WebhookSubscription
from inventory_api.webhooks.ssrf import Network, UnsafeUrl, resolve

#: The event types a subscription can ask for (prefix patterns like "asset.*" and "*" also work).
EVENT_TYPES = (
    "asset.created", "asset.changed", "asset.retired", "asset.deleted", "asset.flagged", "asset.checked_out",
    "asset.checked_in", "asset.inventory_changed", "inventory.changed", "service.created", "service.changed",
    "work_order.created", "work_order.changed", "work_order.state_changed", "sla.at_risk", "sla.breached",
    "import.finished", "cabling.changed",
)  # fmt: skip
#: Only one worker fans out at a time (PostgreSQL advisory lock), so deliveries are created in outbox order.
FAN_OUT_LOCK = 7_402_113


def new_secret() -> str:
    """A Standard Webhooks secret: whsec_ + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def check_event_types(types: list[str]) -> None:
    for name in types:
        if name != "*" and name not in EVENT_TYPES and not (name.endswith(".*") and any(
            t.startswith(name[:-1]) for t in EVENT_TYPES
        )):  # fmt: skip
            raise Unprocessable(
                f"unknown event type {name!r}; known: {', '.join(EVENT_TYPES)}", code="unknown_event_type"
            )


def check_url(url: str, allowed: list[Network]) -> None:
    try:
        resolve(url, allowed)
    except UnsafeUrl as exc:
        raise Unprocessable(f"webhook URL refused: {exc}", code="unsafe_url") from exc


def matches(patterns: list[str], event_type: str) -> bool:
    return any(
        p == "*" or p == event_type or (p.endswith(".*") and event_type.startswith(p[:-1])) for p in patterns
    )


def require_subscription(session: Session, subscription_id: uuid.UUID) -> WebhookSubscription:
    row = session.get(WebhookSubscription, subscription_id)
    if row is None:
        raise NotFound("webhook subscription", subscription_id)
    return row


def create_subscription(
    session: Session, data: dict[str, Any], allowed: list[Network]
) -> WebhookSubscription:
    check_event_types(data["event_types"])
    check_url(data["url"], allowed)
    row = WebhookSubscription(**data, secret=new_secret())
    session.add(row)
    session.flush()
    record_change(session, "webhook_subscription", row.id, "created", summary=f"{row.name} → {row.url}")
    return row


def update_subscription(
    session: Session, row: WebhookSubscription, values: dict[str, Any], allowed: list[Network]
) -> WebhookSubscription:
    if "event_types" in values:
        check_event_types(values["event_types"])
    if "url" in values:
        check_url(values["url"], allowed)
    if values.pop("rotate_secret", False):
        values["secret"] = new_secret()
    changes = {k: [getattr(row, k), v] for k, v in values.items() if getattr(row, k) != v}
    for field, (_, new) in changes.items():
        setattr(row, field, new)
    if changes:
        row.version += 1
        changes.pop("secret", None)
        record_change(session, "webhook_subscription", row.id, "changed", changes=changes)
    return row


def _skip_locked(session: Session, stmt: Select[Any]) -> Select[Any]:
    """On PostgreSQL, rows another worker is claiming are skipped, not waited for."""
    if session.get_bind().dialect.name != "postgresql":
        return stmt  # SQLite: one writer at a time already
    return stmt.with_for_update(skip_locked=True, of=WebhookDelivery)


def fan_out(session: Session, now: datetime, *, limit: int = 500, notify: bool = False) -> int:
    """Turn undispatched outbox events (in id order) into one pending delivery per matching subscription, and
    (with `notify`) into the e-mails their work orders' requesters are owed."""
    if not take_worker_lock(session, FAN_OUT_LOCK):
        return 0
    events = session.scalars(
        select(OutboxEvent).where(OutboxEvent.dispatched_at.is_(None)).order_by(OutboxEvent.id).limit(limit)
    ).all()
    if not events:
        return 0
    subscriptions = session.scalars(select(WebhookSubscription).where(WebhookSubscription.active)).all()
    created = 0
    for event in events:
        for sub in subscriptions:
            if matches(sub.event_types, event.event_type):
                session.add(
                    WebhookDelivery(
                        subscription_id=sub.id, outbox_id=event.id, message_id=f"msg_{event.event_id.hex}",
                        event_type=event.event_type, subject_type=event.subject_type, subject_id=event.subject_id,
                        next_attempt_at=now, created_at=now,
                    )
                )  # fmt: skip
                created += 1
        if notify:
            notices.make_notice(session, event, now)
        event.dispatched_at = now
    session.flush()
    return created


def claim_due(session: Session, now: datetime, lease: timedelta, *, limit: int = 50) -> list[WebhookDelivery]:
    """Lease due deliveries, at most one per (subscription, subject): an earlier pending one blocks later ones."""
    earlier = aliased(WebhookDelivery)
    blocked = exists().where(
        earlier.subscription_id == WebhookDelivery.subscription_id,
        earlier.subject_type == WebhookDelivery.subject_type,
        earlier.subject_id == WebhookDelivery.subject_id,
        earlier.outbox_id < WebhookDelivery.outbox_id,
        earlier.status == "pending",
    )
    stmt = (
        select(WebhookDelivery)
        .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
        .where(
            WebhookDelivery.status == "pending",
            WebhookDelivery.next_attempt_at <= now,
            or_(WebhookDelivery.lease_until.is_(None), WebhookDelivery.lease_until <= now),
            WebhookSubscription.active,
            ~blocked,
        )
        .order_by(WebhookDelivery.outbox_id)
        .limit(limit)
    )
    rows = session.scalars(_skip_locked(session, stmt)).all()
    for row in rows:
        row.lease_until = now + lease
        row.attempts += 1
    session.flush()
    return list(rows)


def backoff(attempts: int, base: float, cap: float) -> timedelta:
    """Delay before the next try: base × 2^(attempts-1), capped."""
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def record_result(
    session: Session, delivery_id: int, *, ok: bool, status_code: int | None, error: str | None, now: datetime,
    max_attempts: int, base: float, cap: float,
) -> WebhookDelivery | None:  # fmt: skip
    """Mark a try delivered, or schedule the next one with backoff, or dead past `max_attempts`."""
    row = session.get(WebhookDelivery, delivery_id, with_for_update=True)
    if row is None or row.status != "pending":
        return row
    row.lease_until = None
    row.last_status_code = status_code
    row.last_error = error
    if ok:
        row.status, row.delivered_at = "delivered", now
    elif row.attempts >= max_attempts:
        row.status = "dead"
    else:
        row.next_attempt_at = now + backoff(row.attempts, base, cap)
    return row


def redeliver(session: Session, row: WebhookDelivery, now: datetime) -> WebhookDelivery:
    """Send a delivered or dead delivery again (a new round of attempts, same webhook-id)."""
    if row.status == "pending":
        raise Conflict(
            "the delivery is still pending; it will be tried again by itself", code="delivery_pending"
        )
    row.status, row.attempts, row.next_attempt_at, row.lease_until = "pending", 0, now, None
    return row


def deliveries_statement(
    subscription_id: uuid.UUID | None = None, status: str | None = None, event_type: str | None = None
) -> Select[Any]:
    stmt = select(WebhookDelivery)
    conditions = []
    if subscription_id:
        conditions.append(WebhookDelivery.subscription_id == subscription_id)
    if status:
        conditions.append(WebhookDelivery.status == status)
    if event_type:
        conditions.append(WebhookDelivery.event_type == event_type)
    return stmt.where(and_(*conditions)) if conditions else stmt
