"""SLA API schemas."""

import uuid
from datetime import date
from typing import Literal

from pydantic import Field

from inventory_api.schemas import ApiModel, InputModel, UtcDateTime

Weekday = Literal["0", "1", "2", "3", "4", "5", "6"]


class CalendarCreate(InputModel):
    name: str = Field(min_length=1, max_length=100)
    time_zone: str = Field(description="IANA zone, e.g. America/New_York")
    hours: dict[Weekday, list[tuple[str, str]]] = Field(
        description='working hours per weekday, Monday = "0": {"0": [["08:00", "12:00"], ["13:00", "17:00"]]}'
    )
    holidays: list[date] = Field(default_factory=list, description="local dates on which the clock stops")


class CalendarUpdate(InputModel):
    not_null = ("name", "time_zone", "hours", "holidays")
    name: str | None = Field(None, min_length=1, max_length=100)
    time_zone: str | None = None
    hours: dict[Weekday, list[tuple[str, str]]] | None = None
    holidays: list[date] | None = None


class CalendarRead(ApiModel):
    id: uuid.UUID
    name: str
    time_zone: str
    hours: dict[str, list[list[str]]]
    holidays: list[date]
    version: int


class PolicyCreate(InputModel):
    name: str = Field(min_length=1, max_length=100)
    kind: Literal["any", "install", "move", "add", "change", "repair", "remove", "upgrade", "other"] = "any"
    priority: Literal["P1", "P2", "P3", "P4"]
    response_minutes: int = Field(gt=0)
    resolution_minutes: int = Field(gt=0)
    calendar_id: uuid.UUID | None = Field(None, description="null: the clock runs 24×7")


class PolicyUpdate(InputModel):
    not_null = ("name", "response_minutes", "resolution_minutes")
    name: str | None = Field(None, min_length=1, max_length=100)
    response_minutes: int | None = Field(None, gt=0)
    resolution_minutes: int | None = Field(None, gt=0)
    calendar_id: uuid.UUID | None = None


class PolicyRead(ApiModel):
    id: uuid.UUID
    name: str
    kind: str
    priority: str
    response_minutes: int
    resolution_minutes: int
    calendar_id: uuid.UUID | None
    version: int


class ClockRead(ApiModel):
    target_seconds: int
    elapsed_seconds: int
    remaining_seconds: int
    due_at: UtcDateTime | None = Field(description="null while the clock is paused (on hold) and not yet due")
    at_risk_at: UtcDateTime | None
    running: bool
    completed_at: UtcDateTime | None
    at_risk: bool
    breached: bool


class SlaRead(ApiModel):
    policy_id: uuid.UUID | None
    now: UtcDateTime
    response: ClockRead | None
    resolution: ClockRead | None
