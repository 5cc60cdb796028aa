"""What becomes of the DIDs, voicemail boxes and shared lines that point at an extension being disconnected."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory_api.errors import Conflict, Unprocessable
from inventory_api.services.models import Service

#: refuse (the default): no disconnection while anything points at the extension; carry: they ring another
#: extension (`carry_to`); disconnect: they are disconnected with it (their numbers go to quarantine too).
DEPENDENT_CHOICES = ("refuse", "carry", "disconnect")
DEPENDENT_TYPES = ("did", "voicemail", "shared_line")


def dependents_of(session: Session, extension: Service) -> list[Service]:
    """The live services whose `extension` is this extension's number, at its site."""
    if extension.type != "extension" or not extension.number:
        return []
    stmt = select(Service).where(
        Service.type.in_(DEPENDENT_TYPES), Service.site_id == extension.site_id,
        Service.status != "disconnected", Service.deleted_at.is_(None),
    )  # fmt: skip
    found = [s for s in session.scalars(stmt) if s.details.get("extension") == extension.number]
    return sorted(found, key=lambda s: (s.type, s.number or ""))


def _words(service: Service) -> str:
    return f"{service.type} {service.number or service.id}"


def why_not(session: Session, extension: Service, choice: str | None, carry_to: str | None) -> str | None:
    """Why disconnecting this extension with this choice cannot be done, or None."""
    dependents = dependents_of(session, extension)
    if not dependents or choice == "disconnect":
        return None
    if choice == "carry":
        if carry_to == extension.number:
            return f"carry_to is extension {carry_to} itself"
        target = session.scalar(
            select(Service).where(
                Service.type == "extension", Service.site_id == extension.site_id, Service.number == carry_to,
                Service.dial_plan == extension.dial_plan, Service.status != "disconnected",
                Service.deleted_at.is_(None),
            )
        )  # fmt: skip
        return None if target is not None else f"no live extension {carry_to} at this site to carry them to"
    names = ", ".join(_words(s) for s in dependents)
    return (
        f"extension {extension.number} is still used by {names}: say dependents 'carry' (with carry_to) "
        f"or 'disconnect'"
    )


def settle(
    session: Session,
    extension: Service,
    choice: str | None,
    carry_to: str | None,
    update: Callable[[Service, dict[str, Any]], Any],
) -> None:
    """Before an extension is disconnected: carry its dependents to `carry_to`, disconnect them, or refuse."""
    reason = why_not(session, extension, choice, carry_to)
    if reason is not None:
        dependents = [
            {"id": str(s.id), "type": s.type, "number": s.number} for s in dependents_of(session, extension)
        ]
        if choice == "carry":
            raise Unprocessable(reason, code="unknown_extension", field="carry_to")
        raise Conflict(
            reason, code="extension_in_use", dependents=dependents, choices=list(DEPENDENT_CHOICES)
        )
    for dependent in dependents_of(session, extension):
        if choice == "carry":
            update(dependent, {"details": {**dependent.details, "extension": carry_to}})
        else:
            update(dependent, {"status": "disconnected"})
