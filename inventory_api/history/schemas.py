"""API shapes of the change history."""

import uuid
from typing import Any

from inventory_api.schemas import ApiModel, UtcDateTime


class ChangeEventRead(ApiModel):
    id: int
    subject_type: str
    subject_id: uuid.UUID
    action: str
    summary: str | None
    changes: dict[str, Any] | None
    actor_type: str
    actor_id: str | None
    actor_name: str | None
    cause_type: str | None
    cause_id: str | None
    request_id: str | None
    occurred_at: UtcDateTime


class ChangeEventPage(ApiModel):
    items: list[ChangeEventRead]
    next: str | None
