"""API shapes of user services and their emergency locations."""

import uuid
from datetime import date
from typing import Any, Literal

from pydantic import Field

from inventory_api.cabling.schemas import PathRead
from inventory_api.schemas import ApiModel, InputModel, UtcDateTime

ServiceType = Literal[
    "extension", "did", "voicemail", "data_port", "remote_access", "mobile_line", "conference_bridge",
    "shared_line", "generic",
]  # fmt: skip
ServiceStatus = Literal["requested", "active", "suspended", "disconnected"]


class ServiceCreate(InputModel):
    type: ServiceType
    status: Literal["requested", "active"] = "requested"
    person_id: uuid.UUID | None = None
    site_id: uuid.UUID | None = Field(None, description="defaults to the person's site")
    location_id: uuid.UUID | None = Field(None, description="the room it is used in (emergency location)")
    start_date: date | None = None
    end_date: date | None = None
    cost_centre: str | None = Field(None, max_length=50)
    notes: str | None = None
    details: dict[str, Any] = Field(
        default_factory=dict, description="the fields of the type; docs/voice-data.md lists them"
    )
    asset_ids: list[uuid.UUID] = Field(default_factory=list)
    number_pool_id: uuid.UUID | None = Field(
        None,
        description="an extension or DID takes the lowest free number of this pool (instead of details.number): "
        "allocated and assigned in one request",
    )


class ServiceUpdate(InputModel):
    status: ServiceStatus | None = None
    person_id: uuid.UUID | None = None
    location_id: uuid.UUID | None = None
    start_date: date | None = None
    end_date: date | None = None
    cost_centre: str | None = Field(None, max_length=50)
    notes: str | None = None
    details: dict[str, Any] | None = None
    asset_ids: list[uuid.UUID] | None = None
    dependents: Literal["refuse", "carry", "disconnect"] | None = Field(
        None,
        description="disconnecting an extension: what becomes of the DIDs, voicemail and shared lines pointing at "
        "it (default refuse: 409 extension_in_use while any does)",
    )
    carry_to: str | None = Field(
        None, max_length=10, description="with dependents carry: the extension they ring"
    )


class DataPortState(ApiModel):
    """The switch port behind a data port's jack; `configured` when it carries the service's VLANs and is up."""

    switch_port_id: uuid.UUID | None
    configured: bool
    reason: str | None = Field(None, description="why not configured")


class ServiceRead(ApiModel):
    id: uuid.UUID
    type: str
    status: str
    person_id: uuid.UUID | None
    site_id: uuid.UUID
    location_id: uuid.UUID | None
    number: str | None
    dial_plan: str
    start_date: date | None
    end_date: date | None
    cost_centre: str | None
    notes: str | None
    details: dict[str, Any]
    asset_ids: list[uuid.UUID] = Field(default_factory=list)
    switch_port: DataPortState | None = Field(
        None, description="a data port's switch port and whether it is set"
    )
    emergency_location_stale: bool
    version: int
    created_at: UtcDateTime
    updated_at: UtcDateTime


class EmergencyLocation(ApiModel):
    """A number's dispatchable location; `state` is ok, missing (no room or no civic address) or stale."""

    service_id: uuid.UUID
    type: str
    number: str | None
    person_id: uuid.UUID | None
    location_id: uuid.UUID | None
    address: str | None
    city: str | None
    region: str | None
    postal_code: str | None
    country: str | None
    building: str | None
    floor: str | None
    room: str | None
    state: Literal["ok", "missing", "stale"]
    stale_detail: dict[str, Any] | None = None


class ConfirmLocation(InputModel):
    location_id: uuid.UUID | None = Field(None, description="the right room, when it changed")


class PersonBrief(ApiModel):
    id: uuid.UUID
    name: str
    email: str | None
    employee_id: str | None
    department: str | None
    site_id: uuid.UUID
    location_id: uuid.UUID | None
    active: bool


class AssetBrief(ApiModel):
    id: uuid.UUID
    kind: str
    status: str
    name: str | None
    asset_tag: str | None
    serial: str | None
    site_id: uuid.UUID
    location_id: uuid.UUID | None


class AssetWithPath(ApiModel):
    asset: AssetBrief
    path: PathRead


class CheckoutBrief(ApiModel):
    id: uuid.UUID
    asset_id: uuid.UUID
    checked_out_at: UtcDateTime
    expected_return: date | None


class PersonOverview(ApiModel):
    person: PersonBrief
    assets: list[AssetWithPath]
    services: list[ServiceRead]
    checkouts: list[CheckoutBrief]


class OffboardRequest(InputModel):
    disconnect_services: bool = Field(
        False, description="also disconnect every live service (numbers to quarantine)"
    )


class OffboardResult(ApiModel):
    """What to reclaim from a leaver, and what was disconnected."""

    person: PersonBrief
    assets: list[AssetBrief]
    checkouts: list[CheckoutBrief]
    services: list[ServiceRead]
    disconnected_service_ids: list[uuid.UUID]
    quarantined_numbers: list[str | None]
