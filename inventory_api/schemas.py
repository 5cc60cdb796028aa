"""Shared API schema pieces: the base model, UTC datetimes, pages."""

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, PlainSerializer


def _require_aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("datetime needs a time zone (RFC 3339, e.g. 2026-01-31T09:00:00Z)")
    return value.astimezone(UTC)


def _rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


#: An aware datetime in, RFC 3339 UTC with `Z` out.
UtcDateTime = Annotated[datetime, AfterValidator(_require_aware), PlainSerializer(_rfc3339, return_type=str)]


class ApiModel(BaseModel):
    """Base of every API schema: reads ORM objects, forbids unknown fields on input."""

    model_config = ConfigDict(from_attributes=True)


class InputModel(BaseModel):
    """Base of request bodies: an unknown field is a mistake the client should hear about."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
