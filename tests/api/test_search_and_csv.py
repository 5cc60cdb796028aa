"""`q` in the API finds what the search box finds (numbers in any spelling, jacks, rooms); CSV exports name things."""

import uuid

from tests.api.stories.desk import API, build_desk, ok


def found(client, headers, q):
    answer = ok(client.get(f"{API}/search", params={"q": q}, headers=headers))
    return {
        "assets": sorted(a["name"] for a in answer["assets"]),
        "people": sorted(p["name"] for p in answer["people"]),
        "services": sorted((s["type"], s["number"]) for s in answer["services"]),
        "jacks": sorted(j["jack"]["label"] for j in answer["jacks"]),
        "rooms": sorted(r["name"] for r in answer["rooms"]),
        "work_orders": sorted(o["title"] for o in answer["work_orders"]),
        "titles": sorted(t["name"] for t in answer["software_titles"]),
    }


def test_numbers_jacks_and_rooms_are_found_as_the_search_box_finds_them(client, admin, db, make_user):
    desk = build_desk(client, admin, db)
    pat = desk.world.pat.name
    for spelling in ("+15551234021", "15551234021", "+1 (555) 123-4021", "1 555 123 4021"):
        result = found(client, admin, spelling)
        assert result["services"] == [("did", "+15551234021")], spelling
        assert result["people"] == ["Pat Doe"] or result["people"], (
            spelling
        )  # the number's holder comes along
    assert ("extension", "4021") in found(client, admin, "4021")["services"]
    jack = found(client, admin, "3-114-b")
    assert jack["jacks"] == ["3-114-B"]
    paths = ok(client.get(f"{API}/search", params={"q": "3-114-B"}, headers=admin))["jacks"][0]["paths"]
    assert paths and "Gi1/0/14" in paths[0]
    assert found(client, admin, "5-210")["rooms"] == ["5-210"]
    assert found(client, admin, pat.split()[0])["people"] == [pat]

    other_site = ok(client.post(f"{API}/locations", json={"kind": "site", "name": "Elsewhere", "time_zone": "UTC"},
                                headers=admin), 201)  # fmt: skip
    outsider = make_user("technician", site_ids=[uuid.UUID(other_site["id"])])
    for q in ("+15551234021", "3-114-B", "5-210", pat.split()[0]):
        assert found(client, outsider, q) == {
            "assets": [],
            "people": [],
            "services": [],
            "jacks": [],
            "rooms": [],
            "work_orders": [],
            "titles": [],
        }
    assert client.get(f"{API}/search?q=x&scope=all", headers=admin).status_code == 422


def test_a_work_order_by_its_reference_or_id_and_a_software_title_by_its_start(client, admin, db, make_user):
    from inventory_api.software.models import SoftwareTitle
    from tests.api.test_web_orders import sign_in

    desk = build_desk(client, admin, db)
    order = ok(client.put(f"{API}/work-orders/by-ref/servicenow/INC0012345", headers=admin, json={
        "kind": "repair", "title": "No dial tone", "site_id": str(desk.world.site.id)}), 201)  # fmt: skip
    with db.transaction() as s:
        s.add_all([SoftwareTitle(key="mozilla firefox", name="Mozilla Firefox", publisher="Mozilla"),
                   SoftwareTitle(key="mozilla thunderbird", name="Mozilla Thunderbird", publisher="Mozilla")])  # fmt: skip
    assert found(client, admin, "INC0012345")["work_orders"] == ["No dial tone"]
    assert found(client, admin, order["id"])["work_orders"] == ["No dial tone"]
    assert found(client, admin, "mozilla")["titles"] == ["Mozilla Firefox", "Mozilla Thunderbird"]
    assert found(client, admin, "Mozilla Firefox 128.0.3 (x64 en-US)")["titles"] == ["Mozilla Firefox"]
    outsider = make_user("technician", site_ids=[uuid.UUID(ok(client.post(f"{API}/locations", headers=admin, json={
        "kind": "site", "name": "Elsewhere", "time_zone": "UTC"}), 201)["id"])])  # fmt: skip
    assert found(client, outsider, "INC0012345")["work_orders"] == []

    make_user("technician", username="tess", site_ids=[desk.world.site.id])
    sign_in(client, "tess")
    one = client.get("/", params={"q": "INC0012345"}, follow_redirects=False)
    assert one.status_code == 303 and one.headers["location"] == f"/work-orders/{order['id']}"
    assert (
        client.get("/", params={"q": "thunder"}, follow_redirects=False).status_code == 200
    )  # no title starts so
    two = client.get("/", params={"q": "mozilla"})
    assert two.status_code == 200 and 'id="titles"' in two.text and "Mozilla Thunderbird" in two.text


def test_csv_exports_carry_readable_names_beside_the_ids(client, admin, db):
    import csv
    import io

    desk = build_desk(client, admin, db)
    text = client.get(f"{API}/assets?format=csv", headers=admin).text
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(text))}
    monitor = rows["mon-pat"]
    assert monitor["site_id"] == str(desk.world.site.id) and monitor["site"] == desk.world.site.name
    assert monitor["location"] == "HQ > Main > 3 > 3-114"
    assert monitor["assigned_person"] == desk.world.pat.name
    services = list(csv.DictReader(io.StringIO(client.get(f"{API}/services?format=csv", headers=admin).text)))
    assert {s["person"] for s in services} == {desk.world.pat.name}


def test_a_filter_the_database_refuses_is_a_4xx_before_a_csv_starts(client, admin, db):
    """An integer past 64 bits reaches the database only when the export runs: it runs before the answer starts,
    so the caller gets the error, not a CSV cut short (the fuzzer found the switch ports' `vlan`)."""
    build_desk(client, admin, db)
    for path in ("/switch-ports?vlan=9223372036854775808", "/jacks?label=3-114-B"):
        answer = client.get(f"{API}{path}&format=csv", headers=admin)
        if "vlan" in path:
            assert 400 <= answer.status_code < 500, answer.text
        else:
            assert answer.status_code == 200 and answer.text.splitlines()[0].startswith("id,")
