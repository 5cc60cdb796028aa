"""HTTPS to the inventory server with urllib: enroll, send a gzip report, classify the answer."""

from __future__ import annotations

import enum
import gzip
import http.client
import json
import socket
import ssl
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

ENROLL_PATH = "/api/v1/collectors/enroll"
INVENTORY_PATH = "/api/v1/inventory"
HEALTH_PATH = "/healthz"
REPLACED_HEADER = "X-Inventory-Spool-Replaced"
MAX_ANSWER_BYTES = 1024 * 1024
REJECTED_STATUSES = frozenset({400, 405, 411, 413, 414, 415, 422})


class OutcomeKind(enum.Enum):
    """What the collector must do after a send."""

    APPLIED = "applied"  # stored (applied, duplicate or stale): keep the acknowledged hashes
    SECTIONS_REQUIRED = "sections_required"  # resend the listed sections in full
    REENROLL = "reenroll"  # the node key is refused: drop it and enroll again
    REJECTED = "rejected"  # the report will never be accepted as is: drop it
    RETRY_LATER = "retry_later"  # keep the report spooled and back off


@dataclass(frozen=True)
class Outcome:
    """The classified answer to one send."""

    kind: OutcomeKind
    http_status: int | None = None
    body: dict[str, Any] = field(default_factory=dict)
    sections: tuple[str, ...] = ()
    retry_after_seconds: float | None = None
    detail: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class Answer:
    """A raw HTTP answer: status, headers and parsed JSON body (empty dict if not JSON)."""

    status: int
    headers: dict[str, str]
    body: dict[str, Any]


class TransportError(Exception):
    """The server could not be reached (DNS, TLS, connection, timeout)."""


class EnrollError(Exception):
    """Enrollment failed; the message says why in words an operator can act on."""


@dataclass(frozen=True)
class Enrollment:
    """What enrollment gave: the node key, the asset and the first report time."""

    node_key: str
    asset_id: str | None
    next_report_at: str | None


def make_ssl_context(ca_file: Path | None) -> ssl.SSLContext:
    """A verifying TLS context, trusting the given CA file instead of the system store when set."""
    return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)


def user_agent(version: str) -> str:
    """The User-Agent naming the collector version, Python and OS."""
    python = ".".join(str(part) for part in sys.version_info[:3])
    return f"inventory-collector/{version} (python {python}; {sys.platform})"


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse redirects: urllib would turn the POST into a bodiless GET; the operator must fix the URL."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Transport:
    """One server: URL, TLS trust, timeout and identity of the caller."""

    def __init__(self, server: str, *, version: str, ca_file: Path | None = None, timeout: float = 30.0):
        self.server = server.rstrip("/")
        self.version = version
        self.timeout = timeout
        context = make_ssl_context(ca_file) if self.server.startswith("https:") else None
        handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
        if context is not None:
            handlers.append(urllib.request.HTTPSHandler(context=context))
        self._opener = urllib.request.build_opener(*handlers)

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float | None = None,
    ) -> Answer:
        """Send one request; HTTP error statuses are answers, unreachable servers raise TransportError."""
        all_headers = {"User-Agent": user_agent(self.version), "Accept": "application/json"}
        all_headers.update(headers or {})
        req = urllib.request.Request(self.server + path, data=body, headers=all_headers, method=method)
        try:
            with self._opener.open(req, timeout=timeout or self.timeout) as response:
                return _answer(response.status, response.headers, response.read(MAX_ANSWER_BYTES))
        except urllib.error.HTTPError as exc:
            with exc:
                return _answer(exc.code, exc.headers, exc.read(MAX_ANSWER_BYTES))
        except urllib.error.URLError as exc:
            raise TransportError(_reason(exc.reason)) from exc
        except (OSError, http.client.HTTPException) as exc:  # timeouts, resets, TLS and garbled answers
            raise TransportError(_reason(exc)) from exc

    def enroll(self, *, secret: str, identity: dict[str, Any], timeout: float | None = None) -> Enrollment:
        """Exchange the enroll secret and this machine's identity for a node key."""
        payload = {"secret": secret, "identity": identity, "collector_version": self.version}
        try:
            answer = self.request(
                "POST",
                ENROLL_PATH,
                body=json.dumps(payload).encode("utf-8"),
                headers={"Content-Type": "application/json"},
                timeout=timeout,
            )
        except TransportError as exc:
            raise EnrollError(f"cannot reach {self.server}: {exc}") from exc
        detail = answer.body.get("detail")
        if answer.status in (401, 403):
            if answer.body.get("code") == "invalid_secret":
                raise EnrollError("the server refused the enroll secret (wrong, expired, revoked or used up)")
            raise EnrollError(f"enrollment refused ({answer.status}): {detail or 'no detail'}")
        if answer.status not in (200, 201):
            raise EnrollError(f"enrollment failed ({answer.status}): {detail or 'no detail'}")
        key = answer.body.get("node_key")
        if not isinstance(key, str) or not key:
            raise EnrollError("the server's enrollment answer carries no node_key")
        asset_id = answer.body.get("asset_id")
        next_at = answer.body.get("next_report_at")
        return Enrollment(
            node_key=key,
            asset_id=str(asset_id) if asset_id is not None else None,
            next_report_at=next_at if isinstance(next_at, str) else None,
        )

    def send_report(
        self, report: dict[str, Any], *, node_key: str, replaced: int = 0, timeout: float | None = None
    ) -> Outcome:
        """POST one gzip-compressed report and classify the answer."""
        body = gzip.compress(json.dumps(report, separators=(",", ":")).encode("utf-8"))
        headers = {
            "Authorization": f"Bearer {node_key}",
            "Content-Type": "application/json",
            "Content-Encoding": "gzip",
        }
        if replaced:
            headers[REPLACED_HEADER] = str(replaced)
        try:
            answer = self.request("POST", INVENTORY_PATH, body=body, headers=headers, timeout=timeout)
        except TransportError as exc:
            return Outcome(OutcomeKind.RETRY_LATER, detail=str(exc))
        return classify(answer)


def classify(answer: Answer) -> Outcome:
    """Map an HTTP answer of the inventory endpoint to what the collector must do."""
    status, body = answer.status, answer.body
    code = body.get("code") if isinstance(body.get("code"), str) else None
    detail = _detail_text(body.get("detail"))
    common = {"http_status": status, "body": body, "detail": detail, "code": code}
    if status in (200, 201):
        return Outcome(OutcomeKind.APPLIED, **common)
    if status == 409 and code == "sections_required":
        sections = body.get("sections")
        names = tuple(s for s in sections if isinstance(s, str)) if isinstance(sections, list) else ()
        return Outcome(OutcomeKind.SECTIONS_REQUIRED, sections=names, **common)
    if status == 401 or (status == 403 and code == "reenroll_required"):
        return Outcome(OutcomeKind.REENROLL, **common)
    if status in REJECTED_STATUSES or status in (403, 409):
        return Outcome(OutcomeKind.REJECTED, **common)
    if 300 <= status < 400:
        location = answer.headers.get("location", "?")
        common["detail"] = f"server redirects ({status}) to {location}: set `server` to the final URL"
    retry_after = parse_retry_after(answer.headers.get("retry-after"))
    return Outcome(OutcomeKind.RETRY_LATER, retry_after_seconds=retry_after, **common)


def _answer(status: int, headers: Any, raw: bytes) -> Answer:
    header_map = {key.lower(): value for key, value in (headers.items() if headers else [])}
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        data = {}
    return Answer(status=status, headers=header_map, body=data if isinstance(data, dict) else {})


def _detail_text(detail: Any) -> str | None:
    if detail is None:
        return None
    return detail if isinstance(detail, str) else json.dumps(detail)[:2000]


def _reason(reason: Any) -> str:
    if isinstance(reason, ssl.SSLCertVerificationError):
        return f"TLS certificate verification failed: {reason.verify_message or reason}"
    if isinstance(reason, socket.gaierror):
        return f"DNS resolution failed: {reason.strerror or reason}"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, TimeoutError):
        return "timed out"
    return str(reason) or type(reason).__name__
