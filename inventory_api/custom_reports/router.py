"""Custom reports over HTTP: preview a definition, save, list, change, delete; run a saved one as JSON, CSV or a
chart."""

import uuid
from typing import Any, Literal

from fastapi import APIRouter, Query, Response

from inventory_api.custom_reports import service
from inventory_api.custom_reports.models import CustomReport
from inventory_api.custom_reports.schemas import Definition, ReportCreate, ReportRead, ReportUpdate, RunAnswer
from inventory_api.deps import ReadDep, SessionDep
from inventory_api.exports import safe_cell
from inventory_api.idempotency import IdempotentRoute
from inventory_api.reports.charts import draw
from inventory_api.routing import ERROR_RESPONSES

router = APIRouter(
    prefix="/api/v1/custom-reports",
    tags=["custom reports"],
    route_class=IdempotentRoute,
    responses=ERROR_RESPONSES,
)
CSV = {200: {"content": {"text/csv": {}}, "description": "the rows, as JSON or CSV"}}


def csv_answer(name: str, columns: list[str], rows: list[dict[str, Any]]) -> Response:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows([safe_cell(row[c]) for c in columns] for row in rows)
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})  # fmt: skip


def chart_of(title: str, definition: Definition, columns: list[str], rows: list[dict[str, Any]]) -> bytes:
    """The definition's chart: its groups (or first columns) as labels, the value (or last column) as the series."""
    labels = [" / ".join(str(r[c]) for c in columns[:-1]) or "(none)" for r in rows]
    return draw(title, "bar" if definition.chart == "none" else definition.chart, labels,
                [(columns[-1], [r[columns[-1]] for r in rows])])  # fmt: skip


@router.post("/preview", response_model=RunAnswer)
def preview(body: Definition, session: SessionDep, principal: ReadDep) -> RunAnswer:
    """Run a definition without saving it (the builder's preview)."""
    columns, rows = service.run(session, principal, body)
    return RunAnswer(columns=columns, rows=rows)


@router.post("", response_model=ReportRead, status_code=201)
def create(body: ReportCreate, session: SessionDep, principal: ReadDep) -> CustomReport:
    """Save a report: private, or shared with everyone of a role (needs `write`); with a schedule, the worker
    e-mails it (CSV attached) every week or month, run as you."""
    return service.save(session, principal, body.name, body.shared_with_role, body.definition, body.schedule,
                        body.email_to)  # fmt: skip


@router.get("", response_model=list[ReportRead])
def list_reports(session: SessionDep, principal: ReadDep) -> list[CustomReport]:
    """My saved reports and those shared with my role."""
    return list(session.scalars(service.visible(principal)))


@router.get("/{report_id}", response_model=ReportRead)
def read(report_id: uuid.UUID, session: SessionDep, principal: ReadDep) -> CustomReport:
    return service.require(session, principal, report_id)


@router.patch("/{report_id}", response_model=ReportRead)
def update(report_id: uuid.UUID, body: ReportUpdate, session: SessionDep, principal: ReadDep) -> CustomReport:
    """Rename, reshare or redefine (its owner, or an admin)."""
    report = service.require(session, principal, report_id, to_change=True)
    return service.update(session, principal, report, body.model_dump(exclude_unset=True))


@router.delete("/{report_id}", status_code=204)
def delete(report_id: uuid.UUID, session: SessionDep, principal: ReadDep) -> Response:
    service.delete(session, service.require(session, principal, report_id, to_change=True))
    return Response(status_code=204)


@router.get("/{report_id}/run", response_model=RunAnswer, responses=CSV)
def run(
    report_id: uuid.UUID, session: SessionDep, principal: ReadDep,
    format: Literal["json", "csv"] = Query("json", description="csv: the same rows as CSV"),
) -> Any:  # fmt: skip
    """A saved report's rows now, within my sites."""
    report = service.require(session, principal, report_id)
    columns, rows = service.run(session, principal, Definition.model_validate(report.definition))
    return (
        csv_answer(report.name, columns, rows) if format == "csv" else RunAnswer(columns=columns, rows=rows)
    )


@router.get("/{report_id}/chart.svg", response_class=Response,
            responses={200: {"content": {"image/svg+xml": {}}, "description": "the chart (SVG, no script)"}})  # fmt: skip
def chart(report_id: uuid.UUID, session: SessionDep, principal: ReadDep) -> Response:
    report = service.require(session, principal, report_id)
    definition = Definition.model_validate(report.definition)
    columns, rows = service.run(session, principal, definition)
    return Response(chart_of(report.name, definition, columns, rows), media_type="image/svg+xml")
