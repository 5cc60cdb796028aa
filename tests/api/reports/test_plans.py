"""On PostgreSQL the period-bound reports read work orders, the state log and time entries through indexes."""

import pytest
from sqlalchemy import event, text

from tests.api.reports.conftest import NOVEMBER


def plans(db, client, headers, path, params):
    """The EXPLAIN of every statement the report ran, with sequential scans priced out (tiny tables)."""
    seen = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and "work_order" in statement:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        assert (
            client.get(f"/api/v1/reports/{path}", params={**NOVEMBER, **params}, headers=headers).status_code
            == 200
        )
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    with db.engine.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))
        raw = conn.connection.driver_connection
        return "\n".join(
            "\n".join(row[0] for row in raw.execute(f"EXPLAIN {statement}", parameters).fetchall())
            for statement, parameters in seen
        )


@pytest.mark.parametrize(
    ("path", "params", "indexes"),
    [
        ("sla", {}, ["ix_work_orders_created"]),
        (
            "workload",
            {},
            ["ix_work_orders_created", "ix_work_order_state_changes_at", "ix_work_order_time_entries_date"],
        ),
        ("recurring", {"subject": "model"}, ["ix_work_orders_created"]),
    ],
)
def test_reports_use_their_indexes(db, client, admin, orders, path, params, indexes):
    if db.is_sqlite:
        pytest.skip("query plans are checked on PostgreSQL")
    plan = plans(db, client, admin, path, params)
    for index in indexes:
        assert index in plan, plan
