"""API shapes of check-outs and lifecycle lists."""

import uuid
from datetime import date

from pydantic import Field

from inventory_api.schemas import ApiModel, InputModel, UtcDateTime


class CheckOut(InputModel):
    person_id: uuid.UUID | None = None
    location_id: uuid.UUID | None = None
    expected_return: date | None = Field(
        None, description="when it should come back; past due → overdue list"
    )
    notes: str | None = None


class CheckIn(InputModel):
    location_id: uuid.UUID | None = Field(None, description="where it is put back (a stock room)")
    notes: str | None = None


class AssignmentRead(ApiModel):
    id: uuid.UUID
    asset_id: uuid.UUID
    site_id: uuid.UUID
    person_id: uuid.UUID | None
    location_id: uuid.UUID | None
    checked_out_at: UtcDateTime
    checked_out_by: str | None
    expected_return: date | None
    checked_in_at: UtcDateTime | None
    checked_in_by: str | None
    notes: str | None


class LifecycleRow(ApiModel):
    """An asset whose warranty or model end of life is near."""

    id: uuid.UUID
    kind: str
    name: str | None
    asset_tag: str | None
    serial: str | None
    status: str
    site_id: uuid.UUID
    model_id: uuid.UUID | None
    assigned_person_id: uuid.UUID | None
    warranty_end: date | None
