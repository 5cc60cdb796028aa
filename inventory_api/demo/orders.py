"""A year of work orders: installs, moves, adds, changes, repairs (more of them on a few bad models), each with its
state log, assignee and team, items, notes, time entries, history and the SLA events the real clocks call for."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy.orm import Session

from inventory_api.demo.context import Demo, Machine, Person, history
from inventory_api.demo.vocab import BAD_MODELS, MODELS, NOTES, TITLES
from inventory_api.history.models import ChangeEvent
from inventory_api.sla.breaches import events_of
from inventory_api.sla.clock import Calendar, Mark
from inventory_api.sla.models import BusinessCalendar, SlaEvent, SlaPolicy
from inventory_api.sla.service import DEFAULT_AT_RISK_PERCENT, clocks_of, to_calendar
from inventory_api.workorders.models import (
    TimeEntry,
    WorkOrder,
    WorkOrderItem,
    WorkOrderNote,
    WorkOrderStateChange,
)

KINDS = (("repair", 36), ("install", 12), ("move", 14), ("add", 10), ("change", 12), ("remove", 5), ("upgrade", 6),
         ("other", 5))  # fmt: skip
PRIORITIES = (("P1", 3), ("P2", 17), ("P3", 55), ("P4", 25))
#: priority → (response, resolution) minutes; P1 runs 24×7, the others on office hours.
TARGETS = {"P1": (30, 240), "P2": (60, 480), "P3": (240, 1620), "P4": (480, 4860)}
HOLDS = (("waiting_user", 40), ("waiting_parts", 30), ("waiting_vendor", 20), ("other", 10))
#: Wall-clock hours per business hour, roughly (10 open hours a weekday).
WALL_PER_BUSINESS = {"P1": 1.0, "P2": 3.0, "P3": 3.0, "P4": 3.0}
LATE, CANCELLED, REOPENED, HELD, STUCK = 0.15, 0.03, 0.03, 0.15, 0.01
PHONE_MODELS = {name for _, name, _, _ in MODELS["ip_phone"]}
Policies = dict[str, tuple[SlaPolicy, Calendar | None]]


def make_policies(demo: Demo, session: Session) -> Policies:
    """One SLA policy per priority for any work type; office hours Monday to Friday in the first site's zone."""
    zone = "Europe/Paris"
    calendar = BusinessCalendar(id=demo.uuid(), name="Office hours", time_zone=zone,
                                hours={str(d): [["08:00", "18:00"]] for d in range(5)}, holidays=[])  # fmt: skip
    session.add(calendar)
    session.flush()
    policies: Policies = {}
    for priority, (response, resolution) in TARGETS.items():
        cal = None if priority == "P1" else calendar
        policy = SlaPolicy(id=demo.uuid(), name=f"{priority} standard", kind="any", priority=priority,
                           response_minutes=response, resolution_minutes=resolution, calendar_id=cal and cal.id)  # fmt: skip
        session.add(policy)
        policies[priority] = (policy, to_calendar(cal))
    session.flush()
    return policies


class Subjects:
    """Where orders find their assets: everyone's machines, the bad models' units and a few lemons among them."""

    def __init__(self, demo: Demo) -> None:
        live = [m for m in demo.machines if m.status == "deployed" and m.person is not None]
        self.repairable = [m for m in live if m.kind in ("desktop", "laptop", "ip_phone", "monitor")]
        self.bad = [m for m in live if m.model in BAD_MODELS]
        self.lemons = demo.rng.sample(self.bad, min(len(self.bad), max(3, len(self.bad) // 50)))

    def repair(self, demo: Demo) -> Machine:
        draw = demo.rng.random()
        pool = self.lemons if draw < 0.05 else self.bad if draw < 0.3 else self.repairable
        return demo.rng.choice(pool or self.repairable)


def make_orders(demo: Demo, policies: Policies) -> int:
    """Work orders created over the year up to now; returns how many SLA events the clocks recorded."""
    subjects = Subjects(demo)
    names = {user: name for name, user in demo.technicians.items()}
    events = 0
    for n in range(demo.scale.orders):
        events += _order(demo, policies, subjects, names, n)
    return events


def _created(demo: Demo) -> datetime:
    """A moment of the past year, mostly on a weekday during office hours."""
    while True:
        day = demo.now - timedelta(days=demo.rng.uniform(0, 365))
        if day.weekday() < 5 or demo.rng.random() < 0.05:
            moment = day.replace(hour=demo.rng.randint(6, 16), minute=demo.rng.randint(0, 59))
            if moment < demo.now:
                return moment


def _timeline(demo: Demo, priority: str, created: datetime) -> list[tuple[datetime, str, str | None]]:
    """The order's state log as it would unfold (some of it may lie after now: cut by the caller)."""
    rng = demo.rng
    response, resolution = TARGETS[priority]
    wall = WALL_PER_BUSINESS[priority]
    log: list[tuple[datetime, str, str | None]] = [(created, "new", None)]
    t = created + timedelta(minutes=rng.uniform(2, 30))
    if rng.random() < 0.9:
        log.append((t, "assigned", None))
    late = rng.random() < LATE
    t = max(
        t, created + timedelta(minutes=response * (rng.uniform(1.2, 4) if late else rng.uniform(0.1, 0.9)))
    )
    t += timedelta(seconds=1)
    if rng.random() < CANCELLED:
        return [*log, (t + timedelta(hours=rng.uniform(1, 72)), "cancelled", None)]
    log.append((t, "in_progress", None))
    if rng.random() < HELD:
        reason = demo.pick(HOLDS)
        t += timedelta(hours=rng.uniform(0.5, 4))
        log.append((t, "on_hold", reason))
        days = rng.uniform(30, 150) if rng.random() < STUCK / HELD else rng.uniform(0.2, 10)
        t += timedelta(days=days)
        log.append((t, "in_progress", None))
    late = rng.random() < LATE
    work = resolution * wall * (rng.uniform(1.1, 3) if late else rng.uniform(0.05, 0.8))
    t += timedelta(minutes=work)
    log.append((t, "resolved", None))
    if rng.random() < REOPENED:
        t += timedelta(days=rng.uniform(0.5, 3))
        log.append((t, "in_progress", None))
        t += timedelta(hours=rng.uniform(1, 30))
        log.append((t, "resolved", None))
    log.append((t + timedelta(days=3), "closed", None))
    return log


def _subject(
    demo: Demo, kind: str, subjects: Subjects
) -> tuple[Person, list[tuple[str, uuid.UUID, dict[str, Any]]], str]:
    """The requester, the items (action, asset, params) and the words for the title."""
    if kind == "repair":
        machine = subjects.repair(demo)
        assert machine.person is not None
        action = "replace_component" if demo.rng.random() < 0.3 else "inspect"
        params = (
            {"component": demo.rng.choice(("power supply", "disk", "memory", "handset cord"))}
            if action == "replace_component"
            else {}
        )
        return machine.person, [(action, machine.id, params)], machine.model or machine.kind
    person = demo.rng.choice(demo.people)
    computer = person.assets["computer"][0]
    if kind == "move":
        room = demo.rng.choice(person.site.rooms[2:])
        params = {"location_id": str(room.id)}
        assets = [a for k in ("computer", "monitor", "ip_phone") for a in person.assets.get(k, [])]
        return person, [("move_asset", a, params) for a in assets], room.name
    if kind == "upgrade":
        return person, [("replace_component", computer, {"component": "memory"})], "computer"
    if kind == "install":
        return person, [("assign_asset", computer, {"person_id": str(person.id)})], person.room.name
    if kind == "other":
        return person, [], person.room.name
    return person, [("note", computer, {})], person.room.name


def _team(kind: str, word: str) -> str:
    """Phones and extensions go to network & voice, desk-side work to field services, the rest to the desk."""
    if kind == "change" or (kind == "repair" and word in PHONE_MODELS):
        return "network & voice"
    return "field services" if kind in ("install", "move", "add", "remove") else "service desk"


def _order(demo: Demo, policies: Policies, subjects: Subjects, names: dict[uuid.UUID, str], n: int) -> int:
    rng, now = demo.rng, demo.now
    kind, priority = demo.pick(KINDS), demo.pick(PRIORITIES)
    created = _created(demo)
    person, items, word = _subject(demo, kind, subjects)
    team = _team(kind, word)
    technician = rng.choice(person.site.technicians[team])
    tech = names[technician]
    log = [entry for entry in _timeline(demo, priority, created) if entry[0] <= now]
    state = log[-1][1]
    at = {s: [t for t, to, _ in log if to == s] for s in ("in_progress", "resolved", "closed")}
    responded = min([*at["in_progress"], *at["resolved"]], default=None)
    resolved = at["resolved"][-1] if state in ("resolved", "closed") else None
    closed = at["closed"][-1] if state == "closed" else None
    policy, calendar = policies[priority]
    order = SimpleNamespace(state=state, responded_at=responded, resolved_at=resolved, closed_at=closed)
    marks = [Mark(t, s) for t, s, _ in log]
    clocks = clocks_of(order, policy, calendar, marks, now, DEFAULT_AT_RISK_PERCENT)  # type: ignore[arg-type]
    order_id = demo.uuid()
    title = rng.choice(TITLES[kind]).format(person=person.name, room=word, model=word)
    ticket = rng.random() < 0.4
    demo.add(WorkOrder, {
        "id": order_id, "kind": kind, "title": title, "description": None, "site_id": person.site.id,
        "location_id": person.room.id, "requester_id": person.id, "priority": priority, "assignee_id": None if state == "new" else technician,
        "team": team, "state": state, "hold_reason": log[-1][2], "external_system": "servicenow" if ticket else None,
        "external_id": f"INC{n + 1:07}" if ticket else None, "sla_policy_id": policy.id,
        "response_due_at": clocks["response"].due_at, "resolution_due_at": clocks["resolution"].due_at,
        "responded_at": responded, "resolved_at": resolved, "closed_at": closed, "campaign_id": None,
        "change_seq": demo.next_seq(), "created_at": created, "updated_at": log[-1][0], "version": len(log),
        "deleted_at": None, "deleted_by": None,
    })  # fmt: skip
    actor = ("user", str(technician), tech)
    opener = ("token", None, "servicenow") if ticket else actor
    demo.add(ChangeEvent, history(order_id, "work_order", "created", title, created, actor=opener))
    previous = None
    for moment, to, reason in log:
        demo.add(WorkOrderStateChange, {"work_order_id": order_id, "from_state": previous, "to_state": to,
                                        "hold_reason": reason, "actor_name": tech, "at": moment})  # fmt: skip
        if previous is not None:
            summary = f"{previous} → {to}" + (f" ({reason})" if reason else "")
            demo.add(ChangeEvent, history(order_id, "work_order", "state_changed", summary, moment,
                             changes={"state": [previous, to]}, actor=actor))  # fmt: skip
        previous = to
    for position, (action, asset, params) in enumerate(items, start=1):
        demo.add(WorkOrderItem, {"id": demo.uuid(), "work_order_id": order_id, "position": position, "action": action,
                                 "subject_type": "asset", "subject_id": asset, "params": params,
                                 "status": "applied" if resolved else "pending", "applied_at": resolved,
                                 "created_at": created})  # fmt: skip
    if responded is not None:
        _worklog(demo, order_id, kind, technician, tech, responded, resolved or now, actor)
    found = events_of(order_id, clocks, now)
    for f in found:
        demo.add(SlaEvent, {"work_order_id": order_id, "clock": f.clock, "kind": f.kind, "occurred_at": f.occurred_at,
                            "detected_at": min(now, f.occurred_at + timedelta(minutes=5))})  # fmt: skip
    return len(found)


def _worklog(demo: Demo, order: uuid.UUID, kind: str, technician: uuid.UUID, tech: str, start: datetime,
             end: datetime, actor: tuple[str, str, str]) -> None:  # fmt: skip
    """A note (on half of the orders) and one to three time entries between the response and the resolution."""
    rng = demo.rng
    span = max((end - start).total_seconds(), 60)
    if rng.random() < 0.5:
        body = rng.choice(NOTES.get(kind, NOTES["other"]))
        at = start + timedelta(seconds=rng.uniform(0, span))
        demo.add(WorkOrderNote, {"id": demo.uuid(), "work_order_id": order, "body": body,
                                 "author_id": str(technician), "author_name": tech, "created_at": at})  # fmt: skip
        demo.add(ChangeEvent, history(order, "work_order", "note_added", body, at, actor=actor))
    for _ in range(rng.choice((1, 1, 2, 3))):
        at = start + timedelta(seconds=rng.uniform(0, span))
        minutes = rng.choice((10, 15, 20, 30, 45, 60, 90, 120, 240))
        demo.add(TimeEntry, {"id": demo.uuid(), "work_order_id": order, "technician_id": technician,
                             "work_date": at.date(), "minutes": minutes, "note": None, "created_at": at})  # fmt: skip
        demo.add(ChangeEvent, history(order, "work_order", "time_booked", f"{minutes} min by {tech} on {at.date()}", at,
                         actor=actor))  # fmt: skip
