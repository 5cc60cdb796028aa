"""The change history: one event per change to a record, by whom, why and what."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from inventory_api.db import Base, BigIntPK, utcnow

ACTOR_TYPES = ("user", "token", "collector", "system")
CAUSE_TYPES = ("work_order", "report", "import", "merge", "checkout")


class ChangeEvent(Base):
    """What changed on a subject (asset, service, user …), who did it and why."""

    __tablename__ = "change_events"
    __table_args__ = (
        Index("ix_change_events_subject", "subject_type", "subject_id", "id"),
        Index("ix_change_events_occurred", "occurred_at"),  # the change-log report's period
        Index("ix_change_events_type_id", "subject_type", "id"),  # Home's recent changes
        CheckConstraint(f"actor_type IN {ACTOR_TYPES}", name="actor_type"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    action: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str | None] = mapped_column(Text)
    changes: Mapped[dict[str, Any] | None]
    actor_type: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[str | None] = mapped_column(String(100))
    actor_name: Mapped[str | None] = mapped_column(String(200))
    cause_type: Mapped[str | None] = mapped_column(String(20))
    cause_id: Mapped[str | None] = mapped_column(String(100))
    request_id: Mapped[str | None] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
