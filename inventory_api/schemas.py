"""Shared API schema pieces: the base model, UTC datetimes, pages."""

from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, PlainSerializer, model_validator


def _require_aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("datetime needs a time zone (RFC 3339, e.g. 2026-01-31T09:00:00Z)")
    return value.astimezone(UTC)


def _rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


#: An aware datetime in, RFC 3339 UTC with `Z` out.
UtcDateTime = Annotated[datetime, AfterValidator(_require_aware), PlainSerializer(_rfc3339, return_type=str)]


def _midnight(value: object) -> object:
    return f"{value.strip()}T00:00:00Z" if isinstance(value, str) and len(value.strip()) == 10 else value


#: A time with its UTC offset, or a day (YYYY-MM-DD) meaning its midnight UTC.
DayOrTime = Annotated[UtcDateTime, BeforeValidator(_midnight)]


class ApiModel(BaseModel):
    """Base of every API schema: reads ORM objects, forbids unknown fields on input."""

    model_config = ConfigDict(from_attributes=True)


class InputModel(BaseModel):
    """Base of request bodies: an unknown field is a mistake the client should hear about."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    #: Fields a change may leave out but not clear: the record always holds a value (null answered 422, not 500).
    not_null: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="before")
    @classmethod
    def _refuse_cleared(cls, data: Any) -> Any:
        if isinstance(data, dict):
            cleared = [name for name in cls.not_null if name in data and data[name] is None]
            if cleared:
                raise ValueError(f"{', '.join(cleared)} may be left out, but not set to null")
        return data
