from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from inventory_api.events.models import OutboxEvent
from inventory_api.sla.breaches import check_sla
from inventory_api.sla.models import BusinessCalendar, SlaEvent, SlaPolicy
from inventory_api.workorders import service as orders
from tests.api.workorders.conftest import make_world

T0 = datetime(2026, 3, 6, 20, 0, tzinfo=UTC)  # Friday 15:00 in New York
M = timedelta(minutes=1)


def setup(session, *, calendar=False):
    world = make_world(session)
    cal = None
    if calendar:
        cal = BusinessCalendar(name="NY office", time_zone="America/New_York",
                               hours={str(d): [["08:00", "17:00"]] for d in range(5)}, holidays=[])  # fmt: skip
        session.add(cal)
        session.flush()
    session.add(SlaPolicy(name="P1 any", kind="any", priority="P1", response_minutes=60, resolution_minutes=240,
                          calendar_id=cal.id if cal else None))  # fmt: skip
    session.add(SlaPolicy(name="P1 repair", kind="repair", priority="P1", response_minutes=30,
                          resolution_minutes=120, calendar_id=cal.id if cal else None))  # fmt: skip
    session.flush()
    return world


def new_order(session, world, kind="move", priority="P1"):
    return orders.create_work_order(
        session, None, {"kind": kind, "title": "t", "site_id": world.site, "priority": priority}, now=T0
    )


def test_the_most_specific_policy_applies(session):
    world = setup(session)
    assert new_order(session, world, "repair").response_due_at == T0 + 30 * M
    move = new_order(session, world, "move")
    assert (move.response_due_at, move.resolution_due_at) == (T0 + 60 * M, T0 + 240 * M)
    assert new_order(session, world, "move", "P4").sla_policy_id is None
    unset = orders.create_work_order(
        session, None, {"kind": "move", "title": "t", "site_id": world.site}, now=T0
    )
    assert unset.priority == "P3" and unset.sla_policy_id is None  # P3 has no policy here
    session.add(SlaPolicy(name="P3", kind="any", priority="P3", response_minutes=5, resolution_minutes=50))
    session.flush()
    default = orders.create_work_order(
        session, None, {"kind": "move", "title": "t", "site_id": world.site}, now=T0
    )
    assert default.response_due_at == T0 + 5 * M


def test_due_times_follow_the_calendar_and_holds(session):
    world = setup(session, calendar=True)
    order = new_order(session, world)
    # Friday 15:00 + 4 business hours: 2 h Friday, then Monday 08:00–10:00 EDT (14:00 UTC, after DST).
    assert order.resolution_due_at == datetime(2026, 3, 9, 14, tzinfo=UTC)
    orders.transition(session, order, "in_progress", now=T0 + 60 * M)
    orders.transition(session, order, "on_hold", hold_reason="waiting_parts", now=T0 + 90 * M)
    assert order.resolution_due_at is None  # paused
    orders.transition(
        session, order, "in_progress", now=datetime(2026, 3, 9, 13, tzinfo=UTC)
    )  # Mon 09:00 EDT
    # 1.5 h spent Friday, 2.5 h left from Monday 09:00 → 11:30 EDT.
    assert order.resolution_due_at == datetime(2026, 3, 9, 15, 30, tzinfo=UTC)


def test_check_sla_records_each_breach_once_at_the_due_time(session):
    world = setup(session)
    order = new_order(session, world)
    session.commit()
    assert check_sla(session, T0 + 30 * M) == 0
    assert check_sla(session, T0 + 50 * M) == 1  # response at risk at 45 min
    assert check_sla(session, T0 + 70 * M) == 1  # response breached at 60 min
    assert check_sla(session, T0 + 75 * M) == 0  # idempotent
    orders.transition(session, order, "in_progress", now=T0 + 80 * M)
    assert check_sla(session, T0 + 300 * M) == 2  # resolution at risk and breached
    session.commit()
    events = session.scalars(select(SlaEvent).order_by(SlaEvent.id)).all()
    assert [(e.clock, e.kind, e.occurred_at) for e in events] == [
        ("response", "at_risk", T0 + 45 * M),
        ("response", "breached", T0 + 60 * M),
        ("resolution", "at_risk", T0 + 180 * M),
        ("resolution", "breached", T0 + 240 * M),
    ]
    outbox = session.scalars(select(OutboxEvent).where(OutboxEvent.event_type.like("sla.%"))).all()
    assert len(outbox) == 4
    assert {e.payload["occurred_at"] for e in outbox if e.event_type == "sla.breached"} == {
        "2026-03-06T21:00:00Z", "2026-03-07T00:00:00Z",
    }  # fmt: skip
    assert check_sla(session, T0 + 400 * M) == 0


def test_a_late_resolution_is_still_recorded_as_a_breach(session):
    world = setup(session)
    order = new_order(session, world)
    orders.transition(session, order, "in_progress", now=T0 + 10 * M)
    orders.transition(session, order, "resolved", now=T0 + 300 * M)
    assert check_sla(session, T0 + 301 * M) == 2
    kinds = {(e.clock, e.kind) for e in session.scalars(select(SlaEvent))}
    assert kinds == {("resolution", "breached"), ("resolution", "at_risk")}
