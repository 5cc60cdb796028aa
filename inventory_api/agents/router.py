"""Where FusionInventory and GLPI agents report: their protocols (XML PROLOG/INVENTORY/SNMPQUERY, JSON contact/
inventory/netinventory) in front of the one ingest pipeline, or for a network inventory the one
`netinventory.apply`. The server URL an agent is given is one of these paths."""

from __future__ import annotations

import base64
import binascii
import zlib
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from inventory_api.agents import netinventory, netxml, service
from inventory_api.agents.mapping import CATEGORIES, from_ocs, one, software_digest, text
from inventory_api.agents.xml import (
    AgentMessage,
    complete,
    empty_reply,
    idle_reply,
    parse_agent_xml,
    prolog_reply,
)
from inventory_api.db import Database
from inventory_api.errors import PayloadTooLarge, Unprocessable, UnsupportedMediaType
from inventory_api.ingest.apply import apply_collector_report, apply_report, ingest_slot
from inventory_api.ingest.body import GZIP_OR_ZLIB, read_body
from inventory_api.ingest.router import LiveForAMinute, client_address
from inventory_api.ingest.service import AgentSuperseded, key_hash
from inventory_api.ratelimit import check_rate
from inventory_api.routing import ERROR_RESPONSES, TransactionalRoute
from inventory_api.settings import Settings

router = APIRouter(
    prefix="/api/v1/agents", tags=["agents"], route_class=TransactionalRoute, responses=ERROR_RESPONSES
)
#: Content types the agents send: compressed (zlib, RFC 1950, or gzip) or plain XML / JSON.
COMPRESSED = ("application/x-compress-zlib", "application/x-compress-gzip", "application/x-compress")
PLAIN = ("application/xml", "text/xml", "application/json")
#: The XML CONTENT categories read: the inventory's, the agent's version and a network inventory's devices (the
#: others, an OCS agent's local users and groups, say, are read past).
READ = frozenset({*CATEGORIES, "versionclient", "device"})
#: Read past but digested: the packages' records are read only when their digest is not the acknowledged one.
DEFERRED = frozenset({"softwares"})


def secret_of(request: Request, path_secret: str | None) -> str | None:
    """The enroll secret from the URL path, else the password of HTTP Basic authentication."""
    if path_secret:
        return path_secret
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        return base64.b64decode(encoded.strip(), validate=True).decode().partition(":")[2] or None
    except (binascii.Error, UnicodeDecodeError):
        return None


async def read_agent_body(request: Request, settings: Settings) -> bytes:
    """The body within the report limits; compressed bodies inflated chunk by chunk (zlib or gzip)."""
    media = (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()
    encoding = (request.headers.get("content-encoding") or "identity").strip().lower()
    if media not in COMPRESSED + PLAIN or encoding not in ("identity", "gzip", "x-gzip", "deflate"):
        raise UnsupportedMediaType(
            f"an agent sends {', '.join(COMPRESSED + PLAIN)}, not {media or 'nothing'}",
            allowed=list(COMPRESSED + PLAIN),
        )
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > settings.max_report_bytes:
        limit = settings.max_report_bytes
        raise PayloadTooLarge(f"the body is over the {limit}-byte limit (max_report_bytes)", limit=limit)
    return await read_body(
        request.stream(), gzip=media in COMPRESSED or encoding != "identity", limit=settings.max_report_bytes,
        inflated_limit=settings.max_report_decompressed_bytes, wbits=GZIP_OR_ZLIB,
    )  # fmt: skip


async def receive(request: Request, path_secret: str | None, agent: str) -> Response:
    db: Database = request.app.state.db
    settings: Settings = request.app.state.settings
    secret = secret_of(request, path_secret)
    # The secret before the body: without one the service reads and inflates nothing.
    await check_live_secret(request, db, secret)
    body = await read_agent_body(request, settings)
    if body.lstrip()[:1] == b"<":
        return await _xml(request, db, settings, secret or "", body, agent)
    return await _json(request, db, settings, secret or "", body, agent)


async def check_live_secret(request: Request, db: Database, secret: str | None) -> None:
    """Refuse an unknown or revoked enroll secret before the body is read, looked up at most once a minute per
    secret (a site's agents share one); every message is checked again with its install (`service.lookup`)."""
    if not secret:
        raise service.refused()
    await LiveForAMinute.of(request, "agent_secrets", 10_000).check(
        key_hash(secret), lambda: run_in_threadpool(_check_secret, db, secret)
    )


def _check_secret(db: Database, secret: str) -> None:
    with db.sessions() as session:
        service.check_secret(session, secret)


async def _xml(
    request: Request, db: Database, settings: Settings, secret: str, body: bytes, agent: str
) -> Response:
    message = await run_in_threadpool(lambda: parse_agent_xml(body, categories=READ, deferred=DEFERRED))
    if not message.deviceid:
        raise Unprocessable("DEVICEID is missing", code="validation_error")
    hours = service.prolog_hours(settings)
    if message.query == "PROLOG":
        bound = await run_in_threadpool(_lookup, db, secret, agent, message.deviceid)
        reply = (
            idle_reply(prolog_freq_hours=hours) if bound.superseded else prolog_reply(prolog_freq_hours=hours)
        )
        return _xml_reply(reply, agent)
    if message.query in netxml.QUERIES and agent != "ocs-agent":
        await _net_xml(request, db, settings, secret, message.content)
        return _xml_reply(empty_reply(), agent)
    if message.query != "INVENTORY":
        raise Unprocessable(
            f"QUERY {message.query} is not supported (PROLOG, INVENTORY and SNMPQUERY are)",
            code="unsupported_query",
        )
    version = _first(message.content.get("versionclient")) or agent
    await _inventory(
        request, db, settings, secret, agent, message.deviceid,
        lambda acknowledged: _xml_content(message, body, agent, acknowledged), body, version, partial=False,
        digests=message.digests,
    )  # fmt: skip
    return _xml_reply(empty_reply(), agent)


async def _net_xml(
    request: Request, db: Database, settings: Settings, secret: str, content: dict[str, Any]
) -> None:
    """FusionInventory's network inventory: each device through the same path as the GLPI agent's JSON one. Its
    start and end of run, and a device it could not read, carry no INFO: acknowledged, nothing written."""
    found: list[tuple[str, dict[str, Any]]] = []
    for device in netxml.devices(content):
        itemtype = netxml.itemtype_of(device)
        if itemtype is None:
            kind = text(one(device, "info").get("type"))
            raise Unprocessable(
                f"device TYPE {kind!r} is not supported (NETWORKING, PHONE and PRINTER are)",
                code="unsupported_itemtype",
            )
        found.append((itemtype, netxml.to_netinventory(device)))
    for itemtype, inventory in found:
        async with ingest_slot(request.app.state, settings, db):
            await run_in_threadpool(
                netinventory.apply, db, secret, inventory, request.state.request_id, itemtype
            )


def _xml_content(
    message: AgentMessage, body: bytes, agent: str, acknowledged: dict[str, str]
) -> dict[str, Any]:
    """An XML inventory's content in the shape the mapping reads; its deferred packages read from the body again
    only when their digest is not the acknowledged one (a new install's, or a changed list)."""
    content = from_ocs(message.content) if agent == "ocs-agent" else message.content
    if message.deferred:
        known = software_digest(content, message.digests["softwares"]) == acknowledged.get("software")
        if not known:
            full = complete(message, body)
            content = from_ocs(full) if agent == "ocs-agent" else full
    return content


def _xml_reply(reply: bytes, agent: str) -> Response:
    """An XML answer; an OCS agent reads only zlib-compressed ones (FusionInventory and GLPI agents take both)."""
    if agent == "ocs-agent":
        return Response(zlib.compress(reply), media_type="application/x-compress")
    return Response(reply, media_type="application/xml")


def _first(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value) if isinstance(value, str | int) else None


async def _json(
    request: Request, db: Database, settings: Settings, secret: str, body: bytes, agent: str
) -> Response:
    message = await run_in_threadpool(service.parse_json_message, body)
    deviceid = message.get("deviceid")
    if not isinstance(deviceid, str) or not deviceid.strip():
        raise Unprocessable("deviceid is missing", code="validation_error")
    hours = service.prolog_hours(settings)
    action = message["action"]
    if action == "contact":
        bound = await run_in_threadpool(_lookup, db, secret, agent, deviceid)
        tasks = {} if bound.superseded else {"inventory": {"server": "inventory", "version": "1"}}
        return JSONResponse({"status": "ok", "expiration": hours, "tasks": tasks})
    if action not in ("inventory", "netinventory"):
        raise Unprocessable(
            f"action {action!r} is not supported (contact, inventory and netinventory are)",
            code="unsupported_action",
        )
    itemtype = message.get("itemtype") or "Computer"
    if itemtype not in ("Computer", "NetworkEquipment", "Printer"):
        raise Unprocessable(
            f"itemtype {itemtype!r} is not supported (Computer, NetworkEquipment and Printer are)",
            code="unsupported_itemtype",
        )
    content = message.get("content")
    if not isinstance(content, dict):
        raise Unprocessable("content: an object is required", code="validation_error")
    if itemtype != "Computer":  # a switch, IP phone or printer the agent's network inventory read over SNMP
        async with ingest_slot(request.app.state, settings, db):
            await run_in_threadpool(
                netinventory.apply, db, secret, content, request.state.request_id, itemtype
            )
        return JSONResponse({"status": "ok", "expiration": hours})
    version = _first(content.get("versionclient")) or agent
    partial = message.get("partial") is True
    await _inventory(
        request,
        db,
        settings,
        secret,
        agent,
        deviceid,
        lambda _: content,
        body,
        version,
        partial=partial,
        keep=True,
    )
    return JSONResponse({"status": "ok", "expiration": hours})


def _lookup(
    db: Database, secret: str, agent: str, deviceid: str, with_content: bool = False
) -> service.Bound:
    with db.sessions() as session:
        return service.lookup(
            session, secret=secret, agent=agent, deviceid=deviceid, with_content=with_content
        )


async def _inventory(
    request: Request, db: Database, settings: Settings, secret: str, agent: str, deviceid: str,
    content_of: Callable[[dict[str, str]], dict[str, Any]], body: bytes, version: str, *, partial: bool,
    keep: bool = False, digests: dict[str, str] | None = None,
) -> None:  # fmt: skip
    """Map the inventory (`content_of` the acknowledged section hashes), admit the agent install when new, and
    apply the report through the ingest pipeline."""

    def prepare() -> tuple[service.Bound, Any]:
        """The install and, unless our collector took its machine over, its report: one worker-thread hop."""
        bound = _lookup(db, secret, agent, deviceid, partial)
        if bound.superseded:
            return bound, None
        return bound, service.report_of(
            content_of(bound.section_hashes), deviceid=deviceid, body=body, version=version, partial=partial,
            kept=bound.content, acknowledged=bound.section_hashes, digests=digests,
        )  # fmt: skip

    bound, mapped = await run_in_threadpool(prepare)
    if mapped is None:
        return  # our collector reports for this machine: acknowledged, nothing written
    report, collected_at, kept, kept_digest = mapped
    request_id = request.state.request_id
    parsed = (report, collected_at)
    if bound.collector_id is None:
        async with ingest_slot(request.app.state, settings, db):
            check_rate(db, f"enroll:{client_address(request)}", limit=settings.enroll_rate_per_minute)
            try:
                await run_in_threadpool(
                    lambda: service.admit(
                        db,
                        secret=secret,
                        agent=agent,
                        key=bound.node_key,
                        report=report,
                        settings=settings,
                        client=client_address(request),
                        request_id=request_id,
                    )
                )
            except AgentSuperseded:
                return
            outcome = await run_in_threadpool(apply_report, db, settings, bound.node_key, parsed, request_id)
    else:  # as our collector's: an unchanged inventory (every section its acknowledged hash) is a quiet report
        outcome = await apply_collector_report(
            request.app.state, db, settings, bound.node_key, parsed, request_id
        )
    if outcome.status_code == 200 and keep and kept_digest != bound.content_digest:
        async with ingest_slot(request.app.state, settings, db):
            await run_in_threadpool(service.keep_content, db, bound, kept, kept_digest)


@router.post(
    "/fusion/{secret}",
    summary="FusionInventory / GLPI agent XML (PROLOG, INVENTORY, SNMPQUERY), secret in the path",
)
async def fusion_with_secret(secret: str, request: Request) -> Response:
    """The server URL of a FusionInventory agent: `…/api/v1/agents/fusion/<enroll secret>`."""
    return await receive(request, secret, "fusioninventory")


@router.post("/fusion", summary="FusionInventory / GLPI agent XML, secret as the HTTP Basic password")
async def fusion(request: Request) -> Response:
    """The same with the enroll secret given as the agent's `--password` (any `--user`)."""
    return await receive(request, None, "fusioninventory")


@router.post("/ocs/{secret}", summary="OCS Inventory NG agent XML (PROLOG, INVENTORY), secret in the path")
async def ocs_with_secret(secret: str, request: Request) -> Response:
    """The server URL of an OCS Inventory agent: `…/api/v1/agents/ocs/<enroll secret>`."""
    return await receive(request, secret, "ocs-agent")


@router.post("/glpi/{secret}", summary="GLPI agent JSON (contact, inventory; XML too), secret in the path")
async def glpi_with_secret(secret: str, request: Request) -> Response:
    """The server URL of a GLPI agent: `…/api/v1/agents/glpi/<enroll secret>`."""
    return await receive(request, secret, "glpi-agent")


@router.post("/glpi", summary="GLPI agent JSON, secret as the HTTP Basic password")
async def glpi(request: Request) -> Response:
    return await receive(request, None, "glpi-agent")
