"""`inventory-api demo-data`: the small organisation is what it promises, every built-in report has rows on it,
and a database that holds records is refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from inventory_api import cli
from inventory_api.assets.models import Asset
from inventory_api.auth import service as auth
from inventory_api.catalog.models import Model
from inventory_api.db import Database
from inventory_api.demo.service import fill
from inventory_api.demo.vocab import BAD_MODELS
from inventory_api.errors import Conflict
from inventory_api.main import create_app
from inventory_api.models import Base
from inventory_api.people.models import Person
from inventory_api.reports.service import REPORTS
from inventory_api.settings import Settings, get_settings
from inventory_api.sla.models import SlaEvent
from inventory_api.workorders.models import WorkOrder
from tests import dbs
from tests.conftest import empty_tables

YEAR = {"start": (datetime.now(UTC) - timedelta(days=364)).date().isoformat()}
#: What each report needs besides the period (the upgrade candidates need a rule).
PARAMS = {"upgrade-candidates": {"memory_below_gib": 8, "os_out_of_support": "true"}}


@pytest.fixture(scope="module")
def demo(backend_db: Database) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """The small organisation, written once per backend through the CLI, and an admin's API client on it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INVENTORY_DATABASE_URL", backend_db.url)
        get_settings.cache_clear()
        try:
            cli.main(["demo-data", "--scale", "small", "--seed", "7"])
        finally:
            get_settings.cache_clear()
    with backend_db.transaction() as session:
        user = auth.create_user(session, username="reader", role="admin", password="correct horse battery")
        _, token = auth.create_token(session, user, name="test")
    app = create_app(Settings(database_url=backend_db.url, worker_in_serve=False, _env_file=None), backend_db)
    try:
        with TestClient(app) as client:
            yield client, {"Authorization": f"Bearer {token}"}
    finally:
        empty_tables(backend_db)


def count(db: Database, model, *where) -> int:
    with db.sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_small_scale_is_as_promised(demo, backend_db):
    assert count(backend_db, Person) == 50
    assert 200 <= count(backend_db, Asset) <= 500
    assert count(backend_db, WorkOrder) == 1000
    assert (
        count(backend_db, WorkOrder, WorkOrder.state.in_(("new", "assigned", "in_progress", "on_hold"))) > 0
    )
    assert count(backend_db, SlaEvent, SlaEvent.kind == "breached") > 0


def test_a_bad_model_has_repeated_repairs(demo):
    client, headers = demo
    rates = client.get("/api/v1/reports/repairs-per-model", params=YEAR, headers=headers).json()["rows"]
    assert rates[0]["model"] in BAD_MODELS
    repeated = client.get(
        "/api/v1/reports/recurring", params={**YEAR, "subject": "model", "min_orders": 3}, headers=headers
    ).json()["rows"]
    assert {row["group"] for row in repeated} & set(BAD_MODELS)
    by_asset = client.get(
        "/api/v1/reports/recurring", params={**YEAR, "min_orders": 3}, headers=headers
    ).json()["rows"]
    assert by_asset and by_asset[0]["orders"] >= 3


def test_out_of_standard_machines_are_there(demo):
    client, headers = demo
    (total,) = [  # every site's figures summed
        {k: sum(row[k] for row in rows) for k in rows[0] if k not in ("site_id", "site")}
        for rows in [client.get("/api/v1/reports/security", headers=headers).json()["rows"]]
    ]
    assert total["machines"] > 0
    assert 0 < total["out_of_standard"] < total["machines"]
    assert total["os_out_of_support"] > 0 and total["not_seen"] > 0


@pytest.mark.parametrize("path", sorted(REPORTS))
def test_every_report_has_rows(demo, path):
    client, headers = demo
    answer = client.get(f"/api/v1/reports/{path}", params={**YEAR, **PARAMS.get(path, {})}, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["rows"], path


def test_a_database_with_records_is_refused(demo, backend_db):
    with pytest.raises(Conflict) as refused:
        fill(backend_db, scale="small", seed=1)
    assert refused.value.code == "database_not_empty"
    assert count(backend_db, Person) == 50  # nothing was added
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INVENTORY_DATABASE_URL", backend_db.url)
        get_settings.cache_clear()
        try:
            with pytest.raises(SystemExit, match="already holds records"):
                cli.main(["demo-data"])
        finally:
            get_settings.cache_clear()


def test_the_same_seed_gives_the_same_organisation(tmp_path: Path):
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    seen = []
    for n in range(2):
        (tmp_path / str(n)).mkdir()
        with dbs.fresh_database("sqlite", tmp_path / str(n)) as url:
            db = Database(url)
            Base.metadata.create_all(db.engine)
            fill(db, scale="small", seed=3, now=now)
            with db.sessions() as session:
                seen.append((
                    session.scalars(select(Person.name).order_by(Person.employee_id)).all(),
                    session.scalars(select(Asset.serial).order_by(Asset.asset_tag)).all(),
                    session.execute(select(WorkOrder.id, WorkOrder.title, WorkOrder.state, WorkOrder.created_at)
                                    .order_by(WorkOrder.change_seq)).all(),
                    session.scalars(select(Model.name).order_by(Model.name)).all(),
                ))  # fmt: skip
            db.dispose()
    assert seen[0] == seen[1]
