"""`doctor`: check config, state permissions, DNS, TLS, the server, the clock and enrollment."""

from __future__ import annotations

import socket
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from collector.config import Config
from collector.spool import Spool
from collector.state import StateStore, now_utc, parse_time
from collector.transport import HEALTH_PATH, Transport, TransportError, make_ssl_context

MAX_CLOCK_SKEW_SECONDS = 300.0


@dataclass(frozen=True)
class Check:
    """One line of the doctor's answer."""

    name: str
    status: str  # "OK", "WARN" or "FAIL"
    detail: str

    def line(self) -> str:
        """The printed form."""
        return f"{self.status:<4} {self.name:<11} {self.detail}"


def check_state_dir(store: StateStore, *, platform: str = sys.platform) -> Check:
    """The state directory exists with mode 0700 and its files with 0600."""
    directory = store.directory
    if not directory.is_dir():
        return Check("state", "WARN", f"{directory} does not exist yet (created by the first run or enroll)")
    if platform == "win32":
        return Check("state", "OK", f"{directory} (permissions come from the ProgramData ACL)")
    problems = []
    for path, wanted in [(directory, 0o700), (store.node_key_path, 0o600), (store.state_path, 0o600)]:
        if not path.exists():
            continue
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            problems.append(f"{path} is {mode:04o}, want {wanted:04o}")
    if problems:
        return Check("state", "FAIL", "; ".join(problems) + f" (fix: chmod -R go-rwx {directory})")
    return Check("state", "OK", f"{directory} is private to its owner")


def check_dns(host: str, port: int) -> Check:
    """The server's host name resolves."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        return Check("dns", "FAIL", f"{host} does not resolve: {exc}")
    addresses = sorted({str(info[4][0]) for info in infos})
    return Check("dns", "OK", f"{host} → {', '.join(addresses)}")


def check_tls(config: Config, host: str, port: int) -> Check:
    """A TLS handshake with certificate and host name verification succeeds."""
    context = make_ssl_context(config.ca_file)
    try:
        with (
            socket.create_connection((host, port), timeout=config.timeout_seconds) as raw,
            context.wrap_socket(raw, server_hostname=host) as tls,
        ):
            version, cert = tls.version(), tls.getpeercert() or {}
    except OSError as exc:
        trust = f"CA file {config.ca_file}" if config.ca_file else "the system trust store"
        return Check("tls", "FAIL", f"handshake with {host}:{port} failed ({exc}); trusted: {trust}")
    return Check("tls", "OK", f"{version}, certificate verified, valid until {cert.get('notAfter', '?')}")


def check_server(transport: Transport, now: Callable[[], datetime]) -> Iterator[Check]:
    """The server answers /healthz, and its Date header agrees with the local clock."""
    try:
        answer = transport.request("GET", HEALTH_PATH)
    except TransportError as exc:
        yield Check("server", "FAIL", f"{transport.server}{HEALTH_PATH} unreachable: {exc}")
        return
    if answer.status != 200:
        yield Check("server", "FAIL", f"{transport.server}{HEALTH_PATH} answered {answer.status}")
    else:
        yield Check("server", "OK", f"{transport.server}{HEALTH_PATH} answered 200")
    yield check_clock(answer.headers.get("date"), now())


def check_clock(date_header: str | None, local: datetime) -> Check:
    """The local clock is within a few minutes of the server's."""
    if not date_header:
        return Check("clock", "WARN", "the server sent no Date header")
    try:
        server_time = parsedate_to_datetime(date_header)
    except (TypeError, ValueError):
        return Check("clock", "WARN", f"unreadable Date header {date_header!r}")
    skew = (local - server_time).total_seconds()
    text = f"local clock is {abs(skew):.0f} s {'ahead of' if skew >= 0 else 'behind'} the server"
    if abs(skew) > MAX_CLOCK_SKEW_SECONDS:
        return Check("clock", "FAIL", text + " (fix NTP / time sync)")
    return Check("clock", "OK", text)


def check_enrolled(store: StateStore) -> Check:
    """A node key is present."""
    if store.read_node_key() is None:
        return Check(
            "enrolled", "FAIL", "no node key: run `inventory-collector enroll --server URL --secret S`"
        )
    asset = store.load().asset_id
    return Check("enrolled", "OK", f"node key present (asset {asset or 'unknown'})")


def check_delivery(config: Config, store: StateStore) -> Check:
    """What the last runs left behind: a spooled report, an error, a rejection."""
    state = store.load()
    spool = Spool(store.directory, max_bytes=config.spool_max_bytes)
    notes = []
    if spool.has_report():
        notes.append(f"a report waits in the spool ({spool.replaced} older ones replaced)")
    if state.last_error:
        notes.append(f"last error: {state.last_error}")
    rejected_at = parse_time((state.last_rejected or {}).get("at"))
    if state.last_rejected and not (
        state.last_success_at and rejected_at and rejected_at < state.last_success_at
    ):
        notes.append(
            f"last rejected: {state.last_rejected.get('http_status')} {state.last_rejected.get('detail')}"
        )
    if notes:
        return Check("delivery", "WARN", "; ".join(notes))
    return Check("delivery", "OK", "no spooled report, no recent error")


def diagnose(config: Config, store: StateStore, *, now: Callable[[], datetime] = now_utc) -> Iterator[Check]:
    """Every check, in the order an operator would fix them."""
    yield Check(
        "config", "OK", str(config.source) if config.source else "no config file; defaults and environment"
    )
    yield check_state_dir(store)
    server = config.server or store.load().server
    if server is None:
        yield Check(
            "server", "FAIL", "no server configured (config `server`, INVENTORY_COLLECTOR_SERVER, --server)"
        )
        yield check_enrolled(store)
        return
    parts = urlsplit(server)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    dns = check_dns(host, port)
    yield dns
    if dns.status == "FAIL":
        return
    if parts.scheme == "https":
        yield check_tls(config, host, port)
    else:
        yield Check("tls", "WARN", f"{server} is plain http: reports travel unencrypted")
    from collector.runner import collector_version

    transport = Transport(
        server, version=collector_version(), ca_file=config.ca_file, timeout=config.timeout_seconds
    )
    yield from check_server(transport, now)
    yield check_enrolled(store)
    yield check_delivery(config, store)


def run_doctor(config: Config | None, store: StateStore | None, error: str | None = None) -> int:
    """Print one line per check; exit 1 if any failed."""
    if config is None or store is None:
        print(Check("config", "FAIL", error or "unusable configuration").line())
        return 1
    failed = False
    for check in diagnose(config, store):
        print(check.line(), flush=True)
        failed = failed or check.status == "FAIL"
    return 1 if failed else 0
