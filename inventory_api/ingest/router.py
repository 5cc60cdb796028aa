"""Collectors enroll and send reports; the hot path reads the body within limits and applies it in one transaction."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from collector.report import Identity
from inventory_api.db import Database
from inventory_api.deps import DbDep, SettingsDep
from inventory_api.errors import Unauthorized, Unprocessable
from inventory_api.history.service import Actor, set_actor
from inventory_api.ingest import pipeline, service
from inventory_api.ingest.apply import apply_collector_report
from inventory_api.ingest.body import check_headers, read_body
from inventory_api.ingest.models import Collector
from inventory_api.ingest.schemas import EnrollRequest, EnrollResponse, InventoryAnswer
from inventory_api.ratelimit import check_rate
from inventory_api.routing import ERROR_RESPONSES, TransactionalRoute
from inventory_api.settings import Settings

router = APIRouter(
    prefix="/api/v1", tags=["ingest"], route_class=TransactionalRoute, responses=ERROR_RESPONSES
)
_identity = TypeAdapter(Identity)
#: Inflated bodies up to this size are parsed in the event loop.
INLINE_PARSE_BYTES = 16 * 1024


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/collectors/enroll", response_model=EnrollResponse, status_code=201)
def enroll(body: EnrollRequest, request: Request, db: DbDep, settings: SettingsDep) -> EnrollResponse:
    """Exchange an enroll secret and the machine's identity for a node key naming the machine's asset."""
    check_rate(db, f"enroll:{client_address(request)}", limit=settings.enroll_rate_per_minute)
    try:
        identity = _identity.validate_python(body.identity)
    except ValidationError as exc:
        errors = [
            {"field": "identity." + ".".join(map(str, e["loc"])), "message": e["msg"]}
            for e in exc.errors(include_url=False)
        ]
        raise Unprocessable(
            "; ".join(f"{e['field']}: {e['message']}" for e in errors), errors=errors
        ) from None
    # Its own transaction, committed in this thread: a commit that waited for a free worker thread behind
    # requests waiting for its lock would deadlock under a burst of enrollments.
    with db.transaction() as session:
        set_actor(session, Actor("collector", None, identity.hostname, request.state.request_id))
        result = service.enroll(
            session, secret=body.secret, identity=identity, collector_version=body.collector_version,
            settings=settings, client=client_address(request),
        )  # fmt: skip
        return EnrollResponse(
            node_key=result.node_key, asset_id=result.asset.id, next_report_at=result.next_report_at
        )


class LiveForAMinute:
    """Credentials (by hash) found live within the last minute: the check made before a body is read costs one
    indexed query per credential and minute at most. What the body then does is authenticated again, so a
    credential revoked meanwhile is still refused there. One per kind of credential and process."""

    TTL = 60.0

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._until: dict[str, float] = {}

    @staticmethod
    def of(request: Request, kind: str, max_entries: int) -> LiveForAMinute:
        """The process's cache of this kind (`node_keys`, `agent_secrets`), made on first use."""
        caches = getattr(request.app.state, "live_credentials", None)
        if caches is None:
            caches = request.app.state.live_credentials = {}
        if kind not in caches:
            caches[kind] = LiveForAMinute(max_entries)
        return caches[kind]

    async def check(self, hashed: str, verify: Callable[[], Awaitable[None]]) -> None:
        """Return at once when `hashed` was found live less than a minute ago, else `verify()` (which raises when
        it is not) and remember it."""
        now = time.monotonic()
        if self._until.get(hashed, 0.0) > now:
            return
        await verify()
        if len(self._until) >= self.max_entries:
            self._until.clear()
        self._until[hashed] = now + self.TTL


async def check_node_key(request: Request, db: Database, node_key: str) -> None:
    """401 for a node key that is unknown or revoked, looked up at most once a minute per key."""
    hashed = service.key_hash(node_key)

    async def verify() -> None:
        if not await run_in_threadpool(_live_key, db, hashed):
            raise Unauthorized("the node key is unknown or revoked: enroll again", code="invalid_node_key")

    await LiveForAMinute.of(request, "node_keys", 200_000).check(hashed, verify)


def _live_key(db: Database, hashed: str) -> bool:
    with db.sessions() as session:
        stmt = select(Collector.id).where(Collector.key_hash == hashed, Collector.revoked_at.is_(None))
        return session.scalar(stmt) is not None


@router.post(
    "/inventory",
    response_model=InventoryAnswer,
    responses={413: ERROR_RESPONSES[400], 415: ERROR_RESPONSES[400], 503: ERROR_RESPONSES[400]},
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "A report as defined by `collector/report.py` (JSON Schema: docs/report-schema.json), "
            "usually with `Content-Encoding: gzip`. Authenticate with `Authorization: Bearer <node_key>`.",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
async def receive_inventory(request: Request) -> JSONResponse:
    """Apply a collector's report (delta protocol: unchanged sections come as their hash only)."""
    # The app's state directly, not as dependencies: solving them costs more than the rest of a small request.
    db: Database = request.app.state.db
    settings: Settings = request.app.state.settings
    headers = request.headers
    scheme, _, key = headers.get("authorization", "").partition(" ")
    node_key = key.strip() if scheme.lower() == "bearer" else None
    if not node_key:
        raise Unauthorized("send the node key as Authorization: Bearer <node_key>", code="invalid_node_key")
    # The key before the body: a client without one cannot make the service read or inflate anything.
    await check_node_key(request, db, node_key)
    gzip = check_headers(
        headers.get("content-type"), headers.get("content-encoding"), headers.get("content-length"),
        settings.max_report_bytes,
    )  # fmt: skip
    body = await read_body(
        request.stream(), gzip=gzip, limit=settings.max_report_bytes,
        inflated_limit=settings.max_report_decompressed_bytes,
    )  # fmt: skip
    # CPU work outside the transaction and the slot; a small body (an unchanged report) parses in less time
    # than a hop to a worker thread costs.
    if len(body) <= INLINE_PARSE_BYTES:
        parsed = pipeline.read_report(body)
    else:
        parsed = await run_in_threadpool(pipeline.read_report, body)
    outcome = await apply_collector_report(
        request.app.state, db, settings, node_key, parsed, request.state.request_id
    )
    return JSONResponse(outcome.body, status_code=outcome.status_code, headers=outcome.headers)
