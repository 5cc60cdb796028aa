"""SLA compliance report: numbers worked out by hand from the `orders` data set, on both databases."""

from inventory_api.workorders.models import WorkOrder
from tests.api.reports.conftest import NOVEMBER

URL = "/api/v1/reports/sla"


def rows(client, headers, **params):
    answer = client.get(URL, params={**NOVEMBER, **params}, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["rows"]


def test_by_kind_counts_met_breached_at_risk_and_times(client, admin, orders):
    install, repair = rows(client, admin, group_by="kind")
    assert install == {
        "group": "install", "orders": 2, "response_met": 2, "response_breached": 0, "response_at_risk": 0,
        "resolution_met": 1, "resolution_breached": 0, "resolution_at_risk": 1,
        "resolution_compliance_percent": 100.0, "response_median_minutes": 10.0, "response_p90_minutes": 20.0,
        "resolution_median_minutes": 120.0, "resolution_p90_minutes": 120.0,
    }  # fmt: skip
    assert repair == {
        "group": "repair", "orders": 2, "response_met": 1, "response_breached": 1, "response_at_risk": 0,
        "resolution_met": 1, "resolution_breached": 1, "resolution_at_risk": 0,
        "resolution_compliance_percent": 50.0, "response_median_minutes": 30.0, "response_p90_minutes": 90.0,
        "resolution_median_minutes": 240.0, "resolution_p90_minutes": 1620.0,
    }  # fmt: skip


def test_other_groupings(client, admin, orders):
    by_tech = rows(client, admin, group_by="technician")
    assert [(r["group"], r["orders"], r["resolution_breached"]) for r in by_tech] == [
        ("alice", 2, 1),
        ("bob", 2, 0),
    ]
    by_week = rows(client, admin, group_by="week")
    assert [(r["group"], r["orders"]) for r in by_week] == [("2026-11-02", 2), ("2026-11-09", 2)]
    by_priority = rows(client, admin, group_by="priority", kind=["install", "move"])
    assert [(r["group"], r["orders"], r["resolution_at_risk"]) for r in by_priority] == [("P3", 2, 1)]
    by_team = rows(client, admin, group_by="team", team="desk")
    assert [(r["group"], r["orders"], r["response_p90_minutes"]) for r in by_team] == [("desk", 2, 90.0)]


def test_a_site_limited_user_sees_only_its_sites_numbers(client, make_user, orders):
    hq_user = make_user("viewer", site_ids=[orders.hq])
    (install, repair) = rows(client, hq_user, group_by="kind")
    assert (install["orders"], install["resolution_met"], install["resolution_at_risk"]) == (1, 0, 1)
    assert (install["response_median_minutes"], install["resolution_median_minutes"]) == (10.0, None)
    assert repair["orders"] == 2
    denied = client.get(URL, params={"site_id": str(orders.branch)}, headers=hq_user)
    assert denied.status_code == 403 and denied.json()["code"] == "site_not_granted"
    branch_only = rows(client, make_user("viewer"), site_id=str(orders.branch))
    assert [(r["group"], r["orders"]) for r in branch_only] == [("install", 1)]


def test_period_bounds_are_whole_days(client, admin, orders):
    assert [r["orders"] for r in rows(client, admin, start="2026-11-02", end="2026-11-02")] == [1]
    assert rows(client, admin, start="2026-10-01", end="2026-10-31")[0]["orders"] == 1  # O6 only


def test_bad_parameters_are_refused(client, admin, orders):
    for params, word in [
        ({"group_by": "colour"}, "group_by"), ({"bogus": "1"}, "bogus"), ({"start": "2026-12-01", "end": "2026-11-01"}, "after"),
        ({"site_id": "not-a-uuid"}, "site_id"), ({"kind": "teleport"}, "kind"), ({"start": "2020-01-01"}, "731"),
        ({"group_by": ["kind", "team"]}, "one value"),
    ]:  # fmt: skip
        answer = client.get(URL, params=params, headers=admin)
        assert answer.status_code == 422, (params, answer.text)
        assert word in answer.text


def test_csv_has_the_same_rows_with_formulas_neutralised(client, admin, session, orders):
    session.get(WorkOrder, orders.orders["O3"]).team = "=SUM(A1)"
    session.commit()
    answer = client.get(URL, params={**NOVEMBER, "group_by": "team", "format": "csv"}, headers=admin)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    lines = answer.text.splitlines()
    assert lines[0].startswith("group,orders,response_met,")
    assert lines[1:] == ["'=SUM(A1),1,1,0,0,0,0,1,,10.0,10.0,,", "desk,2,1,1,0,1,1,0,50.0,30.0,90.0,240.0,1620.0",
                         "field,1,1,0,0,1,0,0,100.0,20.0,20.0,120.0,120.0"]  # fmt: skip
    by_header = client.get(
        URL, params={**NOVEMBER, "group_by": "team"}, headers={**admin, "Accept": "text/csv"}
    )
    assert by_header.text == answer.text


def test_reports_need_a_signed_in_caller(client, orders):
    for path in ("sla", "backlog", "security/machines", "sla/chart.svg"):
        assert client.get(f"/api/v1/reports/{path}").status_code == 401
