"""Fixtures shared by every test: databases on SQLite and PostgreSQL, the app, users with each role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from inventory_api.auth import service as auth
from inventory_api.db import Database
from inventory_api.history.service import Actor, set_actor
from inventory_api.main import create_app
from inventory_api.models import Base
from inventory_api.settings import Settings
from inventory_api.software.cache import clear_catalog_caches
from inventory_api.tools.partition import partition_installations
from tests import dbs

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """One PostgreSQL database for this test run (per xdist worker), dropped at the end."""
    reason = dbs.postgres_reachable()
    if reason:
        dbs.unavailable(reason)
    url = dbs.create_pg_database()
    yield url
    dbs.drop_pg_database(url)


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'inventory.db'}"


@pytest.fixture(scope="session", params=BACKENDS)
def backend_db(request: pytest.FixtureRequest) -> Iterator[Database]:
    """The schema, created once per backend; tests get it through `db`, which empties it after each test."""
    yield from open_backend(request, request.param)


def open_backend(request: pytest.FixtureRequest, kind: str) -> Iterator[Database]:
    """A database with the schema: "sqlite", "postgresql", or "postgresql-partitioned" (a database of its own
    whose software installations are hash-partitioned by asset, as docs/scaling.md describes)."""
    if kind == "postgresql-partitioned":
        request.getfixturevalue("pg_url")  # reachable, or skipped / failed as CI requires
        url = dbs.create_pg_database()
        request.addfinalizer(lambda: dbs.drop_pg_database(url))
    else:
        url = request.getfixturevalue("sqlite_url" if kind == "sqlite" else "pg_url")
    db = Database(url, pool_size=20)
    Base.metadata.create_all(db.engine)
    if kind == "postgresql-partitioned":
        partition_installations(db.engine, partitions=4)
    yield db
    db.dispose()


def empty_tables(db: Database) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if db.is_sqlite:
            for name in tables:
                conn.execute(text(f'DELETE FROM "{name}"'))
        else:
            conn.execute(
                text("TRUNCATE " + ", ".join(f'"{n}"' for n in tables) + " RESTART IDENTITY CASCADE")
            )
    clear_catalog_caches()  # ids restart: the catalog rows the app cached are gone


@pytest.fixture
def db(backend_db: Database) -> Iterator[Database]:
    """An empty database on each backend."""
    yield backend_db
    empty_tables(backend_db)


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    """A session acting as the system; the test commits when it needs to."""
    with db.write_sessions() as session:
        set_actor(session, Actor("system"))
        yield session


@pytest.fixture
def settings(db: Database, tmp_path: Path) -> Settings:
    return Settings(database_url=db.url, worker_in_serve=False, _env_file=None)


@pytest.fixture
def app(settings: Settings, db: Database):
    return create_app(settings, db)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


UserFactory = Callable[..., dict[str, str]]


@pytest.fixture
def make_user(db: Database) -> UserFactory:
    """Create a user with a role (and sites) and return Authorization headers for an API token of theirs."""
    counter = iter(range(1, 10_000))

    def make(
        role: str = "admin", *, site_ids=None, scopes=None, username: str | None = None
    ) -> dict[str, str]:
        with db.transaction() as session:
            user = auth.create_user(
                session, username=username or f"{role}{next(counter)}", role=role, password="correct horse battery",
                site_ids=site_ids,
            )  # fmt: skip
            _, token = auth.create_token(session, user, name="test", scopes=scopes)
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def admin(make_user: UserFactory) -> dict[str, str]:
    return make_user("admin")
