"""Alembic from empty gives exactly the models' schema, on SQLite and PostgreSQL, and downgrades cleanly."""

import uuid
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from inventory_api import migrations
from inventory_api.assets.models import Asset
from inventory_api.db import make_engine
from inventory_api.locations.models import Location
from inventory_api.models import Base
from tests import dbs


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    with dbs.fresh_database(request.param, tmp_path) as url:
        yield url


def test_upgrade_matches_models_then_downgrades_to_empty(empty_url):
    migrations.upgrade(empty_url)
    engine = make_engine(empty_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            drift = compare_metadata(context, Base.metadata)
            assert drift == [], f"models and migrations differ: {drift}"
            assert migrations.current_revision(engine) == migrations.head_revision()
        migrations.downgrade(empty_url)
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrading_merges_models_that_differ_only_in_case(empty_url):
    """Revision 0004: models of one maker whose names differ only in case or spacing become the oldest one, and
    the assets of the others point to it."""
    migrations.upgrade(empty_url, "0003")
    engine = make_engine(empty_url)
    maker, old, dup, other = (uuid.uuid4() for _ in range(4))
    as_text = (lambda u: u.hex) if empty_url.startswith("sqlite") else str
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO manufacturers (id, name, key, created_at, updated_at, version) "
                              "VALUES (:id, 'Dell', 'dell', '2026-01-01 00:00:00+00:00', '2026-01-01 00:00:00+00:00', 1)"),
                         {"id": as_text(maker)})  # fmt: skip
            for model_id, name, day in (
                (old, "OptiPlex 7090", 1),
                (dup, "OPTIPLEX  7090", 2),
                (other, "OptiPlex 7010", 3),
            ):
                conn.execute(text("INSERT INTO models (id, manufacturer_id, name, created_at, updated_at, version) "
                                  "VALUES (:id, :maker, :name, :at, :at, 1)"),
                             {"id": as_text(model_id), "maker": as_text(maker), "name": name,
                              "at": f"2026-01-0{day} 00:00:00+00:00"})  # fmt: skip
        with Session(engine) as session, session.begin():  # an asset of the duplicate (Asset is as at 0003)
            site = Location(kind="site", name="HQ")
            session.add(site)
            session.flush()
            site.site_id = site.id
            session.add(Asset(kind="desktop", site_id=site.id, manufacturer_id=maker, model_id=dup))
        migrations.upgrade(empty_url)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT name, key FROM models ORDER BY name")).all()
        assert [tuple(r) for r in rows] == [
            ("OptiPlex 7010", "optiplex 7010"),
            ("OptiPlex 7090", "optiplex 7090"),
        ]
        with Session(engine) as session:
            assert session.scalar(select(Asset.model_id)) == old
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_upgrade_leaves_postgresql_with_table_statistics(empty_url):
    """Plans must not wait for autovacuum: a just-migrated database has been analysed."""
    if empty_url.startswith("sqlite"):
        pytest.skip("SQLite keeps no statistics unless asked, and needs none for its plans")
    migrations.upgrade(empty_url)
    engine = make_engine(empty_url)
    try:
        with engine.connect() as conn:
            unanalysed = (
                conn.execute(
                    text(
                        "SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NULL AND relname <> 'alembic_version'"
                    )
                )
                .scalars()
                .all()
            )
    finally:
        engine.dispose()
    assert unanalysed == []
