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
        }
    assert client.get(f"{API}/search?q=x&scope=all", headers=admin).status_code == 422


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
