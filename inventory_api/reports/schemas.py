"""Report API schemas: one shape for every built-in report's JSON answer."""

from typing import Any

from inventory_api.schemas import ApiModel


class Period(ApiModel):
    start: str
    end: str


class ReportAnswer(ApiModel):
    """A report: what was asked, the columns, and one object per row (the CSV has the same columns)."""

    report: str
    period: Period
    site_ids: list[str]
    parameters: dict[str, Any]
    columns: list[str]
    rows: list[dict[str, Any]]
