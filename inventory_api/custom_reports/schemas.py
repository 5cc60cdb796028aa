"""A custom report's definition as the API and the builder page send it, and a saved one."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from inventory_api.auth.models import ROLES
from inventory_api.schemas import ApiModel, InputModel

Op = Literal["eq", "ne", "lt", "le", "gt", "ge", "in", "contains", "is_null", "not_null"]
ROW_CAP = 1000


class Filter(InputModel):
    field: str
    op: Op = "eq"
    value: Any = None


class Aggregate(InputModel):
    fn: Literal["count", "sum", "avg", "min", "max"] = "count"
    field: str | None = Field(None, description="the field summed, averaged …; none for count")


class Sort(InputModel):
    field: str = Field(description="a column, a grouped field, or `value` (the aggregate)")
    desc: bool = False


class Definition(InputModel):
    subject: Literal["work_orders", "assets", "software_installations", "services", "history"]
    filters: list[Filter] = Field(default_factory=list, max_length=10)
    columns: list[str] = Field(
        default_factory=list, max_length=20, description="the fields listed (no grouping)"
    )
    group_by: list[str] = Field(default_factory=list, max_length=2)
    aggregate: Aggregate = Field(default_factory=Aggregate, description="with group_by: the value per group")
    sort: list[Sort] = Field(default_factory=list, max_length=3)
    limit: int | None = Field(
        None, ge=1, le=ROW_CAP, description=f"at most {ROW_CAP} rows; without it, more is a 422"
    )
    chart: Literal["none", "bar", "horizontal_bar", "line", "pie"] = "none"


Schedule = Literal["weekly", "monthly"]
EMAILS = r"^[^@\s,]+@[^@\s,]+(,\s*[^@\s,]+@[^@\s,]+)*$"


class ReportCreate(InputModel):
    name: str = Field(min_length=1, max_length=200)
    schedule: Schedule | None = Field(
        None,
        description="run it every week or month, as you: each run is a `custom_report.ran` webhook event, and "
        "an e-mail with the rows as CSV when `email_to` names addresses",
    )
    email_to: str | None = Field(
        None, max_length=1000, pattern=EMAILS, description="comma-separated addresses"
    )
    shared_with_role: Literal[ROLES] | None = Field(
        None, description="everyone of this role sees and runs it"
    )  # type: ignore[valid-type]
    definition: Definition


class ReportUpdate(InputModel):
    not_null = ("name", "definition")
    name: str | None = Field(None, min_length=1, max_length=200)
    shared_with_role: Literal[ROLES] | None = None  # type: ignore[valid-type]
    definition: Definition | None = None
    schedule: Schedule | None = None
    email_to: str | None = Field(None, max_length=1000, pattern=EMAILS)


class ReportRead(ApiModel):
    id: uuid.UUID
    name: str
    owner_id: uuid.UUID
    shared_with_role: str | None
    definition: dict[str, Any]
    schedule: str | None
    email_to: str | None
    next_run_at: datetime | None
    last_sent_at: datetime | None
    last_error: str | None
    created_at: datetime
    updated_at: datetime


class RunAnswer(ApiModel):
    columns: list[str]
    rows: list[dict[str, Any]]
