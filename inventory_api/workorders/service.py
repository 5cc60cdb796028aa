"""Work orders: create, update, upsert by external reference, move through the lifecycle, resolve."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from inventory_api.assets.models import Asset
from inventory_api.auth.models import User
from inventory_api.auth.service import Principal
from inventory_api.cabling.models import Jack
from inventory_api.db import utcnow
from inventory_api.errors import Conflict, NotFound, PreconditionFailed, Unprocessable
from inventory_api.etag import check_if_match
from inventory_api.events.service import emit_event
from inventory_api.history.service import Cause, current_actor, diff_fields, plain, record_change
from inventory_api.locations.models import Location
from inventory_api.people.models import Person
from inventory_api.services.emergency import refresh_once
from inventory_api.services.models import Service
from inventory_api.sla import service as sla
from inventory_api.sla.clock import Mark
from inventory_api.workorders import actions, moves, service_actions
from inventory_api.workorders.actions_vocab import LINK_ACTIONS
from inventory_api.workorders.models import WorkOrder, WorkOrderItem, WorkOrderStateChange
from inventory_api.workorders.states import OPEN_STATES, check_transition

SUBJECT = "work_order"


def get_work_order(session: Session, principal: Principal | None, order_id: uuid.UUID) -> WorkOrder | None:
    order = session.get(WorkOrder, order_id)
    if order is None or order.deleted_at is not None:
        return None
    if principal is not None and not principal.can_see_site(order.site_id):
        return None
    return order


def require_work_order(session: Session, principal: Principal | None, order_id: uuid.UUID) -> WorkOrder:
    order = get_work_order(session, principal, order_id)
    if order is None:
        raise NotFound("work order", order_id)
    return order


def get_by_ref(session: Session, system: str, external_id: str) -> WorkOrder | None:
    return session.scalar(
        select(WorkOrder).where(WorkOrder.external_system == system, WorkOrder.external_id == external_id)
    )


def list_statement(principal: Principal, **filters: Any) -> Select[Any]:
    """Work orders the principal may see, filtered by the given fields (None = no filter)."""
    stmt = select(WorkOrder).where(WorkOrder.deleted_at.is_(None))
    if principal.site_ids is not None:
        stmt = stmt.where(WorkOrder.site_id.in_(principal.site_ids))
    for name, value in filters.items():
        if value is not None:
            stmt = stmt.where(getattr(WorkOrder, name) == value)
    return stmt


def list_items(session: Session, order: WorkOrder) -> list[WorkOrderItem]:
    return list(
        session.scalars(
            select(WorkOrderItem)
            .where(WorkOrderItem.work_order_id == order.id)
            .order_by(WorkOrderItem.position)
        )
    )


def _check_refs(
    session: Session, principal: Principal | None, site_id: uuid.UUID, values: dict[str, Any]
) -> None:
    site = session.get(Location, site_id)
    if site is None or site.kind != "site" or (principal is not None and not principal.can_see_site(site_id)):
        raise Unprocessable(f"site {site_id} does not exist", code="unknown_reference", field="site_id")
    checks = {"location_id": Location, "requester_id": Person, "assignee_id": User}
    for field, model in checks.items():
        ref = values.get(field)
        if ref is None:
            continue
        row = session.get(model, ref)
        gone = row is None or getattr(row, "deleted_at", None) is not None
        if not gone and model is Location:
            gone = (row.site_id or row.id) != site_id
        if gone:
            raise Unprocessable(
                f"{field} {ref} does not exist on this site", code="unknown_reference", field=field
            )


def add_item(
    session: Session, order: WorkOrder, data: dict[str, Any], *, position: int | None = None
) -> WorkOrderItem:
    """Link a record to an open order with the action completing the order applies to it."""
    if order.state not in OPEN_STATES:
        raise Conflict(
            f"items can be added only to an open work order (it is {order.state})", code="order_not_open"
        )
    data = {**data, "params": data.get("params") or {}}
    reason = actions.check_params(data["action"], data["params"])
    if reason:
        raise Unprocessable(reason, code="invalid_action", action=data["action"])
    kind = actions.subject_type_of(data["action"], data.get("subject_type"))
    if data.get("subject_type") not in (None, kind):
        raise Unprocessable(
            f"{data['action']} acts on a {kind}", code="invalid_action", action=data["action"]
        )
    data["subject_type"] = kind
    if kind == "asset":
        asset = session.get(Asset, data["subject_id"])
        found = asset is not None and asset.deleted_at is None and asset.site_id == order.site_id
    else:
        found = service_actions.exists_on_site(session, kind, data["subject_id"], order.site_id)
    if not found:
        other = kind_of(session, data["subject_id"], order.site_id)
        if other is not None and other != kind:
            hint = " (note and inspect take subject_type)" if data["action"] in LINK_ACTIONS else ""
            raise Unprocessable(
                f"{data['subject_id']} is {_a(other)}, not {_a(kind)}: {data['action']} acts on {_a(kind)}{hint}",
                code="wrong_kind", action=data["action"], expected=kind, found=other,
            )  # fmt: skip
        raise Unprocessable(
            f"{kind} {data['subject_id']} does not exist on the work order's site", code="unknown_reference"
        )
    _check_param_kinds(session, data["params"], order.site_id)
    if position is None:
        count = select(func.count()).where(WorkOrderItem.work_order_id == order.id)
        position = (session.scalar(count) or 0) + 1
    item = WorkOrderItem(work_order_id=order.id, position=position, **data)
    session.add(item)
    record_change(
        session,
        SUBJECT,
        order.id,
        "item_added",
        summary=f"{item.action} on {item.subject_type} {item.subject_id}",
    )
    return item


def remove_item(session: Session, order: WorkOrder, item_id: uuid.UUID) -> None:
    """Unlink a pending item from an open order (an applied one is history and stays)."""
    item = session.get(WorkOrderItem, item_id)
    if item is None or item.work_order_id != order.id:
        raise NotFound("work order item", item_id)
    if item.status != "pending" or order.state not in OPEN_STATES:
        raise Conflict("only pending items of an open work order can be removed", code="item_not_removable")
    session.delete(item)
    order.version += 1
    record_change(
        session,
        SUBJECT,
        order.id,
        "item_removed",
        summary=f"{item.action} on {item.subject_type} {item.subject_id}",
    )


def _log_state(session: Session, order: WorkOrder, old: str | None, at: datetime) -> None:
    session.add(
        WorkOrderStateChange(
            work_order_id=order.id, from_state=old, to_state=order.state, hold_reason=order.hold_reason,
            actor_name=current_actor(session).name, at=at,
        )
    )  # fmt: skip


def _event(session: Session, event_type: str, order: WorkOrder, **extra: Any) -> None:
    payload = {"work_order_id": str(order.id), "state": order.state, "version": order.version, **extra}
    if order.external_system:
        payload["external_ref"] = {"system": order.external_system, "id": order.external_id}
    # Write (and lock) the order's row before the event takes its outbox id: two transactions changing one
    # order then get outbox ids in commit order, which is the order webhooks deliver them in.
    session.flush()
    emit_event(session, event_type, SUBJECT, order.id, payload)


def create_work_order(
    session: Session, principal: Principal | None, data: dict[str, Any], *, now: datetime | None = None
) -> WorkOrder:
    """Create an order (state new) with its items; due times come from the SLA policy."""
    now = now or utcnow()
    items = data.pop("items", None) or []
    _check_refs(session, principal, data["site_id"], data)
    if data.get("external_system") and get_by_ref(session, data["external_system"], data["external_id"]):
        raise Conflict("a work order with this external reference exists", code="external_ref_taken")
    values = {"priority": "P3", **{k: v for k, v in data.items() if v is not None}}
    order = WorkOrder(id=uuid.uuid4(), **values, state="new", created_at=now, version=1)
    if order.assignee_id is not None:
        order.state = "assigned"
    session.add(order)
    _log_state(session, order, None, now)
    record_change(session, SUBJECT, order.id, "created", summary=order.title)
    for position, item in enumerate(items, start=1):
        add_item(session, order, item, position=position)
    sla.apply_policy(session, order, now, marks=[Mark(now, order.state)])
    _event(session, "work_order.created", order, kind=order.kind, title=order.title)
    return order


def update_work_order(
    session: Session,
    principal: Principal | None,
    order: WorkOrder,
    values: dict[str, Any],
    *,
    now: datetime | None = None,
) -> WorkOrder:
    """Change fields of an order; a new type or priority re-reads the SLA policy."""
    _check_refs(session, principal, order.site_id, values)
    changes = diff_fields(order, values)
    if not changes:
        return order
    order.version += 1
    if "kind" in changes or "priority" in changes:
        sla.apply_policy(session, order, now or utcnow())
    record_change(session, SUBJECT, order.id, "changed", changes=changes)
    _event(session, "work_order.changed", order, changes=changes)
    return order


def resolve_actions(session: Session, order: WorkOrder, *, quarantine_days: int = 90) -> int:
    """Apply every pending item in this transaction, or none: the first invalid one raises 409."""
    pending = [item for item in list_items(session, order) if item.status == "pending"]
    for item in pending:
        reason = actions.check_item(session, order, item)
        if reason:
            raise _not_applicable(item, reason)
    before = moves.snapshot(session, pending)
    with cause_of(session, order), refresh_once(session):
        for item in pending:
            try:
                actions.apply_item(session, order, item, quarantine_days=quarantine_days)
            except (
                Conflict,
                Unprocessable,
                NotFound,
            ) as exc:  # the request rolls back: nothing stays applied
                raise _not_applicable(item, exc.detail) from exc
        try:
            moves.carry(session, order, pending, before, quarantine_days=quarantine_days)
        except (Conflict, Unprocessable, NotFound) as exc:
            raise Conflict(f"the move cannot carry what hangs on its assets: {exc.detail}",
                           code="action_not_applicable", reason=exc.detail) from exc  # fmt: skip
    return len(pending)


@contextmanager
def cause_of(session: Session, order: WorkOrder) -> Iterator[None]:
    """Every history entry written meanwhile names the order as its cause (the 911 recompute at the end too)."""
    session.info["cause"] = Cause("work_order", str(order.id))
    try:
        yield
    finally:
        session.info.pop("cause", None)


def _not_applicable(item: WorkOrderItem, reason: str) -> Conflict:
    return Conflict(
        f"item {item.position} ({item.action} on {item.subject_type} {item.subject_id}) cannot be applied: {reason}",
        code="action_not_applicable",
        item={"id": str(item.id), "position": item.position, "action": item.action,
              "subject_type": item.subject_type, "subject_id": str(item.subject_id)},
        reason=reason,
    )  # fmt: skip


#: The params that name a record, and the kind of record each must name.
PARAM_KINDS = {"location_id": "location", "person_id": "person", "jack_id": "jack"}


def _check_param_kinds(session: Session, params: dict[str, Any], site_id: uuid.UUID) -> None:
    """A param naming a record of another kind says so now ("location_id … is a jack, not a location"); whether
    the record is still valid is checked again when the order resolves."""
    for name, kind in PARAM_KINDS.items():
        if not params.get(name):
            continue
        found = kind_of(session, uuid.UUID(str(params[name])), site_id)
        if found is not None and found != kind:
            raise Unprocessable(f"{name} {params[name]} is {_a(found)}, not {_a(kind)}", code="wrong_kind",
                                field=f"params.{name}", expected=kind, found=found)  # fmt: skip


def _a(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word


def kind_of(session: Session, record_id: uuid.UUID, site_id: uuid.UUID) -> str | None:
    """What kind of record an id names on a site (asset, service, jack, person, location), for error messages."""
    for kind, model in (("asset", Asset), ("service", Service), ("jack", Jack), ("person", Person),
                        ("location", Location)):  # fmt: skip
        row = session.get(model, record_id)
        if (
            row is not None
            and getattr(row, "deleted_at", None) is None
            and (row.site_id or row.id) == site_id
        ):
            return kind
    return None


def transition(
    session: Session, order: WorkOrder, to: str, *, hold_reason: str | None = None, note: str | None = None,
    now: datetime | None = None,
) -> WorkOrder:  # fmt: skip
    """Move an order to another state; resolving applies all its items' actions at once."""
    now = now or utcnow()
    old = order.state
    check_transition(old, to)
    if to == "assigned" and order.assignee_id is None:
        raise Unprocessable("assign the order to a technician first (assignee_id)", code="assignee_required")
    if to == "on_hold" and hold_reason is None:
        raise Unprocessable("putting an order on hold needs a hold_reason", code="hold_reason_required")
    applied = resolve_actions(session, order) if to == "resolved" else 0
    order.state = to
    order.hold_reason = hold_reason if to == "on_hold" else None
    if to in ("in_progress", "resolved") and order.responded_at is None:
        order.responded_at = now
    order.resolved_at = now if to == "resolved" else (None if to == "in_progress" else order.resolved_at)
    if to == "closed":
        order.closed_at = now
    order.version += 1
    _log_state(session, order, old, now)
    sla.apply_policy(session, order, now)
    summary = note or (f"{old} → {to}" + (f" ({hold_reason})" if hold_reason else ""))
    record_change(session, SUBJECT, order.id, "state_changed", changes={"state": [old, to]}, summary=summary)
    _event(session, "work_order.state_changed", order, from_state=old, to_state=to, actions_applied=applied,
           at=plain(now))  # fmt: skip
    return order


def upsert_by_ref(
    session: Session, principal: Principal, system: str, external_id: str, data: dict[str, Any], *,
    if_match: str | None = None, now: datetime | None = None,
) -> tuple[WorkOrder, bool]:  # fmt: skip
    """Create the order with this external reference, or update the fields sent; True when created."""
    order = get_by_ref(session, system, external_id)
    if order is None:
        if if_match is not None:
            raise PreconditionFailed("no work order has this external reference yet")
        data = {**data, "external_system": system, "external_id": external_id}
        return create_work_order(session, principal, data, now=now), True
    if order.deleted_at is not None or not principal.can_see_site(order.site_id):
        raise NotFound("work order", f"{system}/{external_id}")
    check_if_match(if_match, order.version)
    if data.pop("site_id", order.site_id) != order.site_id:
        raise Conflict("a work order cannot move to another site", code="site_immutable")
    data.pop("items", None)
    return update_work_order(session, principal, order, data, now=now), False
