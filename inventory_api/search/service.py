"""One search for the search box and the API: assets, people, numbers, jacks and rooms, within the caller's sites."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset
from inventory_api.assets.queries import AssetFilters, assets_query
from inventory_api.auth.service import Principal
from inventory_api.cabling import paths
from inventory_api.cabling.models import Jack
from inventory_api.locations.models import Location
from inventory_api.people import service as people
from inventory_api.services.models import Service
from inventory_api.software.models import SoftwareTitle
from inventory_api.software.normalize import normalize_title
from inventory_api.workorders.models import WorkOrder

LIMIT = 50
_DIAL_NOISE = re.compile(r"[\s().\-/]")


@dataclass
class Found:
    """What a search found, each kind in its own list."""

    assets: list[Asset] = field(default_factory=list)
    people: list[Any] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    jacks: list[tuple[Jack, list[str]]] = field(default_factory=list)
    rooms: list[Location] = field(default_factory=list)
    work_orders: list[WorkOrder] = field(default_factory=list)
    titles: list[SoftwareTitle] = field(default_factory=list)

    def only(self) -> str | None:
        """The page of the one record found, when exactly one was."""
        pages = [
            *(f"/assets/{a.id}" for a in self.assets), *(f"/people/{p.id}" for p in self.people),
            *(f"/services/{s.id}" for s in self.services), *(f"/jacks/{j.id}" for j, _ in self.jacks),
            *(f"/locations/{r.id}" for r in self.rooms), *(f"/work-orders/{o.id}" for o in self.work_orders),
            *(f"/software/{t.id}" for t in self.titles),
        ]  # fmt: skip
        return pages[0] if len(pages) == 1 else None


def number_forms(q: str) -> list[str]:
    """The ways a dialled number can be stored: "+1 (555) 123-4021" → +15551234021 and 15551234021; "4021"."""
    digits = _DIAL_NOISE.sub("", q)
    bare = digits.removeprefix("+")
    if not bare.isdigit():
        return []
    return [bare, "+" + bare]


def search(session: Session, principal: Principal, q: str, limit: int = LIMIT) -> Found:
    """Everything `q` names that the caller may see: an asset by tag, serial, hostname, MAC or IP; a person by
    name, e-mail or employee id; an extension or DID with or without + and spacing; a jack by the start of its
    label, with its path; a room or other place by its name or code; a work order by its id or the ticketing
    system's reference; a software title by the start of its name."""
    q = q.strip()
    found = Found()
    if not q:
        return found
    sites = principal.site_ids
    stmt = assets_query(session, principal, AssetFilters(q=q)).bound()
    found.assets = list(session.scalars(stmt.order_by(Asset.hostname_key, Asset.id).limit(limit)))
    found.people = list(session.scalars(people.people_query(session, principal, q=q).limit(limit)))
    numbers = number_forms(q)
    if numbers:
        services = select(Service).where(Service.number.in_(numbers), Service.deleted_at.is_(None))
        if sites is not None:
            services = services.where(Service.site_id.in_(sites))
        found.services = list(session.scalars(services.limit(limit)))
    known = {person.id for person in found.people}
    for service in found.services:
        holder = people.get_person(session, service.person_id) if service.person_id else None
        if holder is not None and holder.id not in known:
            found.people.append(holder)
            known.add(holder.id)
    # A range on lower(label) rather than LIKE: both databases read it from the expression index.
    label = func.lower(Jack.label)
    jacks = select(Jack).where(label >= q.lower(), label < q.lower() + "\uffff", Jack.deleted_at.is_(None))
    rooms = select(Location).where(
        or_(func.lower(Location.name) == q.lower(), func.lower(Location.code) == q.lower()),
        Location.deleted_at.is_(None),
    )
    if sites is not None:
        jacks = jacks.where(Jack.site_id.in_(sites))
        rooms = rooms.where(Location.site_id.in_(sites))
    found.jacks = [
        (jack, [p["summary"] for p in paths.paths_for_jack(session, jack)])
        for jack in session.scalars(jacks.order_by(Jack.label).limit(20))
    ]
    found.rooms = list(session.scalars(rooms.order_by(Location.name).limit(20)))
    orders = select(WorkOrder).where(WorkOrder.deleted_at.is_(None), or_(
        WorkOrder.external_id == q, WorkOrder.id == _uuid(q)))  # fmt: skip
    if sites is not None:
        orders = orders.where(WorkOrder.site_id.in_(sites))
    found.work_orders = list(session.scalars(orders.order_by(WorkOrder.created_at.desc()).limit(20)))
    key = normalize_title(q).casefold()
    titles = select(SoftwareTitle).where(SoftwareTitle.key >= key, SoftwareTitle.key < key + "\uffff")
    found.titles = list(session.scalars(titles.order_by(SoftwareTitle.key).limit(20)))
    return found


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None
