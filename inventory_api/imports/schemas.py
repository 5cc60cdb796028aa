"""API shapes of import jobs."""

import uuid
from typing import Literal

from inventory_api.schemas import ApiModel, UtcDateTime

ImportKind = Literal["people", "locations", "assets", "services"]
ImportFormat = Literal["csv", "json", "ndjson"]


class RowProblem(ApiModel):
    row: int
    column: str | None
    reason: str


class ImportJobRead(ApiModel):
    """An import job: `status` queued → running → succeeded or failed; `errors` holds the first bad rows."""

    id: uuid.UUID
    kind: str
    format: str
    dry_run: bool
    status: str
    filename: str | None
    size_bytes: int
    created_by: str | None
    rows: int
    created: int
    updated: int
    unchanged: int
    error_count: int
    errors: list[RowProblem]
    message: str | None
    created_at: UtcDateTime
    started_at: UtcDateTime | None
    finished_at: UtcDateTime | None
