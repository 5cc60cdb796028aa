"""Custom fields that admins define per asset kind: definitions, validation, and list filters."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset, AssetCustomField
from inventory_api.errors import BadRequest, Conflict, NotFound, Unprocessable
from inventory_api.history.service import diff_fields, record_change

#: Query parameters `cf_<name>=value` filter on custom fields.
FILTER_PREFIX = "cf_"


def definitions(session: Session, kind: str) -> dict[str, AssetCustomField]:
    rows = session.scalars(select(AssetCustomField).where(AssetCustomField.kind == kind))
    return {row.name: row for row in rows}


def _coerce(field: AssetCustomField, value: Any) -> Any:
    """The value in its stored JSON form, or ValueError saying why not."""
    if field.type == "text":
        if not isinstance(value, str):
            raise ValueError("expected text")
        return value
    if field.type == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("expected a number")
        return value
    if field.type == "bool":
        if not isinstance(value, bool):
            raise ValueError("expected true or false")
        return value
    if field.type == "date":
        if not isinstance(value, str):
            raise ValueError("expected a date (YYYY-MM-DD)")
        return date.fromisoformat(value).isoformat()
    if value not in field.choices:
        raise ValueError(f"expected one of {', '.join(map(str, field.choices))}")
    return value


def validate_values(
    session: Session, kind: str, values: dict[str, Any], previous: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Custom-field values checked against this kind's definitions; 422 names the field at fault.

    A stored value whose definition was removed is dropped when the asset is next changed."""
    defs = definitions(session, kind)
    previous = previous or {}
    clean: dict[str, Any] = {}
    for name, value in values.items():
        field = defs.get(name)
        if field is None and name in previous and previous[name] == value:
            continue
        if field is None:
            known = ", ".join(sorted(defs)) or "none"
            raise Unprocessable(
                f"custom_fields.{name}: no such field for {kind}; defined: {known}", code="unknown_custom_field",
                field=f"custom_fields.{name}",
            )  # fmt: skip
        if value is None:
            continue
        try:
            clean[name] = _coerce(field, value)
        except ValueError as exc:
            raise Unprocessable(
                f"custom_fields.{name}: {exc}", code="invalid_custom_field", field=f"custom_fields.{name}"
            ) from exc
    for name, field in defs.items():
        if field.required and name not in clean:
            raise Unprocessable(
                f"custom_fields.{name}: required for {kind}",
                code="custom_field_required",
                field=f"custom_fields.{name}",
            )
    return clean


def json_value(column: Any, name: str, type_: str) -> ColumnElement[Any]:
    """One key of a JSON column as SQL: `json_extract` on SQLite, `->>` (cast) on PostgreSQL."""
    element = column[name]
    if type_ == "number":
        return element.as_float()
    if type_ == "bool":
        return element.as_boolean()
    return element.as_string()


def filter_conditions(
    session: Session, params: dict[str, str], kind: str | None
) -> list[ColumnElement[bool]]:
    """Conditions for every `cf_<name>=value` query parameter; 400 for a field nobody defined."""
    conditions: list[ColumnElement[bool]] = []
    for key, raw in params.items():
        if not key.startswith(FILTER_PREFIX):
            continue
        name = key.removeprefix(FILTER_PREFIX)
        stmt = select(AssetCustomField).where(AssetCustomField.name == name)
        if kind:
            stmt = stmt.where(AssetCustomField.kind == kind)
        field = session.scalars(stmt.limit(1)).first()
        if field is None:
            raise BadRequest(f"{key}: no custom field {name!r} is defined", code="unknown_custom_field")
        try:
            value = _parse_query(field, raw)
        except ValueError as exc:
            raise BadRequest(f"{key}: {exc}", code="invalid_custom_field") from exc
        conditions.append(json_value(Asset.custom_fields, name, field.type) == value)
    return conditions


def _parse_query(field: AssetCustomField, raw: str) -> Any:
    if field.type == "number":
        return float(raw)
    if field.type == "bool":
        if raw.lower() not in ("true", "false", "1", "0"):
            raise ValueError("expected true or false")
        return raw.lower() in ("true", "1")
    if field.type == "date":
        return date.fromisoformat(raw).isoformat()
    return raw


def require_field(session: Session, field_id: uuid.UUID) -> AssetCustomField:
    field = session.get(AssetCustomField, field_id)
    if field is None:
        raise NotFound("custom field", field_id)
    return field


def _check_definition(values: dict[str, Any]) -> None:
    if values.get("type") == "choice" and not values.get("choices"):
        raise Unprocessable("choices: a choice field needs its choices", code="choices_required")
    if values.get("type") not in (None, "choice") and values.get("choices"):
        raise Unprocessable("choices: only a choice field has choices", code="choices_not_allowed")


def create_field(session: Session, values: dict[str, Any]) -> AssetCustomField:
    """Define a custom field for one kind of asset."""
    _check_definition(values)
    if values["name"] in definitions(session, values["kind"]):
        raise Conflict(f"{values['kind']} already has a field {values['name']!r}", code="custom_field_exists")
    field = AssetCustomField(id=uuid.uuid4(), **values)
    session.add(field)
    session.flush()
    record_change(session, "custom_field", field.id, "created", summary=f"{field.kind}.{field.name}")
    return field


def update_field(session: Session, field: AssetCustomField, values: dict[str, Any]) -> AssetCustomField:
    """Change a definition's flags, choices or description (existing values are checked on the next edit)."""
    _check_definition({"type": field.type, "choices": values.get("choices", field.choices)})
    changes = diff_fields(field, values)
    if changes:
        field.version += 1
        session.flush()
        record_change(session, "custom_field", field.id, "updated", changes=changes)
    return field


def delete_field(session: Session, field: AssetCustomField) -> None:
    """Remove a definition; values already stored are dropped when each asset is next changed."""
    record_change(session, "custom_field", field.id, "deleted", summary=f"{field.kind}.{field.name}")
    session.delete(field)
    session.flush()
