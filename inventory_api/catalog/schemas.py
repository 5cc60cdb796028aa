"""API shapes of the catalog: manufacturers and models."""

import uuid
from datetime import date
from typing import Literal

from pydantic import Field

from inventory_api.assets.models import ASSET_KINDS
from inventory_api.schemas import ApiModel, InputModel, UtcDateTime

AssetKind = Literal[ASSET_KINDS]  # type: ignore[valid-type]


class ManufacturerCreate(InputModel):
    name: str = Field(min_length=1, max_length=200)
    aliases: list[str] = Field(default_factory=list, description="other spellings of the name")


class ManufacturerUpdate(InputModel):
    name: str = Field(min_length=1, max_length=200)


class AliasCreate(InputModel):
    alias: str = Field(min_length=1, max_length=200)


class ManufacturerRow(ApiModel):
    id: uuid.UUID
    name: str
    key: str
    version: int
    created_at: UtcDateTime
    updated_at: UtcDateTime


class ManufacturerRead(ManufacturerRow):
    aliases: list[str] = Field(default_factory=list, description="normalised keys of other spellings")


class ModelCreate(InputModel):
    manufacturer_id: uuid.UUID
    name: str = Field(min_length=1, max_length=200)
    kind: AssetKind | None = None
    part_number: str | None = Field(default=None, max_length=100)
    end_of_life: date | None = None


class ModelUpdate(InputModel):
    manufacturer_id: uuid.UUID | None = None
    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: AssetKind | None = None
    part_number: str | None = Field(default=None, max_length=100)
    end_of_life: date | None = None


class ModelRead(ApiModel):
    id: uuid.UUID
    manufacturer_id: uuid.UUID
    name: str
    kind: str | None
    part_number: str | None
    end_of_life: date | None
    version: int
    created_at: UtcDateTime
    updated_at: UtcDateTime
