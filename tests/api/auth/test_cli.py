"""The operator's first steps from the command line."""

import io
from datetime import timedelta

from inventory_api import cli
from inventory_api.assets import service as assets
from inventory_api.assets.models import Asset
from inventory_api.auth import service as auth
from inventory_api.db import utcnow
from inventory_api.locations.models import Location
from inventory_api.settings import get_settings


def test_user_and_token_create_print_only_the_token(db, monkeypatch, capsys):
    monkeypatch.setenv("INVENTORY_DATABASE_URL", db.url)
    get_settings.cache_clear()
    try:
        monkeypatch.setattr("sys.stdin", io.StringIO("a very good password\n"))
        cli.main(["user", "create", "--username", "ops", "--role", "admin", "--password-stdin"])
        cli.main(["token", "create", "--username", "ops", "--name", "deploy", "--scope", "read"])
    finally:
        get_settings.cache_clear()
    out = capsys.readouterr().out.strip()
    assert out.startswith("inv_") and "\n" not in out
    with db.sessions() as session:
        principal = auth.resolve_principal(session, out)
        assert principal.username == "ops"
        assert principal.permissions == frozenset({"read"})
        assert auth.authenticate(session, "ops", "a very good password").role == "admin"


def test_purge_deletes_only_assets_soft_deleted_long_enough_ago(db, monkeypatch, capsys):
    with db.transaction() as session:
        site = Location(kind="site", name="HQ", time_zone="UTC")
        session.add(site)
        session.flush()
        old = assets.create_asset(session, {"kind": "desktop", "site_id": site.id, "asset_tag": "OLD"})
        recent = assets.create_asset(session, {"kind": "desktop", "site_id": site.id, "asset_tag": "NEW"})
        live = assets.create_asset(session, {"kind": "desktop", "site_id": site.id, "asset_tag": "LIVE"})
        assets.delete_asset(session, old)
        assets.delete_asset(session, recent)
        old.deleted_at = utcnow() - timedelta(days=400)
        ids = (old.id, recent.id, live.id)
    monkeypatch.setenv("INVENTORY_DATABASE_URL", db.url)
    get_settings.cache_clear()
    try:
        cli.main(["purge", "--older-than-days", "365"])
    finally:
        get_settings.cache_clear()
    assert f"purged {ids[0]}" in capsys.readouterr().out
    with db.sessions() as session:
        assert [session.get(Asset, i) is not None for i in ids] == [False, True, True]
