import json
import logging

from fastapi.testclient import TestClient

from inventory_api import migrations
from inventory_api.main import create_app


def test_healthz_is_open(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["x-request-id"]


def test_readyz_wants_migrations_at_head(client, db):
    # The test schema is made by create_all, not Alembic: not at head, so not ready.
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["code"] == "migrations_pending"
    with db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.exec_driver_sql("DELETE FROM alembic_version")
        conn.exec_driver_sql(f"INSERT INTO alembic_version VALUES ('{migrations.head_revision()}')")
    try:
        assert client.get("/readyz").json() == {"status": "ready", "migration": migrations.head_revision()}
    finally:
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE alembic_version")


def test_metrics_count_requests_by_route_template(client, admin):
    client.get("/healthz")
    # TestClient's peer is not an IP address: outside the open networks, a token is needed.
    assert client.get("/metrics").status_code == 401
    body = client.get("/metrics", headers=admin).text
    assert 'inventory_http_requests_total{method="GET",route="/healthz",status="200"}' in body
    assert "inventory_http_request_seconds_bucket" in body


def test_access_log_is_one_json_line_per_request_when_asked(settings, db, caplog):
    with (
        caplog.at_level(logging.INFO, logger="inventory_api.access"),
        TestClient(create_app(settings, db)) as quiet,
    ):
        quiet.get("/healthz")
    assert [r for r in caplog.records if r.name == "inventory_api.access"] == []  # off by default

    settings.access_log = True
    with (
        caplog.at_level(logging.INFO, logger="inventory_api.access"),
        TestClient(create_app(settings, db)) as client,
    ):
        answer = client.get("/healthz", headers={"X-Request-ID": "req-42"})
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "inventory_api.access"]
    assert answer.headers["x-request-id"] == "req-42"
    assert [(line["request_id"], line["method"], line["route"], line["status"]) for line in lines] == [
        ("req-42", "GET", "/healthz", 200)
    ]
    assert lines[0]["ms"] >= 0
