"""API shapes of assets, their identifiers, flags and custom-field definitions."""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field

from inventory_api.assets.models import ASSET_KINDS, ASSET_STATUSES, CUSTOM_FIELD_TYPES, IDENTIFIER_KINDS
from inventory_api.schemas import ApiModel, InputModel, UtcDateTime

AssetKind = Literal[ASSET_KINDS]  # type: ignore[valid-type]
AssetStatus = Literal[ASSET_STATUSES]  # type: ignore[valid-type]
Currency = Field(default=None, pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. EUR")
Cost = Field(default=None, ge=0, max_digits=12, decimal_places=2)


class AssetCreate(InputModel):
    kind: AssetKind
    status: AssetStatus = "in_stock"
    name: str | None = Field(default=None, max_length=200)
    asset_tag: str | None = Field(default=None, min_length=1, max_length=100)
    serial: str | None = Field(default=None, max_length=200)
    manufacturer_id: uuid.UUID | None = None
    manufacturer: str | None = Field(
        default=None, max_length=200, description="a name; normalised to one maker"
    )
    model_id: uuid.UUID | None = None
    hostname: str | None = Field(default=None, max_length=255)
    site_id: uuid.UUID | None = Field(default=None, description="taken from location_id when omitted")
    location_id: uuid.UUID | None = None
    assigned_person_id: uuid.UUID | None = None
    parent_id: uuid.UUID | None = Field(default=None, description="e.g. the desktop a monitor belongs to")
    purchase_date: date | None = None
    cost: Decimal | None = Cost
    currency: str | None = Currency
    supplier: str | None = Field(default=None, max_length=200)
    warranty_end: date | None = None
    notes: str | None = None
    custom_fields: dict[str, Any] = Field(default_factory=dict)
    attributes: dict[str, Any] = Field(default_factory=dict)


class AssetUpdate(InputModel):
    """Only the fields sent change; `custom_fields` is merged key by key (null removes a key)."""

    kind: AssetKind | None = None
    status: AssetStatus | None = None
    name: str | None = Field(default=None, max_length=200)
    asset_tag: str | None = Field(default=None, min_length=1, max_length=100)
    serial: str | None = Field(default=None, max_length=200)
    manufacturer_id: uuid.UUID | None = None
    manufacturer: str | None = Field(default=None, max_length=200)
    model_id: uuid.UUID | None = None
    hostname: str | None = Field(default=None, max_length=255)
    site_id: uuid.UUID | None = None
    location_id: uuid.UUID | None = None
    assigned_person_id: uuid.UUID | None = None
    parent_id: uuid.UUID | None = None
    purchase_date: date | None = None
    cost: Decimal | None = Cost
    currency: str | None = Currency
    supplier: str | None = Field(default=None, max_length=200)
    warranty_end: date | None = None
    notes: str | None = None
    custom_fields: dict[str, Any] | None = None
    attributes: dict[str, Any] | None = None


class AssetRead(ApiModel):
    id: uuid.UUID
    kind: str
    status: str
    name: str | None
    asset_tag: str | None
    serial: str | None
    manufacturer_id: uuid.UUID | None
    model_id: uuid.UUID | None
    hostname: str | None
    site_id: uuid.UUID
    location_id: uuid.UUID | None
    assigned_person_id: uuid.UUID | None
    parent_id: uuid.UUID | None
    purchase_date: date | None
    cost: Decimal | None
    currency: str | None
    supplier: str | None
    warranty_end: date | None
    notes: str | None
    custom_fields: dict[str, Any]
    attributes: dict[str, Any]
    first_seen: UtcDateTime | None
    last_seen: UtcDateTime | None
    version: int
    created_at: UtcDateTime
    updated_at: UtcDateTime


class IdentifierCreate(InputModel):
    kind: Literal[IDENTIFIER_KINDS]  # type: ignore[valid-type]
    value: str = Field(min_length=1, max_length=255)


class IdentifierRead(ApiModel):
    id: int
    kind: str
    value: str
    created_at: UtcDateTime


class FlagRead(ApiModel):
    id: uuid.UUID
    asset_id: uuid.UUID
    kind: str
    detail: dict[str, Any]
    created_at: UtcDateTime
    resolved_at: UtcDateTime | None
    resolved_by: str | None


class FlagResolve(InputModel):
    note: str | None = Field(default=None, max_length=2000)


class CustomFieldCreate(InputModel):
    kind: AssetKind
    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,59}$", description="lower-case, digits and _")
    type: Literal[CUSTOM_FIELD_TYPES]  # type: ignore[valid-type]
    required: bool = False
    choices: list[str] = Field(default_factory=list)
    description: str | None = None


class CustomFieldUpdate(InputModel):
    required: bool | None = None
    choices: list[str] | None = None
    description: str | None = None


class CustomFieldRead(ApiModel):
    id: uuid.UUID
    kind: str
    name: str
    type: str
    required: bool
    choices: list[Any]
    description: str | None
    version: int
    created_at: UtcDateTime
    updated_at: UtcDateTime
