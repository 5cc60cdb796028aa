"""A real threaded HTTP(S) server that speaks the collector protocol, for transport and run tests."""

from __future__ import annotations

import gzip
import itertools
import json
import ssl
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

from collector.report_codec import digest

if TYPE_CHECKING:
    from collector.report import Package

SECTIONS = ("system", "hardware", "network", "peripherals", "security", "software")


@dataclass
class Received:
    """One request as the server saw it."""

    method: str
    path: str
    headers: dict[str, str]
    raw_body: bytes
    json: Any = None


@dataclass
class Scripted:
    """A canned answer returned instead of the protocol logic."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class FakeInventoryServer:
    """Enroll, inventory and healthz endpoints with the server's delta-protocol behaviour."""

    def __init__(self, *, ssl_context: ssl.SSLContext | None = None, secret: str = "enroll-me") -> None:
        self.secret = secret
        self.node_keys: set[str] = set()
        self.stored_hashes: dict[str, str] = {}
        self.stored_software: dict[str, Any] | None = None  # the section a software delta applies to
        self.understands_delta = True  # False: a server older than schema 1.1, which ignores software_delta
        self.received: list[Received] = []
        self.scripted: list[Scripted] = []
        self.next_report_at: str | None = None
        self.date_header: str | None = None
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        if ssl_context is not None:
            self._httpd.socket = ssl_context.wrap_socket(self._httpd.socket, server_side=True)
        scheme = "https" if ssl_context else "http"
        host = "localhost" if ssl_context else "127.0.0.1"
        self.url = f"{scheme}://{host}:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)

    def __enter__(self) -> FakeInventoryServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def reports(self) -> list[dict[str, Any]]:
        """The decoded bodies of every inventory POST, in order."""
        return [r.json for r in self.received if r.path == "/api/v1/inventory"]

    def answer(self, received: Received) -> Scripted:
        """Decide the answer to one request."""
        if received.path == "/healthz":
            return Scripted(200, {"status": "ok"})
        if received.path == "/api/v1/collectors/enroll":
            return self._enroll(received.json)
        if received.path == "/api/v1/inventory":
            with self._lock:
                if self.scripted:
                    return self.scripted.pop(0)
                return self._inventory(received)
        return Scripted(404, {"detail": "not found", "code": "not_found"})

    def _enroll(self, body: dict[str, Any]) -> Scripted:
        if body.get("secret") != self.secret:
            return Scripted(401, {"detail": "invalid enroll secret", "code": "invalid_secret"})
        key = f"node-key-{len(self.node_keys) + 1}"
        self.node_keys.add(key)
        return Scripted(201, {"node_key": key, "asset_id": "asset-1", "next_report_at": None})

    def _inventory(self, received: Received) -> Scripted:
        token = received.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self.node_keys:
            return Scripted(401, {"detail": "unknown node key", "code": "invalid_node_key"})
        report = received.json
        hashes = report["hashes"]
        sections = {name: report.get(name) for name in SECTIONS}
        delta = report.get("software_delta") if self.understands_delta else None
        if sections["software"] is None and delta is not None:
            sections["software"] = self._apply_software_delta(delta, hashes.get("software"))  # None: 409
        missing = [
            name
            for name, section in sections.items()
            if section is None and name in hashes and self.stored_hashes.get(name) != hashes[name]
        ]
        if missing:
            body = {"detail": "sections needed", "code": "sections_required", "sections": missing}
            return Scripted(409, body)
        for name, section in sections.items():
            if section is not None:
                self.stored_hashes[name] = hashes[name]
        if sections["software"] is not None:
            self.stored_software = sections["software"]
        answer = {
            "status": "applied",
            "asset_id": "asset-1",
            "acknowledged": dict(self.stored_hashes),
            "next_report_at": self.next_report_at,
        }
        return Scripted(200, answer)

    def _apply_software_delta(self, delta: dict[str, Any], new_hash: str | None) -> dict[str, Any] | None:
        """The stored software section with the delta applied, or None unless it has the announced hash."""
        if self.stored_software is None or delta["base"] != self.stored_hashes.get("software"):
            return None
        packages = list(self.stored_software["packages"])
        for removed in delta["removed"]:
            if removed not in packages:
                return None
            packages.remove(removed)
        section = {"packages": [*packages, *delta["added"]]}
        return section if digest(section) == new_hash else None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._serve(b"")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                self._serve(self.rfile.read(length))

            def _serve(self, raw: bytes) -> None:
                headers = {key.lower(): value for key, value in self.headers.items()}
                body = gzip.decompress(raw) if headers.get("content-encoding") == "gzip" else raw
                decoded = json.loads(body) if body else None
                received = Received(self.command, self.path, headers, raw, decoded)
                server.received.append(received)
                scripted = server.answer(received)
                data = json.dumps(scripted.body).encode()
                self.send_response_only(scripted.status)
                self.send_header("Date", server.date_header or self.date_time_string())
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in scripted.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                """Keep test output quiet."""

        return Handler


def tiny_report(*, packages: Sequence[str | Package] = ("bash",), hostname: str = "ws-01") -> Any:
    """A small but complete Report built from the wire-format dataclasses; packages are names or records."""
    from collector import report as r

    built = r.Report(
        report_id=f"report-{next(_report_ids)}",
        collected_at="2026-11-25T12:00:00Z",
        collector_version="0.1.0",
        identity=r.Identity(hostname=hostname, system_uuid="4c4c4544-0042-3510-8052-b4c04f4d4e31"),
        status=r.Status(uptime_seconds=3600),
        system=r.SystemSection(manufacturer="Dell Inc.", product="OptiPlex 7090", serial="5BRX4M3"),
        software=r.SoftwareSection(
            packages=[r.Package(name=p, version="1.0") if isinstance(p, str) else p for p in packages]
        ),
    )
    built.hashes = {name: r.section_hash(getattr(built, name)) for name in ("system", "software")}
    return built


_report_ids = itertools.count(1)


def make_tls_files(directory: Path) -> tuple[Path, Path, Path]:
    """A private CA and a localhost server certificate signed by it, made with the openssl tool."""
    ca_key, ca_pem = directory / "ca.key", directory / "ca.pem"
    key, csr, cert = directory / "server.key", directory / "server.csr", directory / "server.pem"
    ext = directory / "server.ext"
    ext.write_text(
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
        "authorityKeyIdentifier=keyid,issuer\n"
    )
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    ca_ext = [
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]
    sign = ["-CA", ca_pem, "-CAkey", ca_key, "-CAcreateserial", "-days", "2", "-extfile", ext]
    commands = [
        [
            "req",
            "-x509",
            *ec,
            *ca_ext,
            "-keyout",
            ca_key,
            "-out",
            ca_pem,
            "-days",
            "2",
            "-subj",
            "/CN=Test CA",
        ],
        ["req", *ec, "-keyout", key, "-out", csr, "-subj", "/CN=localhost"],
        ["x509", "-req", "-in", csr, *sign, "-out", cert],
    ]
    for command in commands:
        subprocess.run(["openssl", *map(str, command)], check=True, capture_output=True)
    return ca_pem, cert, key


def server_ssl_context(cert: Path, key: Path) -> ssl.SSLContext:
    """The TLS context of the fake server."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context
