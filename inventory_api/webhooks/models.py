"""Webhook subscriptions and the deliveries of outbox events to them."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from inventory_api.db import Base, BigIntPK, Timestamps, UUIDPk, Versioned, utcnow

DELIVERY_STATUSES = ("pending", "delivered", "dead")


class WebhookSubscription(UUIDPk, Timestamps, Versioned, Base):
    """A receiver URL, its signing secret and the event types it wants."""

    __tablename__ = "webhook_subscriptions"

    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(2000))
    #: Standard Webhooks secret ("whsec_" + base64); shown once on creation and on rotation.
    secret: Mapped[str] = mapped_column(String(200))
    #: Event types, or "work_order.*"-style prefixes, or "*" for all.
    event_types: Mapped[list[Any]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(default=True)


class WebhookDelivery(Base):
    """One event for one subscription: pending until the receiver answers 2xx, dead after too many tries."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "outbox_id"),
        CheckConstraint(f"status IN {DELIVERY_STATUSES}", name="status"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        # The "is an earlier one still pending?" probe of every claim: only pending rows matter.
        Index(
            "ix_webhook_deliveries_pending_subject",
            "subscription_id",
            "subject_type",
            "subject_id",
            "outbox_id",
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    subscription_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE")
    )
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox_events.id", ondelete="CASCADE"))
    #: The `webhook-id` header: the same on every retry, so receivers dedupe on it.
    message_id: Mapped[str] = mapped_column(String(60))
    event_type: Mapped[str] = mapped_column(String(60))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: While a worker is posting it: nobody else may try before this.
    lease_until: Mapped[datetime | None]
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
