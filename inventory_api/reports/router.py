"""Built-in management reports over HTTP: JSON by default, CSV with `?format=csv` or `Accept: text/csv`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from inventory_api.db import utcnow
from inventory_api.deps import ReadDep, SessionDep, WriteDep
from inventory_api.idempotency import IdempotentRoute
from inventory_api.reports import backlog, lifecycle, recurring, security, sla, workload
from inventory_api.reports.output import answer
from inventory_api.reports.params import query_of, scope_of
from inventory_api.reports.schemas import CandidateCampaign, ReportAnswer
from inventory_api.routing import ERROR_RESPONSES
from inventory_api.workorders import campaigns
from inventory_api.workorders.campaign_schemas import CampaignProgress, CampaignRead

router = APIRouter(
    prefix="/api/v1/reports", tags=["reports"], route_class=IdempotentRoute, responses=ERROR_RESPONSES
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


@router.get("/recurring", response_model=ReportAnswer, responses=CSV)
def recurring_incidents(
    request: Request, session: SessionDep, principal: ReadDep,
    query: Annotated[recurring.RecurringQuery, Depends(query_of(recurring.RecurringQuery))],
) -> Any:  # fmt: skip
    """Assets, models, locations or software titles with repeated repair orders in the period."""
    return answer(request, recurring.recurring_report(session, scope_of(principal, query.site_id), query))


@router.get("/repairs-per-model", response_model=ReportAnswer, responses=CSV)
def repairs_per_model(
    request: Request, session: SessionDep, principal: ReadDep,
    query: Annotated[recurring.RepairRateQuery, Depends(query_of(recurring.RepairRateQuery))],
) -> Any:  # fmt: skip
    """The models with the most repair orders per hundred live units (top ten by default)."""
    return answer(request, recurring.repair_rate_report(session, scope_of(principal, query.site_id), query))


@router.get("/security", response_model=ReportAnswer, responses=CSV)
def security_adherence(
    request: Request, session: SessionDep, principal: ReadDep,
    query: Annotated[security.SecurityQuery, Depends(query_of(security.SecurityQuery))],
) -> Any:  # fmt: skip
    """Per site: machines with encryption off, firewall off, no endpoint protection, OS out of support, not seen."""
    scope = scope_of(principal, query.site_id)
    return answer(request, security.security_report(session, scope, query, utcnow()))


@router.get("/security/machines", response_model=ReportAnswer, responses=CSV)
def security_machines(
    request: Request, session: SessionDep, principal: ReadDep,
    query: Annotated[security.SecurityListQuery, Depends(query_of(security.SecurityListQuery))],
) -> Any:  # fmt: skip
    """The machines behind a number of the security report (`check`, or failing any check)."""
    scope = scope_of(principal, query.site_id)
    return answer(request, security.security_list(session, scope, query, utcnow()))


@router.get("/upgrade-candidates", response_model=ReportAnswer, responses=CSV)
def upgrade_candidates(
    request: Request, session: SessionDep, principal: ReadDep,
    query: Annotated[lifecycle.CandidateQuery, Depends(query_of(lifecycle.CandidateQuery))],
) -> Any:  # fmt: skip
    """Machines matching any upgrade rule, and which rules each matches."""
    return answer(request, lifecycle.candidates_report(session, scope_of(principal, query.site_id), query))


@router.post("/upgrade-candidates/campaign", response_model=CampaignRead, status_code=201)
def upgrade_campaign(body: CandidateCampaign, session: SessionDep, principal: WriteDep) -> Any:
    """Turn today's candidates into a campaign: one work order each (send `Idempotency-Key` to retry safely)."""
    data = body.model_dump(exclude={*lifecycle.Rules.model_fields, "site_id"})
    rules = lifecycle.Rules.model_validate(body.model_dump(include=set(lifecycle.Rules.model_fields)))
    scope = scope_of(principal, body.site_id)
    campaign, _ = lifecycle.candidates_campaign(session, principal, scope, rules, data, utcnow().date())
    session.flush()
    answer_ = CampaignRead.model_validate(campaign)
    answer_.progress = CampaignProgress(**campaigns.progress(session, campaign))
    return answer_
