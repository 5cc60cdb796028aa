"""API shapes of people."""

import uuid

from pydantic import Field

from inventory_api.schemas import ApiModel, InputModel, UtcDateTime

EMAIL = r"^[^@\s]+@[^@\s]+$"


class PersonCreate(InputModel):
    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=254, pattern=EMAIL)
    employee_id: str | None = Field(default=None, max_length=64)
    department: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    site_id: uuid.UUID | None = Field(default=None, description="taken from location_id when omitted")
    location_id: uuid.UUID | None = None
    active: bool = True


class PersonUpdate(InputModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=254, pattern=EMAIL)
    employee_id: str | None = Field(default=None, max_length=64)
    department: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    site_id: uuid.UUID | None = None
    location_id: uuid.UUID | None = None
    active: bool | None = None


class PersonRead(ApiModel):
    id: uuid.UUID
    name: str
    email: str | None
    employee_id: str | None
    department: str | None
    phone: str | None
    site_id: uuid.UUID
    location_id: uuid.UUID | None
    active: bool
    version: int
    created_at: UtcDateTime
    updated_at: UtcDateTime
