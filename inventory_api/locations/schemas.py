"""API shapes of locations."""

import uuid
from typing import Literal

from pydantic import Field

from inventory_api.locations.models import LOCATION_KINDS
from inventory_api.schemas import ApiModel, InputModel, UtcDateTime

LocationKind = Literal[LOCATION_KINDS]  # type: ignore[valid-type]


class LocationCreate(InputModel):
    kind: LocationKind
    name: str = Field(min_length=1, max_length=200)
    code: str | None = Field(default=None, max_length=50)
    parent_id: uuid.UUID | None = Field(default=None, description="required unless kind is site")
    time_zone: str | None = Field(default=None, description="IANA zone; required on a site, only on a site")
    address: str | None = None
    city: str | None = Field(default=None, max_length=100)
    region: str | None = Field(default=None, max_length=100)
    postal_code: str | None = Field(default=None, max_length=20)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    notes: str | None = None


class LocationUpdate(InputModel):
    kind: LocationKind | None = None
    name: str | None = Field(default=None, min_length=1, max_length=200)
    code: str | None = Field(default=None, max_length=50)
    parent_id: uuid.UUID | None = Field(default=None, description="a new parent moves the whole subtree")
    time_zone: str | None = None
    address: str | None = None
    city: str | None = Field(default=None, max_length=100)
    region: str | None = Field(default=None, max_length=100)
    postal_code: str | None = Field(default=None, max_length=20)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    notes: str | None = None


class LocationRef(ApiModel):
    id: uuid.UUID
    kind: str
    name: str


class LocationRow(ApiModel):
    id: uuid.UUID
    kind: str
    name: str
    code: str | None
    parent_id: uuid.UUID | None
    site_id: uuid.UUID | None
    time_zone: str | None
    address: str | None
    city: str | None
    region: str | None
    postal_code: str | None
    country: str | None
    notes: str | None
    version: int
    created_at: UtcDateTime
    updated_at: UtcDateTime


class LocationRead(LocationRow):
    path: list[LocationRef] = Field(default_factory=list, description="breadcrumb from the site down to here")
