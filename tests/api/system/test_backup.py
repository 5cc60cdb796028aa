"""`inventory-api backup` while the service writes, then a restore that the service starts on."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from inventory_api import cli, migrations
from inventory_api.assets import service as assets
from inventory_api.assets.models import Asset
from inventory_api.backup import libpq_url
from inventory_api.db import Database
from inventory_api.history.service import Actor, set_actor
from inventory_api.locations.models import Location
from inventory_api.main import create_app
from inventory_api.settings import Settings, get_settings
from tests import dbs


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with dbs.fresh_database(request.param, tmp_path) as url:
        migrations.upgrade(url)
        yield url


def add_assets(db: Database, site_id, tags: list[str]) -> None:
    with db.transaction() as session:
        set_actor(session, Actor("system"))
        for tag in tags:
            assets.create_asset(session, {"kind": "desktop", "site_id": site_id, "asset_tag": tag})


def count_assets(db: Database) -> int:
    with db.sessions() as session:
        return session.scalar(select(func.count()).select_from(Asset))


def test_a_backup_taken_while_writing_restores_and_serves(migrated_url, tmp_path, monkeypatch, capsys):
    live = Database(migrated_url)
    with live.transaction() as session:
        site = Location(kind="site", name="HQ", time_zone="UTC")
        session.add(site)
        session.flush()
        site_id = site.id
    add_assets(live, site_id, [f"PC-{n}" for n in range(50)])
    stop = threading.Event()

    def keep_writing() -> None:
        batch = 0
        while not stop.is_set():
            add_assets(live, site_id, [f"W{batch}-{n}" for n in range(5)])
            batch += 1

    writer = threading.Thread(target=keep_writing)
    writer.start()
    target = tmp_path / ("copy.db" if migrated_url.startswith("sqlite") else "copy.dump")
    monkeypatch.setenv("INVENTORY_DATABASE_URL", migrated_url)
    get_settings.cache_clear()
    try:
        cli.main(["backup", str(target)])
    finally:
        get_settings.cache_clear()
        stop.set()
        writer.join()
    assert "backup written to" in capsys.readouterr().err
    assert not list(tmp_path.glob(".*.partial"))

    if migrated_url.startswith("sqlite"):
        restored_url = f"sqlite:///{target}"
    else:
        restored_url = dbs.create_pg_database()
        subprocess.run(["pg_restore", "--no-owner", "-d", libpq_url(restored_url), str(target)], check=True)
    restored = Database(restored_url)
    try:
        copied = count_assets(restored)
        # a consistent snapshot: the first 50, plus whole batches of the writer, never a torn one
        assert copied >= 50 and copied % 5 == 0 and copied <= count_assets(live)
        settings = Settings(database_url=restored_url, worker_in_serve=False, _env_file=None)
        with TestClient(create_app(settings, restored)) as client:
            assert client.get("/readyz").json()["status"] == "ready"
    finally:
        restored.dispose()
        live.dispose()
        if not migrated_url.startswith("sqlite"):
            dbs.drop_pg_database(restored_url)


def test_a_backup_of_nothing_says_why_and_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("INVENTORY_DATABASE_URL", f"sqlite:///{tmp_path / 'missing.db'}")
    get_settings.cache_clear()
    try:
        with pytest.raises(SystemExit, match="does not exist"):
            cli.main(["backup", str(tmp_path / "copy.db")])
    finally:
        get_settings.cache_clear()
    assert list(tmp_path.iterdir()) == []


def test_collectors_ahead_of_a_restored_server_resync_and_nothing_is_lost(
    migrated_url, tmp_path, monkeypatch
):
    """A backup, then a report the server acknowledges, then the restore: the collector's next report names
    sections by a hash the restored server never saw; it answers 409 sections_required and the full resend lands."""
    import copy

    from collector import report as r
    from inventory_api.software.models import Installation
    from tests.api.ingest.reports import enroll, machine, make_secret, make_site, payload, post

    settings = Settings(
        database_url=migrated_url, worker_in_serve=False, report_min_interval_seconds=0, _env_file=None
    )
    live = Database(migrated_url)
    first = machine(packages=[("Mozilla Firefox", "128.0"), ("7-Zip", "23.01")])
    with TestClient(create_app(settings, live)) as client:
        key = enroll(client, make_secret(live, make_site(live)), first)["node_key"]
        assert post(client, key, payload(first)).status_code == 200
        acknowledged = payload(first)["hashes"]
        target = tmp_path / ("copy.db" if migrated_url.startswith("sqlite") else "copy.dump")
        monkeypatch.setenv("INVENTORY_DATABASE_URL", migrated_url)
        get_settings.cache_clear()
        try:
            cli.main(["backup", str(target)])
        finally:
            get_settings.cache_clear()
        second = copy.deepcopy(first)
        second.report_id, second.collected_at = "after-the-backup", first.collected_at.replace(":00Z", ":30Z")
        second.software.packages.append(r.Package(name="LibreOffice", version="24.2", source="msi"))
        assert post(client, key, payload(second, acknowledged=acknowledged)).status_code == 200
        acknowledged = payload(second)["hashes"]  # what the collector now believes the server holds
    live.dispose()

    if migrated_url.startswith("sqlite"):
        restored_url = f"sqlite:///{target}"
    else:
        restored_url = dbs.create_pg_database()
        subprocess.run(["pg_restore", "--no-owner", "-d", libpq_url(restored_url), str(target)], check=True)
    restored = Database(restored_url)
    try:
        third = copy.deepcopy(second)
        third.report_id, third.collected_at = "after-the-restore", second.collected_at.replace(":30Z", ":59Z")
        with TestClient(
            create_app(settings.model_copy(update={"database_url": restored_url}), restored)
        ) as client:
            behind = post(client, key, payload(third, acknowledged=acknowledged))
            assert behind.status_code == 409 and behind.json()["code"] == "sections_required"
            assert "software" in behind.json()["sections"]
            assert post(client, key, payload(third)).status_code == 200  # the collector resends in full
        with restored.sessions() as session:
            assert session.scalar(select(func.count()).select_from(Installation)) == 3  # LibreOffice is back
    finally:
        restored.dispose()
        if not migrated_url.startswith("sqlite"):
            dbs.drop_pg_database(restored_url)
