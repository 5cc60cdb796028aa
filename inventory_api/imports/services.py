"""Import user services, upserted by their natural key (a number in its site and dial plan, a jack, a username)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from inventory_api.assets.models import Asset
from inventory_api.cabling.models import Jack
from inventory_api.errors import AppError
from inventory_api.imports.context import ImportContext, as_bool, as_date, as_int, from_app_error, required
from inventory_api.imports.readers import RowError
from inventory_api.people.models import Person
from inventory_api.services import service as services
from inventory_api.services.models import SERVICE_STATUSES, SERVICE_TYPES, Service
from inventory_api.services.types import DETAILS, validate_details

LIST_FIELDS = ("hunt_groups",)
INT_FIELDS = ("vlan", "capacity", "line_key")
BOOL_FIELDS = ("enabled",)
#: The detail that, with the type and site, names a service of each type without a number.
KEY_DETAIL = {"data_port": "jack_id", "remote_access": "username", "shared_line": "extension", "generic": "label",
              "mobile_line": "number", "conference_bridge": "bridge_number"}  # fmt: skip


def _details(
    ctx: ImportContext, service_type: str, row: dict[str, Any], site_id: uuid.UUID
) -> dict[str, Any]:
    """The type's fields from the row's columns (a JSON row may give `details` whole)."""
    if isinstance(row.get("details"), dict):
        details = dict(row["details"])
    else:
        details = {}
        for name in DETAILS[service_type].model_fields:
            column = "jack" if name == "jack_id" else name
            if row.get(column) is None:
                continue
            value = row[column]
            if name in LIST_FIELDS:
                value = [v.strip() for v in str(value).split(";") if v.strip()]
            elif name in INT_FIELDS:
                value = as_int(row, column)
            elif name in BOOL_FIELDS:
                value = as_bool(row, column)
            elif name == "jack_id":
                value = _jack_id(ctx, str(value), site_id)
            details[name] = value if not isinstance(value, int | float) or name in INT_FIELDS else str(value)
        custom = {
            k.removeprefix("custom."): v for k, v in row.items() if k.startswith("custom.") and v is not None
        }
        if custom:
            details["custom_fields"] = custom
    return details


def _jack_id(ctx: ImportContext, label: str, site_id: uuid.UUID) -> str:
    found = ctx.session.scalar(select(Jack.id).where(Jack.site_id == site_id, Jack.label == label,
                                                     Jack.deleted_at.is_(None)))  # fmt: skip
    if found is None:
        raise RowError("jack", f"no jack {label!r} at this site")
    return str(found)


def _asset_ids(ctx: ImportContext, row: dict[str, Any]) -> list[uuid.UUID] | None:
    if "asset_tags" not in row:
        return None
    ids = []
    for tag in (t.strip() for t in str(row["asset_tags"] or "").split(";") if t.strip()):
        found = ctx.session.scalar(select(Asset.id).where(Asset.asset_tag == tag, Asset.deleted_at.is_(None)))
        if found is None:
            raise RowError("asset_tags", f"no asset with tag {tag!r}")
        ids.append(found)
    return ids


def _find(
    ctx: ImportContext, service_type: str, site_id: uuid.UUID, person_id, details: dict[str, Any]
) -> Service | None:
    stmt = select(Service).where(Service.type == service_type, Service.site_id == site_id,
                                 Service.deleted_at.is_(None), Service.status != "disconnected")  # fmt: skip
    if service_type in ("extension", "did", "voicemail"):
        number = details.get("mailbox" if service_type == "voicemail" else "number")
        stmt = stmt.where(Service.number == number, Service.dial_plan == details.get("dial_plan", "default"))
        return ctx.session.scalar(stmt)
    if (
        service_type in ("remote_access", "shared_line", "generic")
        or details.get(KEY_DETAIL[service_type]) is None
    ):
        stmt = stmt.where(Service.person_id == person_id)
    key = KEY_DETAIL[service_type]
    return next((s for s in ctx.session.scalars(stmt) if s.details.get(key) == details.get(key)), None)


def _once_per_file(
    ctx: ImportContext, service_type: str, site_id: uuid.UUID, person_id, details: dict[str, Any]
) -> None:
    """The same service twice in one file is a mistake, not an update."""
    if service_type in ("extension", "did", "voicemail"):
        field = "mailbox" if service_type == "voicemail" else "number"
        key: tuple[Any, ...] = (
            service_type,
            site_id,
            details.get("dial_plan", "default"),
            details.get(field),
        )
    else:
        field = "jack" if service_type == "data_port" else KEY_DETAIL[service_type]
        key = (service_type, site_id, person_id, details.get(KEY_DETAIL[service_type]))
    seen = ctx.cache.setdefault("service_keys", {})
    if key in seen:
        raise RowError(field, f"the same service is already on row {seen[key]}")
    seen[key] = ctx.cache.get("row")


def import_service(ctx: ImportContext, row: dict[str, Any]) -> None:
    """Create the service or change what differs; the same row twice changes nothing."""
    service_type = required(row, "type")
    if service_type not in SERVICE_TYPES:
        raise RowError("type", f"{service_type!r} is not one of {', '.join(SERVICE_TYPES)}")
    person_id = ctx.person_id(row["employee_id"], "employee_id") if row.get("employee_id") else None
    if row.get("site"):
        site_id = ctx.site(row["site"]).id
    elif person_id is not None:
        site_id = ctx.session.get(Person, person_id).site_id
    else:
        raise RowError("site", "a service needs a site or an employee_id")
    values: dict[str, Any] = {"person_id": person_id}
    if row.get("status") is not None:
        if row["status"] not in SERVICE_STATUSES:
            raise RowError("status", f"{row['status']!r} is not one of {', '.join(SERVICE_STATUSES)}")
        values["status"] = row["status"]
    if row.get("location"):
        values["location_id"] = ctx.location(row["location"], "location").id
    for column in ("start_date", "end_date"):
        if column in row:
            values[column] = as_date(row, column)
    for column in ("cost_centre", "notes"):
        if column in row:
            values[column] = row[column]
    details = _details(ctx, service_type, row, site_id)
    asset_ids = _asset_ids(ctx, row)
    columns = {"jack_id": "jack"}
    _once_per_file(ctx, service_type, site_id, person_id, details)
    try:
        existing = _find(ctx, service_type, site_id, person_id, details)
        if existing is None:
            data = values | {
                "type": service_type,
                "site_id": site_id,
                "details": details,
                "asset_ids": asset_ids or [],
            }
            services.create_service(ctx.session, data, ctx.sites)
            ctx.counts.created += 1
            return
        changed = {k: v for k, v in values.items() if getattr(existing, k) != v}
        if details and validate_details(service_type, details) != existing.details:
            changed["details"] = details
        if asset_ids is not None and sorted(asset_ids, key=str) != services.service_assets(
            ctx.session, existing
        ):
            changed["asset_ids"] = asset_ids
        if not changed:
            ctx.counts.unchanged += 1
            return
        services.update_service(ctx.session, existing, changed, sites=ctx.sites,
                                quarantine_days=ctx.cache.get("quarantine_days", 90))  # fmt: skip
        ctx.counts.updated += 1
    except AppError as exc:
        raise from_app_error(exc, columns) from None
