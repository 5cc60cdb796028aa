"""What the read-only pages show beyond one record: an asset's reported facts, path, services, work orders and
software; a location with its rooms, jacks and equipment. Each reads through the same queries as the API."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset
from inventory_api.auth.service import Principal
from inventory_api.cabling import paths
from inventory_api.cabling import service as cabling
from inventory_api.cabling.models import SwitchPort
from inventory_api.db import utcnow
from inventory_api.inventory import views as inventory
from inventory_api.numbers import service as numbers
from inventory_api.numbers.models import NumberPool
from inventory_api.people.models import Person
from inventory_api.services.models import Service, ServiceAsset
from inventory_api.software.models import Installation, SoftwareTitle, SoftwareVersion
from inventory_api.software.views import installations_query
from inventory_api.workorders.models import WorkOrder, WorkOrderItem

SOFTWARE_ROWS = 300


def size(value: int | None) -> str:
    """Bytes in words a technician reads at a glance: 8 GiB, 512 MiB."""
    if value is None:
        return "—"
    for unit, scale in (("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if value >= scale:
            return f"{value / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{value} B"


UUID_TEXT = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")


def links(value: Any) -> Markup:
    """A flag's detail as text in which every asset id is a link to its page (an id of something else leads to a
    404 page, which says so)."""
    text = str(escape(value if isinstance(value, str) else json.dumps(value)))
    return Markup(UUID_TEXT.sub(lambda m: f'<a href="/assets/{m.group(0)}">{m.group(0)}</a>', text))


def path_links(path: dict[str, Any]) -> Markup:
    """A cabling path's one-line summary, its jack, patch panel and switch each a link to their page."""
    html = str(escape(path["summary"]))
    hops = []
    if path.get("jack") is not None:
        hops.append((f"jack {path['jack'].label}", f"/jacks/{path['jack'].id}"))
    if path.get("panel") is not None:
        hops.append(
            (
                f"panel {path['panel']['name']} port {path['panel_port'].number}",
                f"/patch-panels/{path['panel']['id']}",
            )
        )
    if path.get("switch") is not None:
        hops.append((f"switch {path['switch']['name']}", f"/assets/{path['switch']['id']}"))
    for words, url in hops:
        html = html.replace(str(escape(words)), f'<a href="{url}">{escape(words)}</a>', 1)
    return Markup(html)


def _volumes(volumes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each volume with how full it is (a percentage, where size and free space are known)."""
    for volume in volumes:
        total, free = volume.get("size_bytes"), volume.get("free_bytes")
        volume["used_percent"] = round(100 * (total - free) / total) if total and free is not None else None
    return volumes


def software(session: Session, principal: Principal, asset_id: uuid.UUID, q: str) -> tuple[list[Any], int]:
    """The asset's installed titles and versions (names containing `q`, any case), and how many match."""
    stmt = (
        installations_query(principal, asset_id=asset_id)
        .join(SoftwareTitle, SoftwareTitle.id == Installation.title_id)
        .join(SoftwareVersion, SoftwareVersion.id == Installation.version_id)
    )
    if q:
        stmt = stmt.where(func.lower(SoftwareTitle.name).contains(q.lower(), autoescape=True))
    count = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(
        stmt.with_only_columns(SoftwareTitle.id, SoftwareTitle.name, SoftwareVersion.version, Installation.first_seen)
        .order_by(func.lower(SoftwareTitle.name)).limit(SOFTWARE_ROWS)
    ).all()  # fmt: skip
    return rows, count


def asset_details(session: Session, principal: Principal, asset: Asset, software_q: str) -> dict[str, Any]:
    """The asset page's sections below its summary: reported hardware and security, network with the path to its
    switch port, the services it carries, the work orders naming it, its software."""
    facts = inventory.inventory_of(session, asset)
    facts["volumes"] = _volumes(facts["volumes"])
    services = session.scalars(
        select(Service).join(ServiceAsset, ServiceAsset.service_id == Service.id)
        .where(ServiceAsset.asset_id == asset.id, Service.deleted_at.is_(None)).order_by(Service.type)
    )  # fmt: skip
    orders = session.scalars(
        select(WorkOrder).where(WorkOrder.id.in_(
            select(WorkOrderItem.work_order_id).where(
                WorkOrderItem.subject_type == "asset", WorkOrderItem.subject_id == asset.id
            )
        )).order_by(WorkOrder.created_at.desc()).limit(50)
    )  # fmt: skip
    rows, count = software(session, principal, asset.id, software_q)
    ports = []
    if asset.kind == "switch":
        listed = session.scalars(
            cabling.switch_ports_query(None, switch_id=asset.id).order_by(SwitchPort.name)
        )
        ports = [(port, paths.paths_for_switch_port(session, port)[0]) for port in listed]
    return {
        "facts": facts, "path": paths.paths_for_asset(session, asset)[0], "services": list(services),
        "orders": list(orders), "software": rows, "software_count": count, "software_q": software_q,
        "software_shown": SOFTWARE_ROWS, "ports": ports,
    }  # fmt: skip


def pool_details(session: Session, pool: NumberPool) -> dict[str, Any]:
    """A number pool: how many of its numbers are free, its next free ones, and every number taken with its state
    (reserved, allocated, assigned with its service, quarantined until when)."""
    taken = [record for _, record in sorted(numbers.records_in(session, pool).items())]
    size = sum(1 for _ in numbers.pool_numbers(pool))
    services = {s.id: s for s in session.scalars(
        select(Service).where(Service.id.in_([r.service_id for r in taken if r.service_id])))}  # fmt: skip
    people = {p.id: p for p in session.scalars(
        select(Person).where(Person.id.in_([s.person_id for s in services.values() if s.person_id])))}  # fmt: skip
    rows = []
    for record in taken:
        service = services.get(record.service_id)
        rows.append({"record": record, "person": people.get(service.person_id) if service else None})
    now = utcnow()
    free = size - sum(1 for r in taken if not numbers.is_free(r, now))
    return {
        "size": size,
        "free": free,
        "next_free": numbers.free_numbers(session, pool, limit=10),
        "rows": rows,
    }


def title_details(session: Session, principal: Principal, title: SoftwareTitle) -> dict[str, Any]:
    """A software title: its versions with how many machines of the caller's sites have each, and the machines
    (the first 300)."""
    installed = installations_query(principal, title_id=title.id).join(
        SoftwareVersion, SoftwareVersion.id == Installation.version_id
    )
    versions = session.execute(
        installed.with_only_columns(SoftwareVersion.version, func.count())
        .group_by(SoftwareVersion.version).order_by(SoftwareVersion.version.desc())
    ).all()  # fmt: skip
    machines = session.execute(
        installed.with_only_columns(Asset.id, Asset.hostname, Asset.name, SoftwareVersion.version, Installation.first_seen)
        .order_by(Asset.hostname).limit(SOFTWARE_ROWS)
    ).all()  # fmt: skip
    return {"versions": versions, "machines": machines, "total": sum(n for _, n in versions)}
