"""The report builder in the browser: pick a subject, filters, columns or groups with a value, sort and chart;
preview; save it private or shared with a role; open a saved one with its chart and CSV. The same definitions
and checks as /api/v1/custom-reports."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import QueryParams

from inventory_api.auth.models import ROLES
from inventory_api.custom_reports import service
from inventory_api.custom_reports.fields import SUBJECTS
from inventory_api.custom_reports.schemas import Definition, ReportCreate
from inventory_api.deps import SessionDep
from inventory_api.errors import AppError
from inventory_api.routing import TransactionalRoute
from inventory_api.web import orders
from inventory_api.web.router import handle_form, page, web_principal

router = APIRouter(include_in_schema=False, route_class=TransactionalRoute)
FILTER_ROWS = 3
#: Every parameter the builder's form sends (the route refuses others, as every route does).
PARAMS = ("subject", "columns", "group_by", "fn", "value_field", "sort", "desc", "limit", "chart", "preview",
          *(f"{p}{i}" for i in range(FILTER_ROWS) for p in ("field", "op", "value")))  # fmt: skip


def definition_from(params: Any) -> Definition:
    """The builder's form as a definition; what is wrong with it, in words."""
    filters = []
    for i in range(FILTER_ROWS):
        if field := params.get(f"field{i}"):
            op, value = params.get(f"op{i}") or "eq", params.get(f"value{i}") or ""
            filters.append({"field": field, "op": op,
                            "value": [v.strip() for v in value.split(",") if v.strip()] if op == "in" else value})  # fmt: skip
    data: dict[str, Any] = {
        "subject": params.get("subject") or "work_orders", "filters": filters,
        "columns": [c for c in params.getlist("columns") if c], "group_by": [g for g in params.getlist("group_by") if g],
        "aggregate": {"fn": params.get("fn") or "count", "field": params.get("value_field") or None},
        "sort": [{"field": params["sort"], "desc": params.get("desc") == "on"}] if params.get("sort") else [],
        "chart": params.get("chart") or "none", "limit": params.get("limit") or None,
    }  # fmt: skip
    return Definition.model_validate(orders.validated(Definition, data))


def _declared() -> None:
    return None


_declared.query_parameters = [{"name": p, "in": "query", "required": False, "schema": {"type": "string"}}
                              for p in PARAMS]  # type: ignore[attr-defined]  # fmt: skip


@router.get("/reports/custom/new", dependencies=[Depends(_declared)])
def builder(request: Request, session: SessionDep) -> HTMLResponse:
    """The builder: its form as sent (GET, so a preview is a link), and the preview's rows."""
    principal = web_principal(request, session)
    params = request.query_params
    subject = params.get("subject") if params.get("subject") in SUBJECTS else "work_orders"
    context: dict[str, Any] = {"subjects": list(SUBJECTS), "subject": subject, "fields": list(SUBJECTS[subject].fields),
                               "params": params, "rows": None, "roles": ROLES, "filter_rows": range(FILTER_ROWS),
                               "query": urlencode(list(params.multi_items())), "csrf": orders.csrf_token(request)}  # fmt: skip
    status = 200
    if params.get("preview"):
        try:
            context["columns"], context["rows"] = service.run(session, principal, definition_from(params))
        except AppError as exc:
            context["error"], status = exc.detail, exc.status
    return page("custom_builder.html", status=status, principal=principal, **context)


@router.post("/reports/custom")
async def save(request: Request, session: SessionDep) -> Response:
    """Save the builder's definition under a name, private or shared with a role."""

    def change(who: Any, form: dict[str, str]) -> str:
        definition = definition_from(QueryParams(form.get("query", "")))
        fields = {
            f: (form.get(f) or "").strip() or None
            for f in ("name", "shared_with_role", "schedule", "email_to")
        }
        values = orders.validated(ReportCreate, {**fields, "definition": definition.model_dump()})
        report = service.save(session, who, values["name"], values["shared_with_role"], definition,
                              values["schedule"], values["email_to"])  # fmt: skip
        return f"/reports/custom/{report.id}"

    return await handle_form(request, session, "/reports", change)


@router.get("/reports/custom/{report_id}")
def saved(report_id: uuid.UUID, request: Request, session: SessionDep) -> HTMLResponse:
    """A saved report run now: its rows, chart and CSV."""
    principal = web_principal(request, session)
    try:
        report = service.require(session, principal, report_id)
        definition = Definition.model_validate(report.definition)
        columns, rows = service.run(session, principal, definition)
    except AppError as exc:
        return page("message.html", status=exc.status, principal=principal, error=exc.detail, back="/reports")
    return page("custom_report.html", principal=principal, report=report, definition=definition, columns=columns,
                rows=rows)  # fmt: skip
