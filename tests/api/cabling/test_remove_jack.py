"""A jack taken off the wall: what was plugged in there by hand is no longer cabled through it."""

from tests.api.stories.desk import API, build_desk, ok


def test_a_removed_jack_leaves_no_device_cabled_through_it(client, admin, db):
    desk = build_desk(client, admin, db)
    world = desk.world
    desktop = f"{API}/assets/{world.desktop.id}/connection"
    assert ok(client.get(desktop, headers=admin))["jack_id"] == desk.jacks["3-114-C"]["id"]
    assert client.delete(f"{API}/jacks/{desk.jacks['3-114-C']['id']}", headers=admin).status_code == 204
    connection = ok(client.get(desktop, headers=admin))
    assert (connection["jack_id"], connection["switch_port_id"]) == (None, None)
    assert client.get(f"{API}/jacks/{desk.jacks['3-114-C']['id']}", headers=admin).status_code == 404
    # The phone at the other jack keeps its cabling.
    phone = ok(client.get(f"{API}/assets/{world.phone.id}/connection", headers=admin))
    assert (
        phone["jack_id"] == desk.jacks["3-114-B"]["id"]
        and phone["switch_port_id"] == desk.ports["3-114-B"]["id"]
    )
