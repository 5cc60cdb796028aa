"""Alembic from empty gives exactly the models' schema, on SQLite and PostgreSQL, and downgrades cleanly."""

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from inventory_api import migrations
from inventory_api.db import make_engine
from inventory_api.models import Base
from tests import dbs


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.db'}"
        return
    reason = dbs.postgres_reachable()
    if reason:
        dbs.unavailable(reason)
    url = dbs.create_pg_database()
    yield url
    dbs.drop_pg_database(url)


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
