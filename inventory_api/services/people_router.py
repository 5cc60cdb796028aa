"""A person's overview page and the leaver's reclaim list."""

import uuid
from typing import Any

from fastapi import APIRouter

from inventory_api.cabling.registry import require_person
from inventory_api.deps import ReadDep, SessionDep, SettingsDep, WriteDep
from inventory_api.idempotency import IdempotentRoute
from inventory_api.routing import ERROR_RESPONSES
from inventory_api.services import people, schemas

router = APIRouter(prefix="/api/v1", tags=["people"], route_class=IdempotentRoute, responses=ERROR_RESPONSES)


@router.get("/people/{person_id}/overview", response_model=schemas.PersonOverview)
def person_overview(person_id: uuid.UUID, session: SessionDep, who: ReadDep) -> dict[str, Any]:
    """All of a person's assets (each with its path to the switch), services and open check-outs."""
    return people.overview(session, require_person(session, person_id, who.site_ids), who.site_ids)


@router.post("/people/{person_id}/offboard", response_model=schemas.OffboardResult)
def offboard(
    person_id: uuid.UUID,
    body: schemas.OffboardRequest,
    session: SessionDep,
    who: WriteDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    """A leaver: everything to reclaim; with `disconnect_services` their services end and numbers rest."""
    person = require_person(session, person_id, who.site_ids)
    return people.offboard(session, person, disconnect_services=body.disconnect_services, sites=who.site_ids,
                           quarantine_days=settings.number_quarantine_days)  # fmt: skip
