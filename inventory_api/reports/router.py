"""Built-in management reports over HTTP: JSON by default, CSV with `?format=csv` or `Accept: text/csv`, and a
chart of the same rows at `<report>/chart.svg`."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from inventory_api.auth.service import Principal
from inventory_api.db import utcnow
from inventory_api.deps import ReadDep, SessionDep, WriteDep
from inventory_api.idempotency import IdempotentRoute
from inventory_api.reports import backlog, hardware, lifecycle, recurring, security, sla, software, workload
from inventory_api.reports.charts import chart_svg
from inventory_api.reports.common import Table
from inventory_api.reports.output import answer
from inventory_api.reports.params import ReportQuery, query_of, scope_of
from inventory_api.reports.schemas import CandidateCampaign, ReportAnswer
from inventory_api.routing import ERROR_RESPONSES
from inventory_api.workorders import campaigns
from inventory_api.workorders.campaign_schemas import CampaignProgress, CampaignRead

router = APIRouter(
    prefix="/api/v1/reports", tags=["reports"], route_class=IdempotentRoute, responses=ERROR_RESPONSES
)
CSV = {200: {"content": {"text/csv": {}}, "description": "the rows, as JSON or CSV"}}
SVG = {200: {"content": {"image/svg+xml": {}}, "description": "the chart (SVG, no script)"}}
Build = Callable[[Session, Principal, Any], Table]


def _in_scope(build: Callable[..., Table], *, now: bool = False) -> Build:
    def run(session: Session, principal: Principal, query: Any) -> Table:
        scope = scope_of(principal, query.site_id)
        return build(session, scope, query, utcnow()) if now else build(session, scope, query)

    return run


#: path → (query model, builder, summary)
REPORTS: dict[str, tuple[type[ReportQuery], Build, str]] = {
    "sla": (sla.SlaQuery, _in_scope(sla.sla_report), "SLA compliance by work type, priority, team, technician or week"),
    "backlog": (backlog.BacklogQuery, _in_scope(backlog.backlog_report, now=True),
                "Open orders now by state (or hold reason) and age bucket"),
    "workload": (workload.WorkloadQuery, _in_scope(workload.workload_report),
                 "Per technician or team and week: opened, resolved, closed, reopened, minutes logged"),
    "recurring": (recurring.RecurringQuery, _in_scope(recurring.recurring_report),
                  "Assets, models, locations or software titles with repeated repair orders in the period"),
    "repairs-per-model": (recurring.RepairRateQuery, _in_scope(recurring.repair_rate_report),
                          "The models with the most repair orders per hundred live units (top ten by default)"),
    "security": (security.SecurityQuery, _in_scope(security.security_report, now=True),
                 "Per site: encryption off, firewall off, no endpoint protection, OS out of support, not seen"),
    "security/machines": (security.SecurityListQuery, _in_scope(security.security_list, now=True),
                          "The machines behind a number of the security report (`check`, or failing any)"),
    "hardware": (hardware.HardwareQuery, _in_scope(hardware.hardware_report),
                 "Machines by age since purchase, warranty and their model's end of life, per site, kind or model"),
    "upgrade-candidates": (lifecycle.CandidateQuery, _in_scope(lifecycle.candidates_report),
                           "Machines matching any upgrade rule, and which rules each matches"),
    "software": (software.SoftwareQuery, _in_scope(software.software_report),
                 "Software titles (or versions) by the machines they are installed on"),
    "changes": (software.ChangeQuery, _in_scope(software.changes_report),
                "Changes in the period by subject type and action (from history)"),
    "changes/events": (software.ChangeQuery, _in_scope(software.change_events),
                       "The history events of the period, oldest first"),
}  # fmt: skip


def _add_routes(path: str, model: type[ReportQuery], build: Build, summary: str) -> None:
    Query = Annotated[model, Depends(query_of(model))]  # type: ignore[valid-type]

    def report(request: Request, session: SessionDep, principal: ReadDep, query: Query) -> Any:
        return answer(request, build(session, principal, query))

    def chart(session: SessionDep, principal: ReadDep, query: Query) -> Response:
        return Response(chart_svg(build(session, principal, query)), media_type="image/svg+xml")

    name = path.replace("/", "_").replace("-", "_")
    router.add_api_route(f"/{path}", report, methods=["GET"], response_model=ReportAnswer, responses=CSV,
                         summary=summary, name=f"report_{name}")  # fmt: skip
    if "/" not in path:
        router.add_api_route(f"/{path}/chart.svg", chart, methods=["GET"], response_class=Response,
                             responses=SVG, summary=f"Chart: {summary[0].lower()}{summary[1:]}",
                             name=f"chart_{name}")  # fmt: skip


for _path, (_model, _build, _summary) in REPORTS.items():
    _add_routes(_path, _model, _build, _summary)


@router.post("/upgrade-candidates/campaign", response_model=CampaignRead, status_code=201)
def upgrade_campaign(body: CandidateCampaign, session: SessionDep, principal: WriteDep) -> Any:
    """Turn today's candidates into a campaign: one work order each (send `Idempotency-Key` to retry safely)."""
    data = body.model_dump(exclude={*lifecycle.Rules.model_fields, "site_id"})
    rules = lifecycle.Rules.model_validate(body.model_dump(include=set(lifecycle.Rules.model_fields)))
    scope = scope_of(principal, body.site_id)
    campaign, _ = lifecycle.candidates_campaign(session, principal, scope, rules, data, utcnow().date())
    session.flush()
    read = CampaignRead.model_validate(campaign)
    read.progress = CampaignProgress(**campaigns.progress(session, campaign))
    return read
