"""The read-only pages a technician works from: an asset's reported facts, path, services, orders and software; a
room with its jacks and equipment; another site's page is a 404."""

import re
from pathlib import Path

from sqlalchemy import select

from inventory_api.assets.models import Asset
from tests.api.ingest.reports import enroll, machine, make_secret, make_site, payload, post
from tests.api.stories.desk import API, build_desk, ok
from tests.api.test_web_orders import csrf, sign_in


def test_a_reported_machine_shows_its_hardware_security_network_and_filtered_software(client, db, make_user):
    site = make_site(db)
    report = machine(memory=8 * 1024**3, firewall=False,
                     packages=[("Mozilla Firefox", "128.0"), ("Mozilla Thunderbird", "115.1"), ("7-Zip", "23.01")])  # fmt: skip
    enrolled = enroll(client, make_secret(db, site), report)
    assert post(client, enrolled["node_key"], payload(report)).status_code in (200, 202)
    make_user("technician", username="tess", site_ids=[site])
    sign_in(client, "tess")

    page = client.get(f"/assets/{enrolled['asset_id']}").text
    assert '<dd id="memory">8 GiB</dd>' in page
    assert "HP EliteBook 840 G8" in page and "3c:52:82:11:22:33" in page and "10.1.0.10/24" in page
    assert '<dd class="warn">off</dd>' in page  # the firewall
    assert "Software (3)" in page and "Mozilla Thunderbird" in page
    filtered = client.get(f"/assets/{enrolled['asset_id']}", params={"software": "MOZILLA"}).text
    assert "Software (2)" in filtered and "7-Zip" not in filtered and "115.1" in filtered
    title = re.search(r'<a href="(/software/[^"]+)">Mozilla Thunderbird</a>', filtered).group(1)
    other = client.get(title).text
    assert "on 1 machines" in other and "<td>115.1</td><td>1</td>" in other and "pc-001" in other


def test_the_desk_phone_page_shows_its_path_services_and_orders_and_the_room_its_jacks(
    client, admin, db, make_user
):
    desk = build_desk(client, admin, db)
    world = desk.world
    order = ok(client.post(f"{API}/work-orders", headers=admin, json={
        "kind": "repair", "title": "No dial tone", "site_id": str(world.site.id),
        "items": [{"action": "inspect", "subject_id": str(world.phone.id), "params": {}}]}), 201)  # fmt: skip
    make_user("technician", username="tess", site_ids=[world.site.id])
    sign_in(client, "tess")

    page = client.get(f"/assets/{world.phone.id}").text
    assert "3-114-B" in page and "Gi1/0/14" in page  # the path to its switch port
    assert "extension 4021" in page
    assert f'href="/work-orders/{order["id"]}">No dial tone</a>' in page
    assert f'href="/locations/{world.room.id}"' in page

    room = client.get(f"/locations/{world.room.id}").text
    assert "3-114-B" in room and "3-114-C" in room and "sw-3-1" in room
    assert f'href="/assets/{desk.monitor.id}"' in room and "voicemail" in room


def test_another_sites_asset_and_room_are_not_found(client, admin, db, make_user):
    desk = build_desk(client, admin, db)
    other = make_site(db, "Elsewhere")
    make_user("technician", username="olga", site_ids=[other])
    sign_in(client, "olga")
    assert client.get(f"/assets/{desk.world.phone.id}").status_code == 404
    answer = client.get(f"/locations/{desk.world.room.id}")
    assert answer.status_code == 404 and "3-114-B" not in answer.text
    with db.sessions() as s:
        assert s.get(Asset, desk.world.phone.id) is not None


def test_a_jack_patched_to_a_switch_port_from_the_rooms_page(client, admin, db, make_user):
    desk = build_desk(client, admin, db)
    world = desk.world
    ok(
        client.post(f"{API}/jacks", json={"label": "3-114-D", "room_id": str(world.room.id)}, headers=admin),
        201,
    )
    ok(
        client.post(
            f"{API}/switch-ports", json={"switch_id": str(world.switch.id), "name": "Gi1/0/16"}, headers=admin
        ),
        201,
    )
    make_user("technician", username="tess", site_ids=[world.site.id])
    sign_in(client, "tess")
    room_url = f"/locations/{world.room.id}"
    token = csrf(client.get(room_url).text)
    form = {"csrf": token, "jack": "3-114-D", "panel": "P3", "panel_port": "16", "switch": "sw-3-1",
            "switch_port": "Gi1/0/16"}  # fmt: skip

    assert client.post(f"{room_url}/patches", data={**form, "panel": "P77"}).status_code == 422
    assert client.post(f"{room_url}/patches", data={**form, "switch_port": "Gi9/9/9"}).status_code == 422
    taken = client.post(f"{room_url}/patches", data={**form, "panel_port": "14"})
    assert taken.status_code == 409
    assert "jack 3-114-D → panel" not in client.get(room_url).text

    assert client.post(f"{room_url}/patches", data=form, follow_redirects=False).status_code == 303
    assert "jack 3-114-D → panel P3 port 16 → switch sw-3-1 Gi1/0/16" in re.sub(
        "<[^>]+>", "", client.get(room_url).text
    )


def test_a_flag_resolved_by_merging_the_duplicate(client, admin, db, make_user):
    from inventory_api.assets.models import AssetFlag
    from inventory_api.ingest.flags import flag_asset

    desk = build_desk(client, admin, db)
    world = desk.world
    dupe = ok(client.post(f"{API}/assets", json={"kind": "desktop", "name": "pc-pat-again", "asset_tag": "DUPE-1",
                                                 "site_id": str(world.site.id)}, headers=admin), 201)  # fmt: skip
    with db.transaction() as s:
        flag_asset(
            s, world.desktop.id, "duplicate_identifier", {"identifiers": [["mac", "aa:bb", dupe["id"]]]}
        )
    with db.sessions() as s:
        flag_id = s.scalar(select(AssetFlag.id).where(AssetFlag.asset_id == world.desktop.id))
    make_user("technician", username="tess", site_ids=[world.site.id])
    make_user("admin", username="ada", site_ids=[world.site.id])
    sign_in(client, "tess")
    page = client.get(f"/assets/{world.desktop.id}").text
    assert (
        f'<a href="/assets/{dupe["id"]}">' in page and 'name="merge"' not in page
    )  # the other asset, linked
    refused = client.post(f"/flags/{flag_id}/resolve", data={"csrf": csrf(page), "merge": "DUPE-1"})
    assert refused.status_code == 403
    assert ok(client.get(f"{API}/assets/{dupe['id']}", headers=admin))["name"] == "pc-pat-again"

    sign_in(client, "ada")
    page = client.get(f"/assets/{world.desktop.id}").text
    assert (
        client.post(f"/flags/{flag_id}/resolve", data={"csrf": csrf(page), "merge": "NOPE"}).status_code
        == 422
    )
    merged = client.post(f"/flags/{flag_id}/resolve", follow_redirects=False,
                         data={"csrf": csrf(page), "merge": "DUPE-1", "note": "same PC, re-imaged"})  # fmt: skip
    assert merged.status_code == 303
    assert client.get(f"{API}/assets/{dupe['id']}", headers=admin).status_code == 404
    with db.sessions() as s:
        flag = s.get(AssetFlag, flag_id)
        assert flag.resolved_at is not None
    assert "Needs a look" not in client.get(f"/assets/{world.desktop.id}").text


def test_a_room_and_its_jack_added_from_the_pages_and_a_switch_shows_its_ports(client, admin, db, make_user):
    desk = build_desk(client, admin, db)
    world = desk.world
    make_user("technician", username="tess", site_ids=[world.site.id])
    sign_in(client, "tess")
    floor_url = f"/locations/{world.floor.id}"
    token = csrf(client.get(floor_url).text)
    assert (
        client.post(f"{floor_url}/places", data={"csrf": token, "kind": "site", "name": "x"}).status_code
        == 422
    )
    made = client.post(f"{floor_url}/places", data={"csrf": token, "kind": "room", "name": "3-120", "code": "3-120"},
                       follow_redirects=False)  # fmt: skip
    room_url = made.headers["location"]
    assert client.get(room_url).status_code == 200 and "3-120" in client.get(floor_url).text
    assert (
        client.post(f"{room_url}/jacks", data={"csrf": token, "label": "3-114-B"}).status_code == 409
    )  # taken
    assert (
        client.post(
            f"{room_url}/jacks", data={"csrf": token, "label": "3-120-A"}, follow_redirects=False
        ).status_code
        == 303
    )
    assert "jack 3-120-A" in client.get(room_url).text
    switch = client.get(f"/assets/{world.switch.id}").text
    assert 'id="ports"' in switch and "Gi1/0/14" in switch and "jack 3-114-B" in switch


def test_every_pages_title_is_one_line_of_text():
    """A title block holds the page's name, never a stray section of the page (a template edit once put half of
    the person's page into its <title>)."""
    templates = Path(__file__).parents[2] / "inventory_api" / "web" / "templates"
    titles = {}
    for template in sorted(templates.glob("*.html")):
        match = re.search(r"{% block title %}(.*?){% endblock %}", template.read_text(), re.S)
        if match:
            titles[template.name] = match.group(1)
    assert len(titles) > 20
    assert {name: title for name, title in titles.items() if "<" in title or "\n" in title} == {}
