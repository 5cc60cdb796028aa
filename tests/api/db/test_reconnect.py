"""After PostgreSQL drops the service's connections (a restart, a failover), one request answers 503 and the
service connects afresh: the pool does not ping before each checkout."""

import psycopg
import pytest
from sqlalchemy import text

from tests import dbs


def test_a_dropped_connection_costs_one_503_then_the_service_reconnects(client, admin, db):
    if db.is_sqlite:
        pytest.skip("SQLite has no server connection to lose")
    assert client.get("/api/v1/assets", headers=admin).status_code == 200
    with db.engine.connect() as conn:
        name = conn.execute(text("SELECT current_database()")).scalar_one()
    with psycopg.connect(dbs.postgres_admin_url(), autocommit=True) as admin_conn:
        dropped = admin_conn.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s", (name,)
        ).fetchone()[0]
    assert dropped >= 1
    lost = client.get("/api/v1/assets", headers=admin)
    assert lost.status_code == 503, lost.text
    assert (lost.json()["code"], lost.headers["retry-after"]) == ("unavailable", "5")
    for _ in range(3):
        assert client.get("/api/v1/assets", headers=admin).status_code == 200
