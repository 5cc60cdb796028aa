"""The hand-built organisation whose answers are known, and a real SMTP server for scheduled reports."""

import pytest

from tests.api.cabling.world import place
from tests.api.notify.test_requester_mail import sink  # noqa: F401 (a fixture)
from tests.api.stories.desk import API, build_desk, ok


@pytest.fixture
def organisation(client, admin, db):
    """HQ (building Main: rooms 3-114 and 5-210) with two open moves, a cancelled move and an open repair, and
    site North (building N1, room N-1) with one open move."""
    desk = build_desk(client, admin, db)
    with db.transaction() as session:
        from inventory_api.locations.models import Location

        north = Location(kind="site", name="North")
        session.add(north)
        session.flush()
        north.site_id = north.id
        room = place(
            session, "room", "N-1", place(session, "floor", "1", place(session, "building", "N1", north))
        )
        north_id, north_room = north.id, room.id
    world = desk.world

    def order(kind, title, site, room, to=None):
        made = ok(client.post(f"{API}/work-orders", headers=admin, json={
            "kind": kind, "title": title, "site_id": str(site), "location_id": str(room)}), 201)  # fmt: skip
        if to:
            ok(client.post(f"{API}/work-orders/{made['id']}/transitions", json={"to": to}, headers=admin))

    order("move", "Pat to 5-210", world.site.id, world.room.id)
    order("move", "Sam to 3-114", world.site.id, world.other_room.id, to="in_progress")
    order("move", "Lee, called off", world.site.id, world.room.id, to="cancelled")
    order("repair", "No dial tone", world.site.id, world.room.id)
    order("move", "Ana to N-1", north_id, north_room)
    return desk
