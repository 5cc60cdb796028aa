"""Report parameters: strict query strings (an unknown name is a 422), the period and the caller's sites."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal, TypeVar, get_origin

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator
from starlette.datastructures import QueryParams

from inventory_api.auth.service import Principal
from inventory_api.errors import Forbidden
from inventory_api.query_models import openapi_parameters

DEFAULT_DAYS = 30
MAX_DAYS = 731
Q = TypeVar("Q", bound="ReportQuery")


class ReportQuery(BaseModel):
    """What every report takes: a period of whole UTC days and the sites (repeat `site_id` for several)."""

    model_config = ConfigDict(extra="forbid")

    start: date | None = Field(
        None, description="first day of the period (UTC); default 30 days before `end`"
    )
    end: date | None = Field(None, description="last day of the period, inclusive (UTC); default today")
    site_id: list[uuid.UUID] = Field(
        default_factory=list, description="only these sites (within your grants)"
    )
    format: Literal["json", "csv"] = Field(
        "json", description="csv: the same rows as CSV (or Accept: text/csv)"
    )

    @model_validator(mode="after")
    def _period(self) -> ReportQuery:
        end = self.end or datetime.now(UTC).date()
        start = self.start or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise ValueError(f"start {start} is after end {end}")
        if (end - start).days >= MAX_DAYS:
            raise ValueError(f"the period may span at most {MAX_DAYS} days")
        self.start, self.end = start, end
        return self

    @property
    def since(self) -> datetime:
        """The period's first instant."""
        return datetime.combine(self.start, time(0), tzinfo=UTC)

    @property
    def until(self) -> datetime:
        """The instant after the period's last day."""
        return datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=UTC)


def read_query(model: type[Q], query_params: QueryParams) -> Q:
    """The query string as `model`; unknown or malformed parameters answer 422 naming them."""
    params: dict[str, Any] = {}
    repeated = []
    for name in query_params:
        field = model.model_fields.get(name)
        is_list = field is not None and get_origin(field.annotation) is list
        values = query_params.getlist(name)
        params[name] = values if is_list else values[-1]
        if len(values) > 1 and not is_list and field is not None:
            repeated.append({"type": "repeated", "loc": ("query", name), "input": values,
                             "msg": f"{name} takes one value, not {len(values)}"})  # fmt: skip
    try:
        query = model.model_validate(params)
    except ValidationError as exc:
        errors = [{**err, "loc": ("query", *err["loc"])} for err in exc.errors(include_url=False)]
        for err in errors:
            if err["type"] == "extra_forbidden":
                err["msg"] = (
                    f"unknown parameter {err['loc'][-1]!r}; this report takes {sorted(model.model_fields)}"
                )
        raise RequestValidationError([*repeated, *errors]) from None
    if repeated:
        raise RequestValidationError(repeated)
    return query


def query_of(model: type[Q]) -> Callable[[Request], Awaitable[Q]]:
    """A dependency reading the query string into `model`, its fields documented as query parameters."""

    async def parse(request: Request) -> Q:
        return read_query(model, request.query_params)

    parse.query_parameters = openapi_parameters(TypeAdapter(model))  # type: ignore[attr-defined]
    return parse


@dataclass(frozen=True, slots=True)
class Scope:
    """The sites a report counts: None = every site."""

    site_ids: frozenset[uuid.UUID] | None

    def where(self, column: Any) -> Any:
        """A condition on a site column, or None when every site counts."""
        return None if self.site_ids is None else column.in_(self.site_ids)


def scope_of(principal: Principal, requested: list[uuid.UUID]) -> Scope:
    """The requested sites, each within the caller's grants (403 naming one that is not); none = all granted."""
    if requested:
        outside = [s for s in requested if not principal.can_see_site(s)]
        if outside:
            raise Forbidden(f"you have no grant for site {outside[0]}", code="site_not_granted")
        return Scope(frozenset(requested))
    return Scope(principal.site_ids)
