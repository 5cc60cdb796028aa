"""Places and cabling in the browser: sites, a location's edit form, patch panels, jacks and switch ports."""

import hashlib
import re
import uuid

from sqlalchemy import func, select

from inventory_api.cabling.models import Jack, PatchPanel, SwitchPort
from inventory_api.history.models import ChangeEvent
from inventory_api.locations.models import Location
from tests.api.ingest.reports import make_site
from tests.api.stories.desk import API, build_desk, ok
from tests.api.test_web_orders import csrf, sign_in


def text(html: str) -> str:
    """A page's words without its tags."""
    return re.sub(r"<[^>]+>", "", html)


def form_token(client) -> str:
    """The session's form token, as the pages embed it (a page without a form has none to read)."""
    session = next(c.value for c in client.cookies.jar if c.name == "inventory_session")
    return hashlib.sha256(b"csrf:" + session.encode()).hexdigest()[:40]


def count(db, model) -> int:
    with db.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_an_admin_adds_a_site_and_a_technician_may_not(client, admin, db, make_user):
    make_user("technician", username="tess")
    make_user("admin", username="ada")
    sign_in(client, "tess")
    page = client.get("/locations").text
    assert 'id="add-site"' not in page
    sites = count(db, Location)
    refused = client.post(
        "/locations", data={"csrf": form_token(client), "name": "Depot", "time_zone": "Europe/Paris"}
    )
    assert refused.status_code == 403 and count(db, Location) == sites

    sign_in(client, "ada")
    page = client.get("/locations").text
    token = csrf(page)
    bad = client.post("/locations", data={"csrf": token, "name": "Depot", "time_zone": "Mars/Olympus"})
    assert bad.status_code == 422 and "time_zone" in bad.text and count(db, Location) == sites
    no_name = client.post("/locations", data={"csrf": token, "time_zone": "Europe/Paris"})
    assert no_name.status_code == 422 and "name" in no_name.text
    made = client.post("/locations", data={"csrf": token, "name": "Depot", "code": "DEP", "time_zone": "Europe/Paris",
                                           "country": "FR"}, follow_redirects=False)  # fmt: skip
    assert made.status_code == 303
    assert "site Depot (DEP)" in client.get(made.headers["location"]).text
    assert "Depot" in client.get("/locations").text
    with db.sessions() as s:
        depot = s.scalars(select(Location).where(Location.name == "Depot")).one()
        assert (depot.kind, depot.time_zone, depot.country, depot.site_id) == (
            "site",
            "Europe/Paris",
            "FR",
            depot.id,
        )


def test_a_room_is_renamed_and_a_site_changed_only_by_an_admin(client, admin, db, make_user):
    world = build_desk(client, admin, db).world
    make_user("technician", username="tess", site_ids=[world.site.id])
    sign_in(client, "tess")
    room_url = f"/locations/{world.room.id}"
    page = client.get(room_url).text
    assert 'id="edit-location"' in page
    token = csrf(page)
    assert client.post(f"{room_url}/edit", data={"csrf": token, "name": ""}).status_code == 422
    bad_country = client.post(f"{room_url}/edit", data={"csrf": token, "name": "3-114", "country": "France"})
    assert bad_country.status_code == 422 and "country" in bad_country.text
    saved = client.post(f"{room_url}/edit", data={"csrf": token, "name": "3-114 (Accounts)", "notes": "by the lift"},
                        follow_redirects=False)  # fmt: skip
    assert saved.status_code == 303, saved.text
    room = ok(client.get(f"{API}/locations/{world.room.id}", headers=admin))
    assert (room["name"], room["notes"], room["code"]) == ("3-114 (Accounts)", "by the lift", None)
    with db.sessions() as s:
        changed_by = s.scalars(select(ChangeEvent.actor_name).where(
            ChangeEvent.subject_id == world.room.id, ChangeEvent.action == "updated"))  # fmt: skip
        assert list(changed_by) == ["tess"]

    site_url = f"/locations/{world.site.id}"
    assert 'id="edit-location"' not in client.get(site_url).text
    site_edit = client.post(f"{site_url}/edit", data={"csrf": token, "name": "Owned", "time_zone": "UTC"})
    assert site_edit.status_code == 403
    assert ok(client.get(f"{API}/locations/{world.site.id}", headers=admin))["name"] != "Owned"


def test_a_patch_panel_added_to_a_closet_lists_its_ports_with_their_jacks_and_switch_ports(
    client, admin, db, make_user
):
    desk = build_desk(client, admin, db)
    world = desk.world
    make_user("technician", username="tess", site_ids=[world.site.id])
    sign_in(client, "tess")
    closet_url = f"/locations/{world.closet.id}"
    page = client.get(closet_url).text
    assert 'id="add-panel"' in page and "P3" in page
    token = csrf(page)
    assert (
        client.post(
            f"{closet_url}/panels", data={"csrf": token, "name": "P3", "port_count": "24"}
        ).status_code
        == 409
    )
    assert (
        client.post(f"{closet_url}/panels", data={"csrf": token, "name": "P4", "port_count": "0"}).status_code
        == 422
    )
    made = client.post(f"{closet_url}/panels", data={"csrf": token, "name": "P4", "port_count": "12"},
                       follow_redirects=False)  # fmt: skip
    assert made.status_code == 303
    new_panel = client.get(made.headers["location"]).text
    assert new_panel.count("<tr>") == 1 + 12 and "Patch panel P4" in new_panel

    p3 = client.get(f"/patch-panels/{desk.panel_ports['3-114-B']['panel_id']}").text
    row = re.search(r"<tr>\s*<td>14</td>(.*?)</tr>", p3, re.S).group(1)
    assert f'href="/jacks/{desk.jacks["3-114-B"]["id"]}">3-114-B<' in row
    assert f'href="/assets/{world.switch.id}">sw-3-1</a> Gi1/0/14' in row


def test_a_jack_page_shows_its_path_and_is_relabelled_and_unpatched(client, admin, db, make_user):
    desk = build_desk(client, admin, db)
    world = desk.world
    jack_id = desk.jacks["3-114-C"]["id"]
    make_user("technician", username="tess", site_ids=[world.site.id])
    sign_in(client, "tess")
    room = client.get(f"/locations/{world.room.id}").text
    assert f'<a href="/jacks/{jack_id}">jack 3-114-C</a>' in room  # the room's jacks lead to their pages
    page = client.get(f"/jacks/{jack_id}").text
    assert "jack 3-114-C → panel P3 port 15 → switch sw-3-1 Gi1/0/15" in text(page)
    assert f'href="/patch-panels/{desk.panel_ports["3-114-C"]["panel_id"]}"' in page
    token = csrf(page)

    taken = client.post(f"/jacks/{jack_id}/edit", data={"csrf": token, "label": "3-114-B"})
    assert taken.status_code == 409
    assert ok(client.get(f"{API}/jacks/{jack_id}", headers=admin))["label"] == "3-114-C"
    relabelled = client.post(f"/jacks/{jack_id}/edit", data={"csrf": token, "label": "3-114-C2", "jack_type": "combo"},
                             follow_redirects=False)  # fmt: skip
    assert relabelled.status_code == 303
    jack = ok(client.get(f"{API}/jacks/{jack_id}", headers=admin))
    assert (jack["label"], jack["jack_type"]) == ("3-114-C2", "combo")

    assert (
        client.post(f"/jacks/{jack_id}/unpatch", data={"csrf": token}, follow_redirects=False).status_code
        == 303
    )
    assert ok(client.get(f"{API}/jacks/{jack_id}", headers=admin))["panel_port_id"] is None
    path = re.search(r'<ul id="paths">(.*?)</ul>', client.get(f"/jacks/{jack_id}").text, re.S).group(1)
    assert "panel P3" not in path and "not patched to a switch" in path
    # The desktop behind it no longer reaches a switch port, as after DELETE /api/v1/patches.
    connection = ok(client.get(f"{API}/assets/{world.desktop.id}/connection", headers=admin))
    assert connection["switch_port_id"] is None
    assert client.post(f"/jacks/{jack_id}/unpatch", data={"csrf": token}).status_code == 422


def test_a_switch_port_added_from_the_switch_page_and_a_panel_port_unpatched(client, admin, db, make_user):
    desk = build_desk(client, admin, db)
    world = desk.world
    make_user("technician", username="tess", site_ids=[world.site.id])
    make_user("viewer", username="vic", site_ids=[world.site.id])
    sign_in(client, "vic")
    switch_url = f"/assets/{world.switch.id}"
    page = client.get(switch_url).text
    assert 'id="add-port"' not in page
    ports = count(db, SwitchPort)
    assert (
        client.post(
            f"{switch_url}/switch-ports", data={"csrf": form_token(client), "name": "Gi1/0/20"}
        ).status_code
        == 403
    )

    sign_in(client, "tess")
    page = client.get(switch_url).text
    token = csrf(page)
    bad = client.post(f"{switch_url}/switch-ports", data={"csrf": token, "name": "Gi1/0/20", "vlan": "5000"})
    assert bad.status_code == 422 and "vlan" in bad.text and count(db, SwitchPort) == ports
    twice = client.post(f"{switch_url}/switch-ports", data={"csrf": token, "name": "GigabitEthernet1/0/14"})
    assert twice.status_code == 409
    added = client.post(f"{switch_url}/switch-ports", follow_redirects=False, data={
        "csrf": token, "name": "GigabitEthernet1/0/20", "vlan": "20", "voice_vlan": "120", "poe": "on"})  # fmt: skip
    assert added.status_code == 303
    with db.sessions() as s:
        port = s.scalars(select(SwitchPort).where(SwitchPort.name == "Gi1/0/20")).one()
        assert (port.vlan, port.voice_vlan, port.poe) == (20, 120, True)
    assert "Gi1/0/20" in client.get(switch_url).text

    panel_id = desk.panel_ports["3-114-C"]["panel_id"]
    unpatched = client.post(f"/patch-panels/{panel_id}/ports/15/unpatch", data={"csrf": token},
                            follow_redirects=False)  # fmt: skip
    assert unpatched.status_code == 303
    assert client.post(f"/patch-panels/{panel_id}/ports/15/unpatch", data={"csrf": token}).status_code == 422
    assert client.post(f"/patch-panels/{panel_id}/ports/99/unpatch", data={"csrf": token}).status_code == 422
    row = re.search(
        r"<tr>\s*<td>15</td>(.*?)</tr>", client.get(f"/patch-panels/{panel_id}").text, re.S
    ).group(1)
    assert "3-114-C" in row and "Gi1/0/15" not in row


def test_another_sites_jack_and_panel_are_not_found(client, admin, db, make_user):
    desk = build_desk(client, admin, db)
    make_user("admin", username="olga", site_ids=[make_site(db, "Elsewhere")])
    sign_in(client, "olga")
    jack_id, panel_id = desk.jacks["3-114-B"]["id"], desk.panel_ports["3-114-B"]["panel_id"]
    assert client.get(f"/jacks/{jack_id}").status_code == 404
    assert client.get(f"/patch-panels/{panel_id}").status_code == 404
    assert "HQ" not in client.get("/locations").text
    token = csrf(client.get("/locations").text)  # an admin's page: the form to add a site
    assert client.post(f"/jacks/{jack_id}/edit", data={"csrf": token, "label": "owned"}).status_code == 404
    assert client.post(f"/locations/{desk.world.closet.id}/panels", data={
        "csrf": token, "name": "P9", "port_count": "4"}).status_code == 404  # fmt: skip
    with db.sessions() as s:
        assert s.get(Jack, uuid.UUID(desk.jacks["3-114-B"]["id"])).label == "3-114-B"
        assert s.scalar(select(func.count()).select_from(PatchPanel).where(PatchPanel.name == "P9")) == 0


def test_a_jack_and_an_empty_room_removed_after_a_confirmation(client, admin, db, make_user):
    desk = build_desk(client, admin, db)
    world = desk.world
    make_user("technician", username="tess", site_ids=[world.site.id])
    sign_in(client, "tess")
    jack_id = desk.jacks["3-114-C"]["id"]
    token = csrf(client.get(f"/jacks/{jack_id}").text)
    unconfirmed = client.post(f"/jacks/{jack_id}/delete", data={"csrf": token})
    assert unconfirmed.status_code == 422 and "confirm" in unconfirmed.text
    assert client.get(f"{API}/jacks/{jack_id}", headers=admin).status_code == 200
    gone = client.post(
        f"/jacks/{jack_id}/delete", data={"csrf": token, "confirm": "on"}, follow_redirects=False
    )
    assert gone.status_code == 303 and gone.headers["location"] == f"/locations/{world.room.id}"
    assert client.get(f"{API}/jacks/{jack_id}", headers=admin).status_code == 404
    assert "3-114-C" not in text(client.get(f"/locations/{world.room.id}").text).split("History")[0]

    in_use = client.post(f"/locations/{world.room.id}/delete", data={"csrf": token, "confirm": "on"})
    assert in_use.status_code == 409 and "still in use" in in_use.text
    room = ok(client.post(f"{API}/locations", headers=admin, json={
        "kind": "room", "name": "3-199", "parent_id": str(world.floor.id)}), 201)  # fmt: skip
    removed = client.post(f"/locations/{room['id']}/delete", data={"csrf": token, "confirm": "on"},
                          follow_redirects=False)  # fmt: skip
    assert removed.status_code == 303 and removed.headers["location"] == f"/locations/{world.floor.id}"
    assert client.get(f"{API}/locations/{room['id']}", headers=admin).status_code == 404
    site = client.post(f"/locations/{world.site.id}/delete", data={"csrf": token, "confirm": "on"})
    assert site.status_code == 403  # sites are the admins'


def test_a_room_moved_under_another_floor_from_its_page(client, admin, db, make_user):
    world = build_desk(client, admin, db).world
    make_user("technician", username="tess", site_ids=[world.site.id])
    sign_in(client, "tess")
    room_url = f"/locations/{world.room.id}"
    token = csrf(client.get(room_url).text)
    nowhere = client.post(f"{room_url}/edit", data={"csrf": token, "name": "3-114", "parent": "Floor 99"})
    assert nowhere.status_code == 422 and "no place" in nowhere.text
    assert ok(client.get(f"{API}/locations/{world.room.id}", headers=admin))["parent_id"] == str(
        world.floor.id
    )
    moved = client.post(f"{room_url}/edit", data={"csrf": token, "name": "3-114", "parent": "5"},
                        follow_redirects=False)  # fmt: skip
    assert moved.status_code == 303
    room = ok(client.get(f"{API}/locations/{world.room.id}", headers=admin))
    assert room["parent_id"] == str(world.other_room.parent_id)  # floor 5
    assert (
        client.post(f"{room_url}/edit", data={"csrf": token, "name": "3-114", "parent": "3-114"}).status_code
        == 422
    )
