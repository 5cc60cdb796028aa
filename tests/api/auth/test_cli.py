"""The operator's first steps from the command line."""

import io

from inventory_api import cli
from inventory_api.auth import service as auth
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
