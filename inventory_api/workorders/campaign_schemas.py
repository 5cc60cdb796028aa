"""Campaign and OS-support API schemas."""

import uuid
from datetime import date
from typing import Any

from pydantic import Field

from inventory_api.schemas import ApiModel, InputModel, UtcDateTime
from inventory_api.workorders.schemas import Action, Kind, Priority


class AssetQuery(InputModel):
    """Which assets a campaign covers; every given condition must hold."""

    kinds: list[str] = Field(default_factory=list, description='asset kinds, e.g. ["desktop", "laptop"]')
    site_id: uuid.UUID | None = None
    statuses: list[str] = Field(default_factory=lambda: ["deployed"])
    memory_below_bytes: int | None = Field(None, gt=0, description="e.g. 8589934592 for less than 8 GiB")
    os_name: str | None = None
    os_version: str | None = None
    os_unsupported_on: date | None = Field(None, description="OS past its end of support on this date")


class CampaignCreate(InputModel):
    name: str = Field(min_length=1, max_length=200)
    kind: Kind = "upgrade"
    title: str = Field(
        "Upgrade {asset}", min_length=1, max_length=300, description="{asset} = the asset's name"
    )
    description: str | None = None
    priority: Priority = "P4"
    action: Action = "note"
    params: dict[str, Any] = Field(default_factory=dict)
    query: AssetQuery


class CampaignProgress(ApiModel):
    open: int
    done: int
    failed: int = Field(description="cancelled orders")
    total: int


class CampaignRead(ApiModel):
    id: uuid.UUID
    name: str
    kind: str
    site_id: uuid.UUID | None
    query: dict[str, Any]
    created_by: str | None
    created_at: UtcDateTime
    progress: CampaignProgress | None = None


class Preview(ApiModel):
    count: int
    sample: list[dict[str, Any]]


class OsSupportRow(InputModel):
    os_name: str = Field(min_length=1, max_length=200)
    os_version: str = Field("", max_length=100)
    end_of_support: date
    source: str | None = Field(None, max_length=300)


class OsSupportRead(ApiModel):
    os_name: str
    os_version: str
    end_of_support: date
    source: str | None
