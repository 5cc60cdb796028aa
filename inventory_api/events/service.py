"""Emitting events into the outbox."""

import uuid
from typing import Any

from sqlalchemy.orm import Session

from inventory_api.events.models import OutboxEvent


def emit_event(
    session: Session, event_type: str, subject_type: str, subject_id: uuid.UUID, payload: dict[str, Any]
) -> OutboxEvent:
    """Add an event to the outbox in the session's transaction: sent only if the change commits."""
    event = OutboxEvent(
        event_type=event_type, subject_type=subject_type, subject_id=subject_id, payload=payload
    )
    session.add(event)
    return event
