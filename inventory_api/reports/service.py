"""The built-in reports: which exist, what each takes, and running one for a caller within their sites."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from inventory_api.auth.service import Principal
from inventory_api.reports import backlog, hardware, lifecycle, recurring, security, sla, software, workload
from inventory_api.reports.common import Table
from inventory_api.reports.params import ReportQuery, scope_of
from inventory_api.reports.schemas import CandidateCampaign
from inventory_api.workorders import campaigns
from inventory_api.workorders.models import Campaign


@dataclass(frozen=True, slots=True)
class Report:
    """A built-in report: its query model, the function that builds its table, a one-line summary."""

    query: type[ReportQuery]
    build: Callable[..., Table]
    summary: str
    #: The table is a snapshot: `build` also takes the current time.
    as_of_now: bool = False


#: Each report by its path under /api/v1/reports.
REPORTS: dict[str, Report] = {
    "sla": Report(sla.SlaQuery, sla.sla_report,
                  "SLA compliance by work type, priority, team, technician or week"),
    "backlog": Report(backlog.BacklogQuery, backlog.backlog_report,
                      "Open orders now by state (or hold reason) and age bucket", as_of_now=True),
    "workload": Report(workload.WorkloadQuery, workload.workload_report,
                       "Per technician or team and week: opened, resolved, closed, reopened, minutes logged"),
    "recurring": Report(recurring.RecurringQuery, recurring.recurring_report,
                        "Assets, models, locations or software titles with repeated repair orders in the period"),
    "repairs-per-model": Report(recurring.RepairRateQuery, recurring.repair_rate_report,
                                "The models with the most repair orders per hundred live units (top ten by default)"),
    "security": Report(security.SecurityQuery, security.security_report,
                       "Per site: encryption off, firewall off, no endpoint protection, OS out of support, not seen",
                       as_of_now=True),
    "security/machines": Report(security.SecurityListQuery, security.security_list,
                                "The machines behind a number of the security report (`check`, or failing any)",
                                as_of_now=True),
    "hardware": Report(hardware.HardwareQuery, hardware.hardware_report,
                       "Machines by age since purchase, warranty and their model's end of life, per site, kind or model"),
    "upgrade-candidates": Report(lifecycle.CandidateQuery, lifecycle.candidates_report,
                                 "Machines matching any upgrade rule, and which rules each matches"),
    "software": Report(software.SoftwareQuery, software.software_report,
                       "Software titles (or versions) by the machines they are installed on"),
    "changes": Report(software.ChangeQuery, software.changes_report,
                      "Changes in the period by subject type and action (from history)"),
    "changes/events": Report(software.ChangeQuery, software.change_events,
                             "The history events of the period, oldest first"),
}  # fmt: skip


def run_report(session: Session, principal: Principal, name: str, query: Any, now: datetime) -> Table:
    """The report's table for this caller: the requested sites, each within their grants (403 otherwise)."""
    report = REPORTS[name]
    scope = scope_of(principal, query.site_id)
    return (
        report.build(session, scope, query, now) if report.as_of_now else report.build(session, scope, query)
    )


def create_upgrade_campaign(
    session: Session, principal: Principal, body: CandidateCampaign, now: datetime
) -> tuple[Campaign, dict[str, int]]:
    """Today's upgrade candidates as a campaign (one work order each), and its progress."""
    data = body.model_dump(exclude={*lifecycle.Rules.model_fields, "site_id"})
    rules = lifecycle.Rules.model_validate(body.model_dump(include=set(lifecycle.Rules.model_fields)))
    scope = scope_of(principal, body.site_id)
    campaign, _ = lifecycle.candidates_campaign(session, principal, scope, rules, data, now.date())
    session.flush()
    return campaign, campaigns.progress(session, campaign)
