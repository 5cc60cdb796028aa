"""E-mails owed to requesters, and the status links they carry."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from inventory_api.db import Base, BigIntPK, utcnow


class Notice(Base):
    """One e-mail to a work order's requester about one event (created, assigned, on hold, resolved)."""

    __tablename__ = "work_order_notices"
    __table_args__ = (Index("ix_work_order_notices_due", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    #: The outbox event it announces: a notice is made once per event, whichever worker fans it out.
    event_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    work_order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("work_orders.id", ondelete="CASCADE"), index=True
    )
    what: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(254))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    given_up_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StatusLink(Base):
    """A read-only view of one work order for whoever holds the link; only the token's hash is kept."""

    __tablename__ = "work_order_status_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    work_order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("work_orders.id", ondelete="CASCADE"), index=True
    )
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
