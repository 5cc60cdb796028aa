"""Posting one signed delivery (Standard Webhooks headers) with no redirects and a short timeout."""

from __future__ import annotations

import json
import ssl
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from standardwebhooks.webhooks import Webhook

from inventory_api.db import utcnow
from inventory_api.webhooks.ssrf import Network, UnsafeUrl, resolve

USER_AGENT = "endpoint-inventory-webhooks/1"


@dataclass(frozen=True, slots=True)
class Outcome:
    ok: bool
    status_code: int | None = None
    error: str | None = None


def message_body(event_type: str, occurred_at: datetime, payload: dict[str, Any]) -> str:
    """The JSON body: the Standard Webhooks envelope (type, timestamp, data)."""
    stamp = occurred_at.isoformat().replace("+00:00", "Z")
    return json.dumps({"type": event_type, "timestamp": stamp, "data": payload}, separators=(",", ":"))


def signed_headers(secret: str, message_id: str, body: str, *, at: datetime | None = None) -> dict[str, str]:
    """webhook-id, webhook-timestamp and webhook-signature (v1 HMAC-SHA256 over id.timestamp.body)."""
    at = at or utcnow()
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, at, body),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def _pinned(url: str, address: str) -> tuple[str, str]:
    """The URL with the checked address in place of the host (no second DNS lookup), and the Host header."""
    parts = urlsplit(url)
    host = f"[{address}]" if ":" in address else address
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")), parts.netloc


def client(timeout: float, *, verify: ssl.SSLContext | bool = True) -> httpx.Client:
    """One HTTP client for a pass (thread-safe; its TLS context is built once): no redirects, no proxies from env."""
    return httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False, verify=verify)


def post(
    http: httpx.Client, url: str, secret: str, message_id: str, body: str, *, allowed: list[Network]
) -> Outcome:
    """Post one message; 2xx is success, anything else (redirects included) a failure to retry."""
    try:
        addresses = resolve(url, allowed)
    except UnsafeUrl as exc:
        return Outcome(False, error=f"refused: {exc}")
    headers = signed_headers(secret, message_id, body)
    # Connect to the address that was checked, so a second DNS answer cannot point elsewhere (rebinding);
    # for https the certificate is still verified against the host name (SNI).
    target, headers["host"] = _pinned(url, str(addresses[0]))
    hostname = urlsplit(url).hostname
    extensions = {"sni_hostname": hostname} if urlsplit(url).scheme == "https" else {}
    try:
        answer = http.post(target, content=body.encode(), headers=headers, extensions=extensions)
    except httpx.HTTPError as exc:
        return Outcome(False, error=f"{type(exc).__name__}: {exc}"[:500])
    if 200 <= answer.status_code < 300:
        return Outcome(True, answer.status_code)
    return Outcome(False, answer.status_code, f"HTTP {answer.status_code}: {answer.text[:200]}")
