"""Built-in management reports over HTTP: JSON by default, CSV with `?format=csv` or `Accept: text/csv`, and a
chart of the same rows at `<report>/chart.svg`."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from inventory_api.db import utcnow
from inventory_api.deps import ReadDep, SessionDep, WriteDep
from inventory_api.idempotency import IdempotentRoute
from inventory_api.reports import service
from inventory_api.reports.charts import chart_svg
from inventory_api.reports.output import answer
from inventory_api.reports.params import query_of
from inventory_api.reports.schemas import CandidateCampaign, ReportAnswer
from inventory_api.routing import ERROR_RESPONSES
from inventory_api.workorders.campaign_schemas import CampaignProgress, CampaignRead

router = APIRouter(
    prefix="/api/v1/reports", tags=["reports"], route_class=IdempotentRoute, responses=ERROR_RESPONSES
)
CSV = {200: {"content": {"text/csv": {}}, "description": "the rows, as JSON or CSV"}}
SVG = {200: {"content": {"image/svg+xml": {}}, "description": "the chart (SVG, no script)"}}


def _add_routes(path: str, report: service.Report) -> None:
    Query = Annotated[report.query, Depends(query_of(report.query))]  # type: ignore[name-defined]

    def read(request: Request, session: SessionDep, principal: ReadDep, query: Query) -> Any:
        return answer(request, service.run_report(session, principal, path, query, utcnow()))

    def chart(session: SessionDep, principal: ReadDep, query: Query) -> Response:
        table = service.run_report(session, principal, path, query, utcnow())
        return Response(chart_svg(table), media_type="image/svg+xml")

    name = path.replace("/", "_").replace("-", "_")
    router.add_api_route(f"/{path}", read, methods=["GET"], response_model=ReportAnswer, responses=CSV,
                         summary=report.summary, name=f"report_{name}")  # fmt: skip
    if "/" not in path:
        router.add_api_route(f"/{path}/chart.svg", chart, methods=["GET"], response_class=Response,
                             responses=SVG, summary=f"Chart: {report.summary[0].lower()}{report.summary[1:]}",
                             name=f"chart_{name}")  # fmt: skip


for _path, _report in service.REPORTS.items():
    _add_routes(_path, _report)


@router.post("/upgrade-candidates/campaign", response_model=CampaignRead, status_code=201)
def upgrade_campaign(body: CandidateCampaign, session: SessionDep, principal: WriteDep) -> Any:
    """Turn today's candidates into a campaign: one work order each (send `Idempotency-Key` to retry safely)."""
    campaign, progress = service.create_upgrade_campaign(session, principal, body, utcnow())
    read = CampaignRead.model_validate(campaign)
    read.progress = CampaignProgress(**progress)
    return read
