"""Domain errors with a stable machine-readable code, and the handlers that turn them into JSON."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)


class AppError(Exception):
    """An error a client can act on: HTTP status, stable code, readable detail."""

    status = 400
    code = "bad_request"

    def __init__(
        self, detail: Any, *, code: str | None = None, headers: dict[str, str] | None = None, **extra: Any
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code
        self.headers = headers
        self.extra = extra


class BadRequest(AppError):
    status, code = 400, "bad_request"


class Unauthorized(AppError):
    status, code = 401, "unauthorized"


class Forbidden(AppError):
    status, code = 403, "forbidden"


class UnsupportedMediaType(AppError):
    status, code = 415, "unsupported_media_type"


class NotFound(AppError):
    status, code = 404, "not_found"

    def __init__(self, kind: str, key: Any, **extra: Any) -> None:
        super().__init__(f"{kind} {key} not found", **extra)


class Conflict(AppError):
    status, code = 409, "conflict"


class PreconditionFailed(AppError):
    status, code = 412, "precondition_failed"


class PayloadTooLarge(AppError):
    status, code = 413, "payload_too_large"


class Unprocessable(AppError):
    status, code = 422, "validation_error"


class RateLimited(AppError):
    status, code = 429, "rate_limited"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))})


class Unavailable(AppError):
    status, code = 503, "unavailable"


#: Documented in OpenAPI on every route: the codes a client may act on.
ERROR_CODES = {
    "bad_request": "malformed request",
    "unauthorized": "missing, unknown, expired or revoked credentials",
    "forbidden": "authenticated, but the role or token scope does not allow this",
    "not_found": "no such record, or it belongs to a site you cannot see",
    "conflict": "uniqueness or state conflict; `detail` says which",
    "precondition_failed": "If-Match does not match the current ETag",
    "validation_error": "a field or query parameter is wrong or unknown; `errors` lists each with its location",
    "malformed_json": "the body is not JSON; `detail` says where (line, column) and why",
    "invalid_value": "a value the database cannot store (an integer beyond 64 bits, a NUL byte in text)",
    "cross_origin": "a form posted from another site's page",
    "payload_too_large": "body over the configured limit (compressed or decompressed)",
    "unsupported_media_type": "wrong Content-Type or Content-Encoding",
    "rate_limited": "too many requests; retry after `Retry-After` seconds",
    "unavailable": "the service cannot serve now; retry after `Retry-After` seconds",
    "internal_error": "a bug; the request changed nothing",
}


def error_body(code: str, detail: Any, **extra: Any) -> dict[str, Any]:
    """The one JSON shape of every error answer."""
    return {"detail": detail, "code": code, **extra}


def _location(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc if part != "body") or "body"


def _where(body: bytes, position: int) -> str:
    """A position in a body as a person reads it: "line 2, column 10"."""
    before = body[:position]
    line, column = before.count(b"\n") + 1, position - before.rfind(b"\n")
    return f"line {line}, column {column}"


def install_error_handlers(app: FastAPI) -> None:
    """Map domain errors, validation errors and database conflicts to JSON answers."""

    @app.exception_handler(AppError)
    async def _app_error(_: Request, exc: AppError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.detail, **exc.extra), exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        broken = next((err for err in exc.errors() if err["type"] == "json_invalid"), None)
        if broken is not None:
            reason = str((broken.get("ctx") or {}).get("error", "not JSON"))
            position = broken["loc"][-1] if isinstance(broken["loc"][-1], int) else 0
            where = _where(await request.body(), position)
            detail = f"the body is not valid JSON: {where}: {reason[:1].lower()}{reason[1:]}"
            return JSONResponse(error_body("malformed_json", detail), 400)
        errors = [
            {"field": _location(tuple(err["loc"])), "message": err["msg"], "type": err["type"]}
            for err in exc.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return JSONResponse(error_body("validation_error", detail, errors=errors), 422)

    @app.exception_handler(IntegrityError)
    async def _integrity(_: Request, exc: IntegrityError) -> JSONResponse:
        log.info("integrity conflict: %s", exc.orig)
        return JSONResponse(error_body("conflict", "the change conflicts with an existing record"), 409)

    @app.exception_handler(DataError)
    @app.exception_handler(OverflowError)
    async def _data(_: Request, exc: DataError | OverflowError) -> JSONResponse:
        # A value the validation let through but the database cannot hold (an integer beyond 64 bits, a NUL byte
        # in text on PostgreSQL): the transaction is rolled back, the client hears which kind of value it was.
        log.info("value refused by the database: %s", getattr(exc, "orig", exc))
        return JSONResponse(
            error_body("invalid_value", "a value is out of range or not storable (integers must fit in 64 bits, "
                       "text must not contain NUL bytes)"), 422,
        )  # fmt: skip

    @app.exception_handler(OperationalError)
    async def _operational(_: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database unavailable: %s", exc.orig)
        return JSONResponse(
            error_body("unavailable", "the database is busy or unreachable"),
            503,
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {
            404: "not_found",
            405: "method_not_allowed",
            401: "unauthorized",
            413: "payload_too_large",
        }.get(exc.status_code, "error")
        return JSONResponse(error_body(code, exc.detail), exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return JSONResponse(error_body("internal_error", "internal error; nothing was changed"), 500)
