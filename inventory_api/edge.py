"""What every request meets before a route: body caps, NUL bytes and cross-site forms refused, security headers.

One ASGI middleware, so that no route can forget it. Collector reports and import uploads have larger limits of
their own (checked as they stream in); every other body — `/login`, enrollment, every JSON route, the web forms —
stops at `INVENTORY_MAX_REQUEST_BYTES`, counted as it arrives, whatever `Content-Length` says.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from starlette.exceptions import HTTPException

from inventory_api.errors import error_body

#: Routes that read and cap their own (larger) bodies.
OWN_LIMITS = ("/api/v1/inventory", "/api/v1/imports")
#: The API reference pages load Swagger UI's script and styles: no page policy of ours applies there.
DOC_PATHS = ("/docs", "/redoc", "/openapi.json")
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


class TooLarge(HTTPException):
    """Raised while the body streams in; an HTTP error, so that the framework's body parsing lets it through."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is over {limit} bytes")


class Edge:
    """Cap request bodies, refuse NUL bytes in the URL, and add security headers to every answer."""

    def __init__(self, app: Any, *, max_body: int, bigger: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_body = max_body
        self.bigger = bigger or {}  # path → its own cap (the browser's import upload)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path: str = scope["path"]
        if (
            "\x00" in path
            or b"%00" in scope.get("query_string", b"")
            or b"\x00" in scope.get("query_string", b"")
        ):
            return await _refuse(send, 400, "bad_request", "NUL bytes are not allowed in a URL")
        if scope["method"] == "POST" and not path.startswith("/api/") and not _same_origin(scope):
            return await _refuse(
                send, 403, "cross_origin", "a form of this service must come from its own pages"
            )
        limited = scope["method"] in ("POST", "PUT", "PATCH", "DELETE") and not path.startswith(OWN_LIMITS)
        if limited:
            cap = self.bigger.get(path, self.max_body)
            length = dict(scope["headers"]).get(b"content-length")
            if length is not None and (not length.isdigit() or int(length) > cap):
                return await _refuse(send, 413, "payload_too_large", f"the request body is over {cap} bytes")
            receive = self._counting(receive, cap)
        policy = PAGE_POLICY.encode() if not path.startswith(DOC_PATHS) else None
        started = False

        async def send_with_headers(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                extra = HEADERS + ([(b"content-security-policy", policy)] if policy else [])
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except TooLarge as exc:
            if started:
                raise
            await _refuse(send, 413, "payload_too_large", exc.detail)

    @staticmethod
    def _counting(receive: Any, cap: int) -> Any:
        seen = 0

        async def counted() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    raise TooLarge(cap)
            return message

        return counted


def _same_origin(scope: dict) -> bool:
    """A browser's form post names the page it came from (Origin, else Referer): it must be one of ours. A client
    that sends neither is no browser, and a forged cross-site form cannot hide both."""
    headers = dict(scope["headers"])
    source = headers.get(b"origin") or headers.get(b"referer")
    if source is None:
        return True
    return urlsplit(source.decode("latin-1")).netloc == headers.get(b"host", b"").decode("latin-1")


async def _refuse(send: Any, status: int, code: str, detail: str) -> None:
    body = json.dumps(error_body(code, detail)).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *HEADERS]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
