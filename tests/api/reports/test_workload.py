"""Workload report: opened, resolved, closed, reopened and minutes per week, by technician or team."""

import pytest
from sqlalchemy import event

from tests.api.reports.conftest import NOVEMBER, add_order

URL = "/api/v1/reports/workload"
ZERO = {"opened": 0, "resolved": 0, "closed": 0, "reopened": 0, "minutes_logged": 0}


def rows(client, headers, **params):
    answer = client.get(URL, params={**NOVEMBER, **params}, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["rows"]


def test_per_technician_and_week(client, admin, orders):
    assert rows(client, admin) == [
        {"week": "2026-11-02", "group": "alice", "opened": 2, "resolved": 3, "closed": 1, "reopened": 1,
         "minutes_logged": 180},
        {**ZERO, "week": "2026-11-02", "group": None, "opened": 1},
        {**ZERO, "week": "2026-11-09", "group": "alice", "minutes_logged": 15},
        {**ZERO, "week": "2026-11-09", "group": "bob", "opened": 2, "resolved": 1, "minutes_logged": 75},
    ]  # fmt: skip


def test_per_team(client, admin, orders):
    assert rows(client, admin, group_by="team") == [
        {"week": "2026-11-02", "group": "desk", "opened": 2, "resolved": 3, "closed": 1, "reopened": 1,
         "minutes_logged": 180},
        {**ZERO, "week": "2026-11-02", "group": None, "opened": 1},
        {**ZERO, "week": "2026-11-09", "group": "field", "opened": 2, "resolved": 1, "minutes_logged": 90},
    ]  # fmt: skip


def test_site_scope_and_period(client, make_user, orders):
    hq_user = make_user("technician", site_ids=[orders.hq])
    assert [r for r in rows(client, hq_user) if r["week"] == "2026-11-09"] == [
        {**ZERO, "week": "2026-11-09", "group": "bob", "opened": 1, "minutes_logged": 45}
    ]
    first_week = rows(client, hq_user, start="2026-11-02", end="2026-11-03")
    assert [(r["group"], r["opened"], r["resolved"], r["minutes_logged"]) for r in first_week] == [
        ("alice", 2, 2, 150)
    ]


def test_unknown_grouping_or_parameter(client, admin, orders):
    assert client.get(URL, params={"group_by": "kind"}, headers=admin).status_code == 422
    assert client.get(URL, params={"kind": "repair"}, headers=admin).status_code == 422


def test_weeks_are_utc_whatever_the_database_session_zone(db, client, admin, session, orders):
    """In a PostgreSQL session at UTC+14, Sunday 11-08 20:00 UTC is already Monday: weeks must stay UTC."""
    if db.is_sqlite:
        pytest.skip("SQLite has no session time zone")
    add_order(session, orders, "O8", kind="repair", priority="P2", site_id=orders.hq, team="desk",
              assignee_id=orders.alice, state="new", log=[("11-08 20:00", "new")])  # fmt: skip
    session.commit()

    def east(dbapi_conn, _):
        with dbapi_conn.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'Pacific/Kiritimati'")
        dbapi_conn.commit()

    event.listen(db.engine, "connect", east)
    db.engine.dispose()
    try:
        opened = {(r["week"], r["group"]): r["opened"] for r in rows(client, admin)}
        assert opened[("2026-11-02", "alice")] == 3 and opened[("2026-11-09", "alice")] == 0
    finally:
        event.remove(db.engine, "connect", east)
        db.engine.dispose()
