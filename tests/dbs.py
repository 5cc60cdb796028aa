"""Test databases: a SQLite file, and a throwaway PostgreSQL database per test run (or xdist worker)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

DEFAULT_PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_admin_url() -> str:
    return os.environ.get("INVENTORY_TEST_POSTGRES_URL", DEFAULT_PG_ADMIN_URL)


def postgres_required() -> bool:
    return os.environ.get("INVENTORY_TEST_POSTGRES", "").lower() == "required"


def postgres_reachable() -> str | None:
    """None if PostgreSQL answers, else why not."""
    try:
        with psycopg.connect(postgres_admin_url(), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return str(exc).strip() or type(exc).__name__
    return None


def unavailable(reason: str) -> None:
    """Skip PostgreSQL tests, or fail them when CI requires PostgreSQL."""
    message = f"PostgreSQL not reachable at {postgres_admin_url()}: {reason}"
    if postgres_required():
        pytest.fail(message + " (INVENTORY_TEST_POSTGRES=required)", pytrace=False)
    pytest.skip(message)


def create_pg_database() -> str:
    """A new empty database on the test server; returns its SQLAlchemy URL."""
    name = f"inv_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_admin_url(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = postgres_admin_url().rsplit("/", 1)[0]
    return f"{base}/{name}"


def drop_pg_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(postgres_admin_url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh_database(kind: str, directory: Path) -> Iterator[str]:
    """The URL of an empty database: a SQLite file in `directory`, or a throwaway PostgreSQL database."""
    if kind == "sqlite":
        yield f"sqlite:///{directory / 'fresh.db'}"
        return
    reason = postgres_reachable()
    if reason:
        unavailable(reason)
    url = create_pg_database()
    try:
        yield url
    finally:
        drop_pg_database(url)
