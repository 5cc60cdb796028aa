"""Hand-built data sets whose report answers are worked out by hand in the tests (two sites, two technicians)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest

from inventory_api.assets.models import Asset
from inventory_api.auth.models import User
from inventory_api.catalog.models import Manufacturer, Model
from inventory_api.ingest.models import InventoryState
from inventory_api.inventory.models import SecurityPosture, SystemFacts
from inventory_api.locations.models import Location
from inventory_api.sla.models import SlaEvent, SlaPolicy
from inventory_api.software.models import Installation, SoftwareTitle, SoftwareVersion
from inventory_api.workorders.models import (
    OsSupportDate,
    TimeEntry,
    WorkOrder,
    WorkOrderItem,
    WorkOrderStateChange,
)


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


GIB = 1024**3


@pytest.fixture
def fleet(session) -> Sites:
    """Machines, their facts and posture, and repair orders in November 2026 (answers worked out in the tests).

    OptiPlex 3000 reached its end of life on 2026-06-30; warranties: a1 until 2022-01-10, a2 until 2027-05-01.
    a1 HQ OptiPlex desktop: 4 GiB, Windows 10 Pro (out of support 2025-10-14), bought 2019, C: 95 % full,
       encryption off, seen yesterday; Acme VPN and Firefox; repairs 11-02, 11-09, 11-20.
    a2 HQ OptiPlex desktop: 16 GiB, Windows 11, bought 2024, firewall off, antivirus disabled, seen 40 days ago;
       Firefox; repair 11-05 (and one 10-01, an install 11-10).
    a3 Branch Latitude laptop: 8 GiB, Ubuntu, no purchase date, BIOS 2017, / 85 % full, no antivirus; Acme VPN;
       repairs 11-06 and 11-07.
    a4 HQ OptiPlex desktop, bought 2020, never reported.   a5 Branch ThinkPad, in stock, reported, never seen.
    A repair at room 1 with no linked asset on 11-12.
    """
    sites = make_sites(session)
    now = datetime.now(UTC)
    room1 = Location(kind="room", name="Room 1", parent_id=sites.hq, site_id=sites.hq)
    room2 = Location(kind="room", name="Room 2", parent_id=sites.hq, site_id=sites.hq)
    dell, lenovo = Manufacturer(name="Dell", key="dell"), Manufacturer(name="Lenovo", key="lenovo")
    session.add_all([room1, room2, dell, lenovo])
    session.flush()
    optiplex = Model(manufacturer_id=dell.id, name="OptiPlex 3000", end_of_life=date(2026, 6, 30))
    latitude = Model(manufacturer_id=dell.id, name="Latitude 5400")
    thinkpad = Model(manufacturer_id=lenovo.id, name="ThinkPad T14")
    session.add_all([optiplex, latitude, thinkpad])
    session.add(OsSupportDate(os_name="Windows 10 Pro", os_version="", end_of_support=date(2025, 10, 14)))
    session.flush()
    specs = {
        "a1": (sites.hq, optiplex, "desktop", "deployed", date(2019, 1, 10), room1, now - timedelta(days=1)),
        "a2": (sites.hq, optiplex, "desktop", "deployed", date(2024, 5, 1), room2, now - timedelta(days=40)),
        "a3": (sites.branch, latitude, "laptop", "deployed", None, None, now - timedelta(days=2)),
        "a4": (sites.hq, optiplex, "desktop", "deployed", date(2020, 6, 1), None, None),
        "a5": (sites.branch, thinkpad, "laptop", "in_stock", None, None, None),
    }
    assets = {}
    for name, (site, model, kind, status, bought, room, seen) in specs.items():
        asset = Asset(name=name, site_id=site, model_id=model.id, kind=kind, status=status, purchase_date=bought,
                      location_id=room and room.id, last_seen=seen)  # fmt: skip
        session.add(asset)
        session.flush()
        assets[name] = asset.id
    warranties = {"a1": date(2022, 1, 10), "a2": date(2027, 5, 1)}
    for name, end in warranties.items():
        session.get(Asset, assets[name]).warranty_end = end
    facts = {
        "a1": (4, "Windows 10 Pro", "22H2", "2019-01-01", [("C:", 100, 5)]),
        "a2": (16, "Windows 11 Pro", "23H2", "2024-04-01", [("C:", 100, 50)]),
        "a3": (8, "Ubuntu", "24.04", "2017-03-01", [("/", 200, 30)]),
    }
    for name, (gib, os_name, version, bios, volumes) in facts.items():
        session.add(SystemFacts(asset_id=assets[name], memory_total_bytes=gib * GIB, os_name=os_name,
                                os_version=version, bios_date=bios))  # fmt: skip
        session.add(InventoryState(asset_id=assets[name], volumes=[
            {"mount_point": m, "size_bytes": s, "free_bytes": f} for m, s, f in volumes]))  # fmt: skip
    session.add(InventoryState(asset_id=assets["a5"], volumes=[]))
    session.add_all([
        SecurityPosture(asset_id=assets["a1"], firewall_enabled=True,
                        disk_encryption=[{"volume": "C:", "encrypted": False, "method": None, "status": None}],
                        antivirus=[{"name": "Defender", "enabled": True, "up_to_date": True}]),
        SecurityPosture(asset_id=assets["a2"], firewall_enabled=False,
                        disk_encryption=[{"volume": "C:", "encrypted": True, "method": "bitlocker", "status": None}],
                        antivirus=[{"name": "Defender", "enabled": False, "up_to_date": True}]),
        SecurityPosture(asset_id=assets["a3"], firewall_enabled=None, disk_encryption=[], antivirus=[]),
    ])  # fmt: skip
    vpn, firefox = (
        SoftwareTitle(key="acme vpn", name="Acme VPN"),
        SoftwareTitle(key="firefox", name="Firefox"),
    )
    session.add_all([vpn, firefox])
    session.flush()
    for title in (vpn, firefox):
        version = SoftwareVersion(key=f"{title.key}|1.0", title_id=title.id, version="1.0")
        session.add(version)
        session.flush()
        for name in {"Acme VPN": ("a1", "a3"), "Firefox": ("a1", "a2")}[title.name]:
            session.add(Installation(asset_id=assets[name], title_id=title.id, version_id=version.id))
    repairs = [("a1", "11-02"), ("a1", "11-09"), ("a1", "11-20"), ("a2", "11-05"), ("a3", "11-06"),
               ("a3", "11-07"), ("a2", "10-01")]  # fmt: skip
    site_of = {"a1": sites.hq, "a2": sites.hq, "a3": sites.branch}
    for number, (name, day) in enumerate([*repairs, ("a2", "11-10")]):
        kind = "install" if number == len(repairs) else "repair"
        add_order(session, sites, f"R{number}", kind=kind, site_id=site_of[name], state="new",
                  log=[(f"{day} 10:00", "new")])  # fmt: skip
        session.add(WorkOrderItem(work_order_id=sites.orders[f"R{number}"], position=1, action="note",
                                  subject_type="asset", subject_id=assets[name]))  # fmt: skip
    add_order(session, sites, "R-room", kind="repair", site_id=sites.hq, location_id=room1.id, state="new",
              log=[("11-12 10:00", "new")])  # fmt: skip
    session.commit()
    sites.orders.update({f"asset:{k}": v for k, v in assets.items()})
    sites.orders.update({"room1": room1.id, "optiplex": optiplex.id, "latitude": latitude.id, "vpn": vpn.id,
                         "firefox": firefox.id})  # fmt: skip
    return sites
