"""Hand-built data sets whose report answers are worked out by hand in the tests (two sites, two technicians)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest

from inventory_api.auth.models import User
from inventory_api.locations.models import Location
from inventory_api.sla.models import SlaEvent, SlaPolicy
from inventory_api.workorders.models import TimeEntry, WorkOrder, WorkOrderStateChange


def at(text: str) -> datetime:
    """'11-02 09:00' → 2026-11-02 09:00 UTC."""
    return datetime.fromisoformat(f"2026-{text}").replace(tzinfo=UTC)


@dataclass
class Sites:
    hq: uuid.UUID
    branch: uuid.UUID
    alice: uuid.UUID
    bob: uuid.UUID
    orders: dict[str, uuid.UUID] = field(default_factory=dict)


def make_sites(session) -> Sites:
    """Sites HQ and Branch, technicians alice and bob."""
    hq, branch = Location(kind="site", name="HQ"), Location(kind="site", name="Branch")
    alice, bob = User(username="alice", role="technician"), User(username="bob", role="technician")
    session.add_all([hq, branch, alice, bob])
    session.flush()
    hq.site_id, branch.site_id = hq.id, branch.id
    session.flush()
    return Sites(hq.id, branch.id, alice.id, bob.id)


def add_order(session, sites: Sites, name: str, *, log: list[tuple[str, str]], events=(), **values) -> None:
    """A work order, its state log [(time, state)…] and its SLA events [(clock, kind)…]."""
    created = at(log[0][0])
    order = WorkOrder(title=name, created_at=created, updated_at=created, **values)
    session.add(order)
    session.flush()
    previous = None
    for moment, state in log:
        session.add(
            WorkOrderStateChange(work_order_id=order.id, from_state=previous, to_state=state, at=at(moment))
        )
        previous = state
    for clock, kind in events:
        session.add(SlaEvent(work_order_id=order.id, clock=clock, kind=kind, occurred_at=created))
    sites.orders[name] = order.id


@pytest.fixture
def orders(session) -> Sites:
    """November 2026 (weeks of 11-02 and 11-09), SLA policy P2/P3: response 60 min, resolution 8 h.

    O1 repair P2 HQ desk alice: responded after 30 min, resolved after 240 min, closed; no SLA events.
    O2 repair P2 HQ desk alice: responded after 90, resolved 11-03 19:00, reopened 11-04 08:00, resolved again
       11-04 12:00 (1620 min); response and resolution breached (resolution at risk before).
    O3 install P3 HQ field bob: responded after 10 min, still in progress; resolution at risk.
    O4 install P3 Branch field bob: responded after 20, resolved after 120 min.
    O5 repair P2 HQ, no team, nobody, no SLA policy: new since 11-04.
    O6 repair P2 HQ desk alice, created 10-20: before the period.
    Time: alice 60 (O1, 11-02), 90 + 30 (O2, 11-03 and 11-04), 15 (O4, 11-10); bob 45 (O3, 11-11), 30 (O4, 11-10).
    """
    sites = make_sites(session)
    policy = SlaPolicy(name="std", kind="any", priority="P2", response_minutes=60, resolution_minutes=480)
    session.add(policy)
    session.flush()
    hq, branch, alice, bob = sites.hq, sites.branch, sites.alice, sites.bob
    common = {"sla_policy_id": policy.id}
    add_order(session, sites, "O1", kind="repair", priority="P2", site_id=hq, team="desk", assignee_id=alice,
              state="closed", responded_at=at("11-02 09:30"), resolved_at=at("11-02 13:00"),
              closed_at=at("11-05 09:00"), log=[("11-02 09:00", "new"), ("11-02 09:30", "in_progress"),
              ("11-02 13:00", "resolved"), ("11-05 09:00", "closed")], **common)  # fmt: skip
    add_order(session, sites, "O2", kind="repair", priority="P2", site_id=hq, team="desk", assignee_id=alice,
              state="resolved", responded_at=at("11-03 10:30"), resolved_at=at("11-04 12:00"),
              log=[("11-03 09:00", "new"), ("11-03 10:30", "in_progress"), ("11-03 19:00", "resolved"),
                   ("11-04 08:00", "in_progress"), ("11-04 12:00", "resolved")],
              events=[("response", "breached"), ("resolution", "at_risk"), ("resolution", "breached")],
              **common)  # fmt: skip
    add_order(session, sites, "O3", kind="install", priority="P3", site_id=hq, team="field", assignee_id=bob,
              state="in_progress", responded_at=at("11-10 08:10"),
              log=[("11-10 08:00", "new"), ("11-10 08:10", "in_progress")], events=[("resolution", "at_risk")],
              **common)  # fmt: skip
    add_order(session, sites, "O4", kind="install", priority="P3", site_id=branch, team="field", assignee_id=bob,
              state="resolved", responded_at=at("11-10 10:20"), resolved_at=at("11-10 12:00"),
              log=[("11-10 10:00", "new"), ("11-10 10:20", "in_progress"), ("11-10 12:00", "resolved")],
              **common)  # fmt: skip
    add_order(session, sites, "O5", kind="repair", priority="P2", site_id=hq, state="new",
              log=[("11-04 10:00", "new")])  # fmt: skip
    add_order(session, sites, "O6", kind="repair", priority="P2", site_id=hq, team="desk", assignee_id=alice,
              state="new", log=[("10-20 10:00", "new")], **common)  # fmt: skip
    o = sites.orders
    for order, tech, day, minutes in [
        ("O1", alice, "11-02", 60), ("O2", alice, "11-03", 90), ("O2", alice, "11-04", 30),
        ("O4", alice, "11-10", 15), ("O3", bob, "11-11", 45), ("O4", bob, "11-10", 30),
    ]:  # fmt: skip
        session.add(TimeEntry(work_order_id=o[order], technician_id=tech, work_date=date.fromisoformat(f"2026-{day}"),
                              minutes=minutes))  # fmt: skip
    session.commit()
    return sites


NOVEMBER = {"start": "2026-11-01", "end": "2026-11-30"}
