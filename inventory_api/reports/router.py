"""Built-in management reports over HTTP: JSON by default, CSV with `?format=csv` or `Accept: text/csv`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from inventory_api.db import utcnow
from inventory_api.deps import ReadDep, SessionDep
from inventory_api.reports import backlog, sla, workload
from inventory_api.reports.output import answer
from inventory_api.reports.params import query_of, scope_of
from inventory_api.reports.schemas import ReportAnswer
from inventory_api.routing import ERROR_RESPONSES, TransactionalRoute

router = APIRouter(
    prefix="/api/v1/reports", tags=["reports"], route_class=TransactionalRoute, responses=ERROR_RESPONSES
)
CSV = {200: {"content": {"text/csv": {}}, "description": "the rows, as JSON or CSV"}}


@router.get("/sla", response_model=ReportAnswer, responses=CSV)
def sla_compliance(
    request: Request,
    session: SessionDep,
    principal: ReadDep,
    query: Annotated[sla.SlaQuery, Depends(query_of(sla.SlaQuery))],
) -> Any:
    """SLA compliance by work type, priority, team, technician or week."""
    return answer(request, sla.sla_report(session, scope_of(principal, query.site_id), query))


@router.get("/backlog", response_model=ReportAnswer, responses=CSV)
def backlog_ageing(
    request: Request,
    session: SessionDep,
    principal: ReadDep,
    query: Annotated[backlog.BacklogQuery, Depends(query_of(backlog.BacklogQuery))],
) -> Any:
    """Open orders now by state (or hold reason) and age bucket."""
    return answer(
        request, backlog.backlog_report(session, scope_of(principal, query.site_id), query, utcnow())
    )


@router.get("/workload", response_model=ReportAnswer, responses=CSV)
def technician_workload(
    request: Request,
    session: SessionDep,
    principal: ReadDep,
    query: Annotated[workload.WorkloadQuery, Depends(query_of(workload.WorkloadQuery))],
) -> Any:
    """Per technician or team and week: opened, resolved, closed, reopened, minutes logged."""
    return answer(request, workload.workload_report(session, scope_of(principal, query.site_id), query))
