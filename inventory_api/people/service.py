"""People: who uses the equipment, where they sit, and how to find them by name or e-mail."""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, or_, select
from sqlalchemy.orm import Session

from inventory_api.auth.service import Principal
from inventory_api.db import utcnow
from inventory_api.errors import Conflict, NotFound, Unprocessable
from inventory_api.history.service import current_actor, diff_fields, record_change
from inventory_api.locations import service as locations
from inventory_api.people.models import Person
from inventory_api.people.search import prefix_condition, prefix_range


def name_key(name: str) -> str:
    """The lower-cased, single-spaced name used for prefix search."""
    return " ".join(name.casefold().split())


def get_person(session: Session, person_id: uuid.UUID, principal: Principal | None = None) -> Person | None:
    person = session.get(Person, person_id)
    if person is None or person.deleted_at is not None:
        return None
    if principal is not None and not principal.can_see_site(person.site_id):
        return None
    return person


def require_person(session: Session, person_id: uuid.UUID, principal: Principal | None = None) -> Person:
    """A live person the caller may see, or NotFound."""
    person = get_person(session, person_id, principal)
    if person is None:
        raise NotFound("person", person_id)
    return person


def _check_employee_id(
    session: Session, employee_id: str | None, person_id: uuid.UUID | None, principal: Principal | None
) -> None:
    """409 when another live person has this employee id; named only to a caller who may see them."""
    if not employee_id:
        return
    other = session.execute(
        select(Person.id, Person.site_id).where(
            Person.employee_id == employee_id, Person.deleted_at.is_(None)
        )
    ).first()
    if other is not None and other.id != person_id:
        named = principal is None or principal.can_see_site(other.site_id)
        raise Conflict(
            f"employee id {employee_id!r} belongs to another person",
            code="employee_id_taken",
            **({"person_id": str(other.id)} if named else {}),
        )


def _place(
    session: Session, values: dict[str, Any], current: Person | None, principal: Principal | None
) -> None:
    """Fill site_id from the location, and check the two agree and are visible."""
    site_id = values.get("site_id", current.site_id if current else None)
    location_id = values.get("location_id", current.location_id if current else None)
    if location_id is not None and ("location_id" in values or "site_id" in values):
        location = locations.require_location(session, location_id, principal)
        if "site_id" in values and values["site_id"] is not None and values["site_id"] != location.site_id:
            raise Unprocessable(
                "location_id: the location is not in the given site", code="location_not_in_site"
            )
        values["site_id"] = location.site_id
    elif "site_id" in values:
        if site_id is None:
            raise Unprocessable("site_id: a person belongs to a site", code="site_required")
        site = locations.require_location(session, site_id, principal)
        if site.kind != "site":
            raise Unprocessable("site_id: not a site", code="not_a_site")


def create_person(session: Session, values: dict[str, Any], principal: Principal | None = None) -> Person:
    """A new person at a site (and optionally a location in it)."""
    if values.get("site_id") is None and values.get("location_id") is None:
        raise Unprocessable("site_id: a person belongs to a site", code="site_required")
    _place(session, values, None, principal)
    _check_employee_id(session, values.get("employee_id"), None, principal)
    if values.get("email"):
        values["email"] = values["email"].lower()
    person = Person(id=uuid.uuid4(), name_key=name_key(values["name"]), **values)
    session.add(person)
    session.flush()
    record_change(session, "person", person.id, "created", summary=person.name)
    return person


def update_person(
    session: Session, person: Person, values: dict[str, Any], principal: Principal | None = None
) -> Person:
    """Change a person's record."""
    if "name" in values and not values["name"]:
        raise Unprocessable("name: must not be empty", code="name_required")
    if "site_id" in values and values["site_id"] is None:
        raise Unprocessable("site_id: a person belongs to a site", code="site_required")
    _place(session, values, person, principal)
    if "employee_id" in values:
        _check_employee_id(session, values["employee_id"], person.id, principal)
    if values.get("email"):
        values["email"] = values["email"].lower()
    if "name" in values:
        values["name_key"] = name_key(values["name"])
    changes = diff_fields(person, values)
    changes.pop("name_key", None)
    if changes:
        person.version += 1
        session.flush()
        record_change(session, "person", person.id, "updated", changes=changes)
    return person


def delete_person(session: Session, person: Person) -> None:
    """Soft-delete a person no live asset is assigned to."""
    from inventory_api.assets.models import Asset  # assets sit above people; only the count is needed

    assigned = session.scalar(
        select(func.count()).where(Asset.assigned_person_id == person.id, Asset.deleted_at.is_(None))
    )
    if assigned:
        raise Conflict(
            f"{person.name} still has {assigned} asset(s) assigned; reassign them first",
            code="person_in_use",
            assets=assigned,
        )
    person.deleted_at = utcnow()
    person.deleted_by = current_actor(session).name or current_actor(session).type
    person.version += 1
    session.flush()
    record_change(session, "person", person.id, "deleted", summary=person.name)


def prefix_params(prefix: str) -> dict[str, str]:
    """The bound parameters of `people_prefix_query` for `prefix` (case-insensitive)."""
    low, high = prefix_range(name_key(prefix))
    return {"person_prefix_low": low, "person_prefix_high": high}


def _match(dialect: str, low: Any, high: Any) -> ColumnElement[bool]:
    return or_(
        prefix_condition(dialect, Person.name_key, low, high),
        prefix_condition(dialect, Person.email, low, high),
    )


@cache
def people_prefix_query(dialect: str, limit: int) -> Select[Any]:
    """Ids of live people whose name or e-mail starts with a prefix bound by `prefix_params`; built once (the
    asset search box runs it on every look-up)."""
    match = _match(dialect, bindparam("person_prefix_low"), bindparam("person_prefix_high"))
    return select(Person.id).where(match, Person.deleted_at.is_(None)).limit(limit)


def prefix_match(session: Session, prefix: str) -> Any:
    """Condition: the person's name or e-mail starts with `prefix` (case-insensitive)."""
    return _match(session.get_bind().dialect.name, *prefix_range(name_key(prefix)))


def people_by_prefix(session: Session, prefix: str, *, limit: int = 200) -> Select[Any]:
    """A query of the ids of live people whose name or e-mail starts with `prefix` (for use as a subquery)."""
    return people_prefix_query(session.get_bind().dialect.name, limit).params(prefix_params(prefix))


def people_ids_by_prefix(session: Session, prefix: str, *, limit: int = 200) -> list[uuid.UUID]:
    """Ids of live people whose name or e-mail starts with `prefix`."""
    if not prefix.strip():
        return []
    return list(session.scalars(people_by_prefix(session, prefix, limit=limit)))


def people_query(
    session: Session,
    principal: Principal | None,
    *,
    q: str | None = None,
    site_id: uuid.UUID | None = None,
    location_id: uuid.UUID | None = None,
    department: str | None = None,
    employee_id: str | None = None,
    email: str | None = None,
    active: bool | None = None,
) -> Select[Any]:
    """Live people the caller may see, filtered."""
    stmt = select(Person).where(Person.deleted_at.is_(None))
    if principal is not None and principal.site_ids is not None:
        stmt = stmt.where(Person.site_id.in_(principal.site_ids))
    if q:
        stmt = stmt.where(prefix_match(session, q))
    if site_id:
        stmt = stmt.where(Person.site_id == site_id)
    if location_id:
        stmt = stmt.where(Person.location_id == location_id)
    if department:
        stmt = stmt.where(Person.department == department)
    if employee_id:
        stmt = stmt.where(Person.employee_id == employee_id)
    if email:
        stmt = stmt.where(Person.email == email.lower())
    if active is not None:
        stmt = stmt.where(Person.active.is_(active))
    return stmt
