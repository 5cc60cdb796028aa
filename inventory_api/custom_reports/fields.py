"""What a custom report may read: per subject, a whitelist of fields, each a column expression and its type. A
definition names fields only from here, so no text of a user ever becomes SQL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, case, exists, or_, select
from sqlalchemy.orm import aliased

from inventory_api.assets.models import Asset
from inventory_api.auth.models import User
from inventory_api.catalog.models import Manufacturer, Model
from inventory_api.history.models import ChangeEvent
from inventory_api.inventory.models import SystemFacts
from inventory_api.locations.models import Location
from inventory_api.people.models import Person
from inventory_api.services.models import Service
from inventory_api.software.models import Installation, SoftwareTitle, SoftwareVersion
from inventory_api.workorders.models import WorkOrder


@dataclass(frozen=True, slots=True)
class Subject:
    """What a report can be about: its rows, joined to what its fields name, within the caller's sites."""

    fields: dict[str, tuple[Any, type]]
    base: Callable[[], Select[Any]]
    scope: Callable[[Select[Any], frozenset[Any]], Select[Any]]


def _places() -> tuple[tuple[Any, ...], Any]:
    """Aliases for a location, its parent and grandparent and its site (joined by `_join_places`), and the name
    of the building it is in: itself, or up to two levels up (a floor's or a room's building)."""
    here, up, up2, site = (aliased(Location) for _ in range(4))
    building = case((here.kind == "building", here.name), (up.kind == "building", up.name),
                    (up2.kind == "building", up2.name))  # fmt: skip
    return (here, up, up2, site), building


def _join_places(stmt: Select[Any], place_id: Any, site_id: Any, aliases: tuple[Any, ...]) -> Select[Any]:
    here, up, up2, site = aliases
    return (
        stmt.outerjoin(here, here.id == place_id).outerjoin(up, up.id == here.parent_id)
        .outerjoin(up2, up2.id == up.parent_id).outerjoin(site, site.id == site_id)
    )  # fmt: skip


def _work_orders() -> Subject:
    aliases, building = _places()
    assignee, requester = aliased(User), aliased(Person)
    fields = {
        "kind": (WorkOrder.kind, str), "state": (WorkOrder.state, str), "priority": (WorkOrder.priority, str),
        "team": (WorkOrder.team, str), "title": (WorkOrder.title, str), "site": (aliases[3].name, str),
        "location": (aliases[0].name, str), "building": (building, str), "assignee": (assignee.username, str),
        "requester": (requester.name, str), "created": (WorkOrder.created_at, datetime),
        "resolved": (WorkOrder.resolved_at, datetime), "resolution_due": (WorkOrder.resolution_due_at, datetime),
    }  # fmt: skip

    def base() -> Select[Any]:
        stmt = select(WorkOrder.id).where(WorkOrder.deleted_at.is_(None))
        stmt = _join_places(stmt, WorkOrder.location_id, WorkOrder.site_id, aliases)
        return (stmt.outerjoin(assignee, assignee.id == WorkOrder.assignee_id)
                .outerjoin(requester, requester.id == WorkOrder.requester_id))  # fmt: skip

    return Subject(fields, base, lambda stmt, sites: stmt.where(WorkOrder.site_id.in_(sites)))


def _assets() -> Subject:
    aliases, building = _places()
    fields = {
        "kind": (Asset.kind, str), "status": (Asset.status, str), "name": (Asset.name, str),
        "hostname": (Asset.hostname, str), "asset_tag": (Asset.asset_tag, str), "serial": (Asset.serial, str),
        "site": (aliases[3].name, str), "location": (aliases[0].name, str), "building": (building, str),
        "maker": (Manufacturer.name, str), "model": (Model.name, str), "person": (Person.name, str),
        "purchase_date": (Asset.purchase_date, date), "warranty_end": (Asset.warranty_end, date),
        "last_seen": (Asset.last_seen, datetime), "os_name": (SystemFacts.os_name, str),
        "memory_bytes": (SystemFacts.memory_total_bytes, int),
    }  # fmt: skip

    def base() -> Select[Any]:
        stmt = _join_places(select(Asset.id).where(Asset.deleted_at.is_(None)), Asset.location_id, Asset.site_id,
                            aliases)  # fmt: skip
        return (stmt.outerjoin(Manufacturer, Manufacturer.id == Asset.manufacturer_id)
                .outerjoin(Model, Model.id == Asset.model_id).outerjoin(Person, Person.id == Asset.assigned_person_id)
                .outerjoin(SystemFacts, SystemFacts.asset_id == Asset.id))  # fmt: skip

    return Subject(fields, base, lambda stmt, sites: stmt.where(Asset.site_id.in_(sites)))


def _installations() -> Subject:
    site = aliased(Location)
    fields = {
        "title": (SoftwareTitle.name, str), "publisher": (SoftwareTitle.publisher, str),
        "version": (SoftwareVersion.version, str), "machine": (Asset.hostname, str), "site": (site.name, str),
        "first_seen": (Installation.first_seen, datetime),
    }  # fmt: skip

    def base() -> Select[Any]:
        return (
            select(Installation.id).join(Asset, Asset.id == Installation.asset_id).where(Asset.deleted_at.is_(None))
            .join(SoftwareTitle, SoftwareTitle.id == Installation.title_id)
            .join(SoftwareVersion, SoftwareVersion.id == Installation.version_id)
            .outerjoin(site, site.id == Asset.site_id)
        )  # fmt: skip

    return Subject(fields, base, lambda stmt, sites: stmt.where(Asset.site_id.in_(sites)))


def _services() -> Subject:
    aliases, building = _places()
    fields = {
        "type": (Service.type, str), "status": (Service.status, str), "number": (Service.number, str),
        "person": (Person.name, str), "site": (aliases[3].name, str), "location": (aliases[0].name, str),
        "building": (building, str), "cost_centre": (Service.cost_centre, str),
    }  # fmt: skip

    def base() -> Select[Any]:
        stmt = select(Service.id).where(Service.deleted_at.is_(None))
        stmt = _join_places(stmt, Service.location_id, Service.site_id, aliases)
        return stmt.outerjoin(Person, Person.id == Service.person_id)

    return Subject(fields, base, lambda stmt, sites: stmt.where(Service.site_id.in_(sites)))


def _history() -> Subject:
    fields = {
        "subject_type": (ChangeEvent.subject_type, str), "action": (ChangeEvent.action, str),
        "actor": (ChangeEvent.actor_name, str), "summary": (ChangeEvent.summary, str),
        "occurred": (ChangeEvent.occurred_at, datetime),
    }  # fmt: skip

    def scope(stmt: Select[Any], sites: frozenset[Any]) -> Select[Any]:
        """A site-limited caller sees the history of assets, work orders and services of its sites only."""
        sited = (("asset", Asset), ("work_order", WorkOrder), ("service", Service))
        return stmt.where(or_(*(
            (ChangeEvent.subject_type == kind)
            & exists().where(model.id == ChangeEvent.subject_id, model.site_id.in_(sites))
            for kind, model in sited
        )))  # fmt: skip

    return Subject(fields, lambda: select(ChangeEvent.id), scope)


SUBJECTS: dict[str, Subject] = {
    "work_orders": _work_orders(), "assets": _assets(), "software_installations": _installations(),
    "services": _services(), "history": _history(),
}  # fmt: skip
