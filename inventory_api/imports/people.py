"""Import people, upserted by employee id."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from inventory_api.imports.context import ImportContext, as_bool, required
from inventory_api.people import service as people
from inventory_api.people.models import Person

COLUMNS = ("employee_id", "name", "email", "department", "phone", "site", "location", "active")


def import_person(ctx: ImportContext, row: dict[str, Any]) -> None:
    """Create the person, or change the fields that differ; the same row twice changes nothing."""
    employee_id = str(required(row, "employee_id"))
    values: dict[str, Any] = {"name": required(row, "name")}
    for column in ("email", "department", "phone"):
        if column in row:
            values[column] = row[column]
    if values.get("email"):
        values["email"] = values["email"].lower()
    if row.get("active") is not None:
        values["active"] = as_bool(row, "active")
    if row.get("location"):
        location = ctx.location(row["location"], "location")
        values |= {"location_id": location.id, "site_id": location.site_id}
    elif row.get("site"):
        values["site_id"] = ctx.site(row["site"]).id
    session = ctx.session
    existing = session.scalar(
        select(Person).where(Person.employee_id == employee_id, Person.deleted_at.is_(None))
    )
    if existing is None:
        person = people.create_person(session, values | {"employee_id": employee_id}, ctx.scope)
        ctx.remember_person(employee_id, person.id)
        ctx.counts.created += 1
        return
    ctx.person_id(employee_id, "employee_id")  # of a site the caller may write
    changed = {k: v for k, v in values.items() if getattr(existing, k) != v}
    if not changed:
        ctx.counts.unchanged += 1
        return
    people.update_person(session, existing, changed, ctx.scope)
    ctx.counts.updated += 1
