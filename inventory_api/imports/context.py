"""What every importer needs while it runs: its session, its caller's sites, and cached look-ups by natural key."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory_api.cabling.registry import Sites, SiteScope, visible
from inventory_api.errors import AppError
from inventory_api.imports.readers import RowError
from inventory_api.locations.models import Location
from inventory_api.people.models import Person


@dataclass(frozen=True, slots=True)
class Place:
    """What an import needs of a location; plain values, so it outlives the session's identity map."""

    id: uuid.UUID
    site_id: uuid.UUID
    kind: str

    @classmethod
    def of(cls, location: Location) -> Place:
        return cls(location.id, location.site_id or location.id, location.kind)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportContext:
    """One import's session, sites and caches (a site or location by code, a person by employee id)."""

    session: Session
    sites: Sites
    job_id: uuid.UUID
    counts: Counts = field(default_factory=Counts)
    _locations: dict[str, Place | None] = field(default_factory=dict)
    _people: dict[str, uuid.UUID | None] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def scope(self) -> SiteScope:
        """The caller's sites, as the registry's services ask for them."""
        return SiteScope(self.sites)

    def location(self, code: str, column: str) -> Place:
        """A live location by its code (or a site by its name), one the caller may write."""
        if code not in self._locations:
            stmt = select(Location).where(Location.code == code, Location.deleted_at.is_(None))
            found = list(self.session.scalars(stmt))
            if not found:
                found = list(self.session.scalars(select(Location).where(
                    Location.kind == "site", Location.name == code, Location.deleted_at.is_(None))))  # fmt: skip
            if len(found) > 1:
                raise RowError(column, f"location code {code!r} is not unique")
            self._locations[code] = Place.of(found[0]) if found else None
        location = self._locations[code]
        if location is None or not visible(self.sites, location.site_id):
            raise RowError(column, f"no location with code {code!r}")
        return location

    def remember_location(self, location: Location) -> None:
        if location.code:
            self._locations[location.code] = Place.of(location)

    def site(self, code: str, column: str = "site") -> Place:
        site = self.location(code, column)
        if site.kind != "site":
            raise RowError(column, f"{code!r} is a {site.kind}, not a site")
        return site

    def person_id(self, employee_id: str, column: str) -> uuid.UUID:
        if employee_id not in self._people:
            stmt = select(Person.id, Person.site_id).where(Person.employee_id == employee_id,
                                                          Person.deleted_at.is_(None))  # fmt: skip
            row = self.session.execute(stmt).first()
            self._people[employee_id] = row.id if row and visible(self.sites, row.site_id) else None
        found = self._people[employee_id]
        if found is None:
            raise RowError(column, f"no person with employee id {employee_id!r}")
        return found

    def preload_people(self) -> None:
        """Read every live person's employee id once (a bulk import looks up thousands)."""
        stmt = select(Person.employee_id, Person.id, Person.site_id).where(
            Person.deleted_at.is_(None), Person.employee_id.is_not(None)
        )
        for row in self.session.execute(stmt.execution_options(yield_per=5000)):
            self._people[row.employee_id] = row.id if visible(self.sites, row.site_id) else None

    def remember_person(self, employee_id: str, person_id: uuid.UUID) -> None:
        self._people[employee_id] = person_id


def required(row: dict[str, Any], column: str) -> Any:
    value = row.get(column)
    if value is None:
        raise RowError(column, "required")
    return value


def as_date(row: dict[str, Any], column: str) -> date | None:
    value = row.get(column)
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise RowError(column, f"{value!r} is not a date (YYYY-MM-DD)") from None


def as_int(row: dict[str, Any], column: str) -> int | None:
    value = row.get(column)
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise RowError(column, f"{value!r} is not a whole number") from None


def as_decimal(row: dict[str, Any], column: str) -> Decimal | None:
    value = row.get(column)
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise RowError(column, f"{value!r} is not a number") from None


def as_bool(row: dict[str, Any], column: str) -> bool | None:
    value = row.get(column)
    if value is None or isinstance(value, bool):
        return value
    text = str(value).lower()
    if text in ("true", "yes", "1", "y"):
        return True
    if text in ("false", "no", "0", "n"):
        return False
    raise RowError(column, f"{value!r} is not true or false")


#: The column a domain error without a field list is about.
CODE_COLUMNS = {"unknown_extension": "extension", "duplicate_number": "number", "number_quarantined": "number",
                "asset_retired": "asset_tags", "jack_in_use": "jack", "duplicate_label": "label",
                "duplicate_name": "name", "already_patched": "panel_port", "invalid_transition": "status"}  # fmt: skip


def from_app_error(exc: AppError, columns: dict[str, str] | None = None) -> RowError:
    """A domain error as a row error, naming the column when the error names a field."""
    errors = exc.extra.get("errors") or []
    field_name = errors[0]["field"].split(".")[-1] if errors else CODE_COLUMNS.get(exc.code)
    column = (columns or {}).get(field_name or "", field_name)
    return RowError(column, f"{exc.code}: {exc.detail}")
