"""`inventory-api`: serve, migrate, manage users and tokens, the one-command quickstart and demo data."""

from __future__ import annotations

import argparse
import getpass
import importlib
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from inventory_api import migrations
from inventory_api.auth import service as auth
from inventory_api.db import Database, utcnow
from inventory_api.errors import AppError
from inventory_api.history.service import Actor, set_actor
from inventory_api.settings import get_settings


def _db() -> Database:
    return Database(get_settings().database_url)


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Again: "):
        raise SystemExit("passwords differ")
    return first


def cmd_migrate(_: argparse.Namespace) -> None:
    migrations.upgrade(get_settings().database_url)
    print(f"database at migration {migrations.head_revision()}", file=sys.stderr)


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "inventory_api.main:create_app",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers or settings.workers,
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=",".join(settings.trusted_proxies) or None,
        log_level="info",
        access_log=False,  # the service logs its own access lines, as JSON with the request id, when asked
    )


def cmd_user_create(args: argparse.Namespace) -> None:
    password = _read_password(args)
    if len(password) < 12:
        raise SystemExit("the password needs at least 12 characters")
    with _db().transaction() as session:
        set_actor(session, Actor("system", name="cli"))
        user = auth.create_user(
            session, username=args.username, role=args.role, password=password, full_name=args.full_name,
            email=args.email,
        )  # fmt: skip
        print(f"created {user.role} {user.username} ({user.id})", file=sys.stderr)


def cmd_token_create(args: argparse.Namespace) -> None:
    with _db().transaction() as session:
        set_actor(session, Actor("system", name="cli"))
        user = auth.get_user_by_name(session, args.username)
        if user is None:
            raise SystemExit(f"no user {args.username!r}")
        expires = utcnow() + timedelta(days=args.expires_days) if args.expires_days else None
        _, token = auth.create_token(session, user, name=args.name, scopes=args.scope, expires_at=expires)
    print(token)


def cmd_quickstart(args: argparse.Namespace) -> None:
    from inventory_api import quickstart

    quickstart.run(host=args.host, port=args.port)


def cmd_purge(args: argparse.Namespace) -> None:
    """Really delete assets soft-deleted more than N days ago, each in its own transaction."""
    from sqlalchemy import select

    from inventory_api.assets import service as assets
    from inventory_api.assets.models import Asset

    db = _db()
    cutoff = utcnow() - timedelta(days=args.older_than_days)
    with db.sessions() as session:
        ids = list(session.scalars(select(Asset.id).where(Asset.deleted_at < cutoff)))
    for asset_id in ids:
        if args.dry_run:
            print(f"would purge {asset_id}")
            continue
        with db.transaction() as session:
            set_actor(session, Actor("system", name="purge"))
            assets.purge_asset(session, session.get(Asset, asset_id))
        print(f"purged {asset_id}")
    print(f"{len(ids)} asset(s) deleted before {cutoff:%Y-%m-%d}", file=sys.stderr)


def cmd_backup(args: argparse.Namespace) -> None:
    from inventory_api.backup import BackupError, backup

    try:
        target = backup(get_settings().database_url, Path(args.target))
    except BackupError as exc:
        raise SystemExit(f"error: {exc}") from None
    print(f"backup written to {target} ({target.stat().st_size} bytes)", file=sys.stderr)


def cmd_demo_data(args: argparse.Namespace) -> None:
    import time

    from inventory_api.demo.service import fill

    started = time.perf_counter()
    result = fill(_db(), scale=args.scale, seed=args.seed)
    tables = result["tables"]
    print(
        f"demo data ({args.scale}, seed {args.seed}) written in {time.perf_counter() - started:.0f} s: "
        f"{tables.get('people', 0)} people, {tables.get('assets', 0)} assets, "
        f"{tables.get('work_orders', 0)} work orders ({result['sla_events']} SLA events), "
        f"{tables.get('software_installations', 0)} software installations",
        file=sys.stderr,
    )


def cmd_worker(_: argparse.Namespace) -> None:
    worker = importlib.import_module("inventory_api.jobs.loop")
    worker.run_forever(_db(), get_settings())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="inventory-api", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, func: Callable[[argparse.Namespace], None], help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help)
        p.set_defaults(func=func)
        return p

    add("migrate", cmd_migrate, "upgrade the database to the newest schema")
    serve = add("serve", cmd_serve, "run the HTTP service")
    quick = add(
        "quickstart", cmd_quickstart, "admin account, enroll secret, this machine inventoried, then serve"
    )
    for p in (serve, quick):
        p.add_argument("--host")
        p.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int)
    add("worker", cmd_worker, "deliver webhooks and run periodic checks")
    demo = add("demo-data", cmd_demo_data, "fill an empty, migrated database with a believable organisation")
    demo.add_argument(
        "--scale",
        choices=["small", "large"],
        default="small",
        help="small: ~50 people, 1 000 work orders; large: 24 000 people, 100 000+ assets, 210 000 orders",
    )
    demo.add_argument("--seed", type=int, default=1, help="the same seed gives the same organisation")
    purge = add(
        "purge", cmd_purge, "really delete assets that were soft-deleted long ago (their history stays)"
    )
    purge.add_argument("--older-than-days", type=int, required=True)
    purge.add_argument("--dry-run", action="store_true")
    backup = add("backup", cmd_backup, "a consistent copy of the database while the service runs")
    backup.add_argument(
        "target", help="file to write (SQLite: a database file; PostgreSQL: a pg_dump archive)"
    )

    user = sub.add_parser("user", help="manage users").add_subparsers(dest="user_command", required=True)
    create = user.add_parser("create", help="create a user (password from a prompt or stdin)")
    create.set_defaults(func=cmd_user_create)
    create.add_argument("--username", required=True)
    create.add_argument("--role", required=True, choices=["admin", "technician", "viewer", "integration"])
    create.add_argument("--full-name")
    create.add_argument("--email")
    create.add_argument("--password-stdin", action="store_true", help="read the password from one stdin line")

    token = sub.add_parser("token", help="manage API tokens").add_subparsers(
        dest="token_command", required=True
    )
    tcreate = token.add_parser("create", help="create an API token; prints only the token")
    tcreate.set_defaults(func=cmd_token_create)
    tcreate.add_argument("--username", required=True)
    tcreate.add_argument("--name", default="cli")
    tcreate.add_argument("--expires-days", type=int)
    tcreate.add_argument("--scope", action="append", choices=["read", "write", "admin"])
    return parser


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    try:
        args.func(args)
    except AppError as exc:
        raise SystemExit(f"error: {exc.detail}") from None


if __name__ == "__main__":
    main()
