"""Saved report definitions."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from inventory_api.db import Base, utcnow


class CustomReport(Base):
    """A definition (see schemas.Definition), its owner, and the role it is shared with (none: private)."""

    __tablename__ = "custom_reports"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    shared_with_role: Mapped[str | None] = mapped_column(String(20))
    definition: Mapped[dict[str, Any]]
    #: Sent by e-mail (CSV attached) every week or month to these addresses, run as its owner.
    schedule: Mapped[str | None] = mapped_column(String(10))
    email_to: Mapped[str | None] = mapped_column(String(1000))
    next_run_at: Mapped[datetime | None]
    last_sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
