"""Report API schemas: one shape for every built-in report's JSON answer."""

import uuid
from typing import Any

from pydantic import ConfigDict, Field

from inventory_api.reports.lifecycle import Rules
from inventory_api.schemas import ApiModel
from inventory_api.workorders.schemas import Action, Kind, Priority


class Period(ApiModel):
    start: str
    end: str


class ReportAnswer(ApiModel):
    """A report: what was asked, the columns, and one object per row (the CSV has the same columns); some reports
    add `as_of` (a snapshot's time) or `truncated` (a list cut at its cap)."""

    model_config = ConfigDict(from_attributes=True, extra="allow")

    report: str
    period: Period
    site_ids: list[str]
    parameters: dict[str, Any]
    columns: list[str]
    rows: list[dict[str, Any]]


class CandidateCampaign(Rules):
    """The upgrade rules and sites of the candidates report, and the work order each candidate gets."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    site_id: list[uuid.UUID] = Field(
        default_factory=list, description="only these sites (within your grants)"
    )
    name: str = Field(min_length=1, max_length=200)
    kind: Kind = "upgrade"
    title: str = Field(
        "Upgrade {asset}", min_length=1, max_length=300, description="{asset} = the asset's name"
    )
    description: str | None = None
    priority: Priority = "P4"
    action: Action = "note"
    params: dict[str, Any] = Field(default_factory=dict)
