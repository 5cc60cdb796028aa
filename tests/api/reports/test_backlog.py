"""Backlog report: open orders now by state or hold reason and age bucket (ages set around the real now)."""

from datetime import UTC, datetime, timedelta

from inventory_api.workorders.models import WorkOrder
from tests.api.reports.conftest import make_sites

URL = "/api/v1/reports/backlog"


def test_open_orders_by_state_and_age(client, admin, make_user, session):
    sites = make_sites(session)
    now = datetime.now(UTC)
    spec = [  # state, hold reason, age in days, site
        ("new", None, 0.5, sites.hq), ("new", None, 2.5, sites.hq), ("assigned", None, 5, sites.hq),
        ("in_progress", None, 40, sites.branch), ("on_hold", "waiting_parts", 10, sites.hq),
        ("on_hold", "waiting_parts", 95, sites.hq), ("on_hold", "waiting_user", 3.5, sites.branch),
        ("resolved", None, 1, sites.hq), ("cancelled", None, 1, sites.hq),
    ]  # fmt: skip
    for state, reason, days, site in spec:
        created = now - timedelta(days=days)
        session.add(WorkOrder(kind="repair", title="x", site_id=site, state=state, hold_reason=reason,
                              created_at=created, updated_at=created))  # fmt: skip
    session.commit()
    answer = client.get(URL, headers=admin)
    assert answer.status_code == 200, answer.text
    assert [[r[c] for c in answer.json()["columns"]] for r in answer.json()["rows"]] == [
        # group, open, <3 d, 3-7, 8-30, 31-90, >90
        ["new", 2, 2, 0, 0, 0, 0],
        ["assigned", 1, 0, 1, 0, 0, 0],
        ["in_progress", 1, 0, 0, 0, 1, 0],
        ["on_hold", 3, 0, 1, 1, 0, 1],
    ]
    holds = client.get(URL, params={"group_by": "hold_reason"}, headers=admin).json()["rows"]
    assert [(r["group"], r["open"], r["over_90_days"]) for r in holds] == [
        ("waiting_parts", 2, 1),
        ("waiting_user", 1, 0),
    ]
    hq_user = make_user("viewer", site_ids=[sites.hq])
    hq = client.get(URL, params={"group_by": "hold_reason"}, headers=hq_user).json()["rows"]
    assert [(r["group"], r["open"]) for r in hq] == [("waiting_parts", 2)]
    csv = client.get(URL, params={"format": "csv"}, headers=hq_user).text.splitlines()
    assert csv == ["group,open,under_3_days,3_to_7_days,8_to_30_days,31_to_90_days,over_90_days",
                   "new,2,2,0,0,0,0", "assigned,1,0,1,0,0,0", "in_progress,0,0,0,0,0,0", "on_hold,2,0,0,1,0,1"]  # fmt: skip
