"""The reports in the browser: each built-in report's parameters as a form (made from the same query model as the
API), its rows as a table, its chart, a CSV link to the API, and the upgrade candidates made a campaign."""

from __future__ import annotations

import types
import uuid
from datetime import date
from typing import Any, Literal, Union, get_args, get_origin
from urllib.parse import urlencode

from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams

from inventory_api.auth.service import Principal
from inventory_api.db import utcnow
from inventory_api.errors import Unprocessable
from inventory_api.query_models import openapi_parameters
from inventory_api.reports import service
from inventory_api.reports.common import Table
from inventory_api.reports.params import read_query
from inventory_api.reports.schemas import CandidateCampaign
from inventory_api.web.orders import may_write, sites_for

#: Rows shown on the page; the CSV export has them all.
PAGE_ROWS = 500


def _choices(annotation: Any) -> tuple[str, ...] | None:
    """The allowed values of a Literal (or an optional one)."""
    if get_origin(annotation) is Literal:
        return tuple(str(a) for a in get_args(annotation))
    if get_origin(annotation) in (Union, types.UnionType):
        for arg in get_args(annotation):
            if get_origin(arg) is Literal:
                return _choices(arg)
    return None


def form_fields(model: Any, params: QueryParams) -> list[dict[str, Any]]:
    """The report's parameters as form inputs, each with its current value(s) from the query string."""
    fields = []
    for name, field in model.model_fields.items():
        if name in ("format", "site_id"):
            continue
        annotation = field.annotation
        many = get_origin(annotation) is list
        inner = get_args(annotation)[0] if many else annotation
        choices = _choices(inner)
        base = next((a for a in (inner, *get_args(inner)) if a in (bool, int, float, date)), str)
        kind = (
            "select"
            if choices
            else {bool: "checkbox", int: "number", float: "number", date: "date"}.get(base, "text")
        )
        fields.append({
            "name": name, "label": name.replace("_", " "), "kind": kind, "many": many, "choices": choices or (),
            "help": field.description or "", "value": params.get(name, _shown(field.default, many)),
            "chosen": params.getlist(name),
        })  # fmt: skip
    return fields


def _shown(default: Any, many: bool) -> str:
    """A parameter's default as its form input shows it (a checkbox is ticked by "true")."""
    if default is None or many or default is False:
        return ""
    return "true" if default is True else str(default)


def parse(model: Any, params: QueryParams) -> Any:
    """The query as the API reads it; a list typed in one text box ("desktop, laptop") counts as its items, and
    an empty box as not given."""
    items = []
    for name, value in params.multi_items():
        field = model.model_fields.get(name)
        if value == "":
            continue
        if (
            field is not None
            and get_origin(field.annotation) is list
            and _choices(get_args(field.annotation)[0]) is None
        ):
            items.extend((name, part.strip()) for part in value.split(",") if part.strip())
        else:
            items.append((name, value))
    return read_query(model, QueryParams(items))


def declared(report: Any) -> Any:
    """A dependency that declares the report's parameters, so the route knows them (an unknown one is a 422)."""

    def parameters() -> None:
        return None

    parameters.query_parameters = openapi_parameters(TypeAdapter(report.query))  # type: ignore[attr-defined]
    return parameters


def errors_in_words(exc: RequestValidationError) -> str:
    return "; ".join(f"{err['loc'][-1]}: {err['msg']}" for err in exc.errors())


def run(session: Session, principal: Principal, name: str, params: QueryParams) -> dict[str, Any]:
    """The report's page: the form, then its table, chart and CSV link, or what was wrong with the form."""
    report = service.REPORTS[name]
    context: dict[str, Any] = {
        "name": name, "report": report, "fields": form_fields(report.query, params),
        "sites": sites_for(session, principal), "chosen_sites": params.getlist("site_id"), "table": None,
    }  # fmt: skip
    try:
        query = parse(report.query, params)
    except RequestValidationError as exc:
        return {**context, "error": errors_in_words(exc), "status": 422}
    table: Table = service.run_report(session, principal, name, query, utcnow())
    plain = [(k, v) for k, v in params.multi_items() if v != "" and k != "format"]
    return {
        **context, "table": table, "rows": table.rows[:PAGE_ROWS], "shown": PAGE_ROWS, "query": query,
        "csv": f"/api/v1/reports/{name}?" + urlencode([*plain, ("format", "csv")]),
        "chart": f"/api/v1/reports/{name}/chart.svg?" + urlencode(plain) if "/" not in name else None,
        "status": 200,
    }  # fmt: skip


def campaign(session: Session, principal: Principal, form: dict[str, str]) -> uuid.UUID:
    """Today's upgrade candidates made a campaign, one work order each, from the report's page."""
    may_write(principal)
    values: dict[str, Any] = {k: v for k, v in form.items() if v != ""}
    values["site_id"] = [values["site_id"]] if "site_id" in values else []
    for name in ("asset_kind", "status"):
        if name in values:
            values[name] = [part.strip() for part in values[name].split(",") if part.strip()]
    try:
        body = CandidateCampaign.model_validate(values)
    except ValidationError as exc:
        words = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_url=False)
        )
        raise Unprocessable(words, code="invalid_campaign") from None
    made, _ = service.create_upgrade_campaign(session, principal, body, utcnow())
    return made.id
