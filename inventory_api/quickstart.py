"""`make run`: an admin account, a default site and enroll secret, this machine inventoried, the service up."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from sqlalchemy import select

from inventory_api.auth import service as auth
from inventory_api.db import Database
from inventory_api.history.service import Actor, set_actor
from inventory_api.ingest.models import EnrollSecret
from inventory_api.ingest.service import create_enroll_secret, key_hash
from inventory_api.locations.models import Location
from inventory_api.settings import get_settings

VAR = Path("var")


def ensure_default_site(db: Database) -> Location:
    """The first site, or a new "Default site" in UTC when there is none."""
    with db.transaction() as session:
        site = session.scalar(select(Location).where(Location.kind == "site").order_by(Location.created_at))
        if site is None:
            site = Location(kind="site", name="Default site", time_zone="UTC")
            session.add(site)
            session.flush()
            site.site_id = site.id
        return site


def ensure_local_secret(db: Database, site: Location) -> str:
    """The enroll secret of this machine's own collector, kept in var/enroll-secret (0600)."""
    path = VAR / "enroll-secret"
    with db.transaction() as session:
        if path.exists():
            secret = path.read_text().strip()
            stmt = select(EnrollSecret.id).where(
                EnrollSecret.secret_hash == key_hash(secret), EnrollSecret.revoked_at.is_(None)
            )
            if session.scalar(stmt) is not None:
                return secret  # still known (a reset database would not know it: make a new one)
        set_actor(session, Actor("system", name="quickstart"))
        _, secret = create_enroll_secret(session, name="local quickstart", site_id=site.id)
    VAR.mkdir(exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(secret + "\n")
    return secret


def _wait_ready(url: str, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def inventory_this_machine(server: str, secret: str) -> None:
    """Enroll this machine's collector (once) and send one report, as the scheduled task would."""
    if not _wait_ready(server):
        print("quickstart: the service did not come up; skipping the collector run", file=sys.stderr)
        return
    state = VAR / "collector"
    # With the secret at hand the collector re-enrolls by itself if the database was reset under its node key.
    env = {
        **os.environ,
        "INVENTORY_COLLECTOR_STATE_DIR": str(state.resolve()),
        "INVENTORY_COLLECTOR_SECRET": secret,
    }
    collector = [sys.executable, "-m", "collector"]
    if not (state / "node_key").exists():
        subprocess.run([*collector, "enroll", "--server", server, "--secret", secret], env=env, check=False)
    result = subprocess.run([*collector, "run", "--force", "--server", server], env=env, check=False)
    if result.returncode == 0:
        print(f"quickstart: this machine is inventoried; see {server}/api/v1/assets", file=sys.stderr)


def ensure_admin(db: Database, password: str | None) -> str | None:
    """Create the `admin` account if there is no admin yet; return its password when we made one up."""
    with db.transaction() as session:
        set_actor(session, Actor("system", name="quickstart"))
        if any(u.role == "admin" for u in auth.list_users(session)):
            return None
        generated = password is None
        password = password or secrets.token_urlsafe(15)
        auth.create_user(
            session, username="admin", role="admin", password=password, full_name="Administrator"
        )
        return password if generated else None


def run(*, host: str | None, port: int | None) -> None:
    import uvicorn

    settings = get_settings()
    host, port = host or settings.host, port or settings.port
    db = Database(settings.database_url)
    password = ensure_admin(db, settings.admin_password)
    if password:
        print(
            f"\n  Admin account created: username 'admin', password {password!r}\n"
            "  (shown this once; set INVENTORY_ADMIN_PASSWORD to choose it)\n",
            file=sys.stderr,
        )
    site = ensure_default_site(db)
    secret = ensure_local_secret(db, site)
    db.dispose()
    server = f"http://{host}:{port}"
    threading.Thread(target=inventory_this_machine, args=(server, secret), daemon=True).start()
    print(f"quickstart: serving on {server} (API docs at {server}/docs)", file=sys.stderr)
    uvicorn.run("inventory_api.main:create_app", factory=True, host=host, port=port, log_level="info")
