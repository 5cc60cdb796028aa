"""Work-order API schemas."""

import uuid
from datetime import date
from typing import Any, Literal

from pydantic import Field

from inventory_api.schemas import ApiModel, InputModel, UtcDateTime

Kind = Literal["install", "move", "add", "change", "repair", "remove", "upgrade", "other"]
Priority = Literal["P1", "P2", "P3", "P4"]
State = Literal["new", "assigned", "in_progress", "on_hold", "resolved", "closed", "cancelled"]
HoldReason = Literal["waiting_user", "waiting_vendor", "waiting_parts", "other"]
Action = Literal[
    "move_asset", "assign_asset", "unassign_asset", "retire_asset", "change_asset_status",
    "replace_component", "note", "inspect", "assign_service", "move_service", "change_service",
    "activate_service", "disconnect_service", "activate_jack",
]  # fmt: skip


class ItemCreate(InputModel):
    """A linked record and the action completing the order applies to it."""

    action: Action
    subject_type: Literal["asset", "service", "jack"] | None = Field(
        None, description="implied by the action (asset, service or jack)"
    )
    subject_id: uuid.UUID
    params: dict[str, Any] = Field(
        default_factory=dict,
        description="move_asset: location_id (and jack_id, the jack it is plugged into there); assign_asset: "
        "person_id; change_asset_status: status; replace_component: component; assign_service: person_id; "
        "move_service: location_id; change_service: one or more of person_id, location_id (null: follow its "
        "device), number, asset_ids; disconnect_service: dependents (refuse, carry, disconnect) and carry_to; "
        "activate_jack: vlan (and voice_vlan); any action: note. Any other param is refused.",
    )


class ItemRead(ApiModel):
    id: uuid.UUID
    position: int
    action: str
    subject_type: str
    subject_id: uuid.UUID
    params: dict[str, Any]
    status: str
    applied_at: UtcDateTime | None


class WorkOrderFields(InputModel):
    """Fields a client sets (all optional on update)."""

    title: str | None = Field(None, min_length=1, max_length=300)
    description: str | None = None
    location_id: uuid.UUID | None = None
    requester_id: uuid.UUID | None = None
    priority: Priority | None = None
    assignee_id: uuid.UUID | None = None
    team: str | None = Field(None, max_length=100)


class WorkOrderCreate(WorkOrderFields):
    kind: Kind
    title: str = Field(min_length=1, max_length=300)
    site_id: uuid.UUID
    priority: Priority = "P3"
    external_system: str | None = Field(None, min_length=1, max_length=60)
    external_id: str | None = Field(None, min_length=1, max_length=200)
    items: list[ItemCreate] = Field(default_factory=list, max_length=500)


class WorkOrderUpdate(WorkOrderFields):
    kind: Kind | None = None


class WorkOrderUpsert(WorkOrderFields):
    """The body of PUT by external reference: creates the order, or updates its fields."""

    kind: Kind
    title: str = Field(min_length=1, max_length=300)
    site_id: uuid.UUID
    priority: Priority = "P3"
    items: list[ItemCreate] | None = Field(None, description="on create only; ignored when the order exists")


class Transition(InputModel):
    to: State
    hold_reason: HoldReason | None = None
    note: str | None = None


class WorkOrderRead(ApiModel):
    id: uuid.UUID
    kind: str
    title: str
    description: str | None
    site_id: uuid.UUID
    location_id: uuid.UUID | None
    requester_id: uuid.UUID | None
    priority: str
    assignee_id: uuid.UUID | None
    team: str | None
    state: str
    hold_reason: str | None
    external_system: str | None
    external_id: str | None
    sla_policy_id: uuid.UUID | None
    response_due_at: UtcDateTime | None
    resolution_due_at: UtcDateTime | None
    responded_at: UtcDateTime | None
    resolved_at: UtcDateTime | None
    closed_at: UtcDateTime | None
    campaign_id: uuid.UUID | None
    change_seq: int | None
    version: int
    created_at: UtcDateTime
    updated_at: UtcDateTime


class WorkOrderDetail(WorkOrderRead):
    items: list[ItemRead]


class NoteCreate(InputModel):
    body: str = Field(min_length=1, max_length=20000)


class NoteRead(ApiModel):
    id: uuid.UUID
    body: str
    author_id: str | None
    author_name: str | None
    created_at: UtcDateTime


class TimeEntryCreate(InputModel):
    minutes: int = Field(gt=0, le=24 * 60)
    work_date: date
    technician_id: uuid.UUID | None = Field(None, description="defaults to the caller")
    note: str | None = None


class TimeEntryRead(ApiModel):
    id: uuid.UUID
    technician_id: uuid.UUID
    work_date: date
    minutes: int
    note: str | None
    created_at: UtcDateTime


class TimeSummary(ApiModel):
    technician_id: uuid.UUID
    minutes: int


class ActivityRead(ApiModel):
    id: int
    action: str
    summary: str | None
    changes: dict[str, Any] | None
    actor_type: str
    actor_name: str | None
    occurred_at: UtcDateTime
