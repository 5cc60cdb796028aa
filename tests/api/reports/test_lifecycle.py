"""Upgrade candidates by rules and the campaign made from them, from the `fleet` data set."""

URL = "/api/v1/reports/upgrade-candidates"


def candidates(client, headers, **params):
    answer = client.get(URL, params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["rows"]


def test_rules(client, admin, fleet):
    rows = candidates(client, admin, memory_below_gib=8, disk_full_percent=85)
    assert [(r["name"], r["low_memory"], r["disk_full"], r["old_hardware"]) for r in rows] == [
        ("a3", False, True, False), ("a1", True, True, False)
    ]  # fmt: skip
    assert rows[1]["memory_gib"] == 4.0 and rows[1]["model"] == "OptiPlex 3000" and rows[1]["site"] == "HQ"
    assert [r["name"] for r in candidates(client, admin, disk_full_percent=90)] == ["a1"]
    assert [r["name"] for r in candidates(client, admin, memory_below_gib=8.5)] == ["a3", "a1"]
    # bought more than 5 years before 2026-12-03: a1 (2019), a4 (2020); a3 by its BIOS date (2017)
    assert [r["name"] for r in candidates(client, admin, older_than_years=5, end="2026-12-03")] == [
        "a3",
        "a1",
        "a4",
    ]
    assert [r["name"] for r in candidates(client, admin, older_than_years=8, end="2026-12-03")] == ["a3"]
    assert [r["name"] for r in candidates(client, admin, os_out_of_support="true")] == ["a1"]
    assert [r["name"] for r in candidates(client, admin, os_out_of_support="true", asset_kind="laptop")] == []
    assert [r["name"] for r in candidates(client, admin, memory_below_gib=100, status=["in_stock"])] == []


def test_a_rule_is_required_and_parameters_are_checked(client, admin, fleet):
    for params in ({}, {"memory_below_gib": 0}, {"disk_full_percent": 101}, {"cpu": "old"}):
        answer = client.get(URL, params=params, headers=admin)
        assert answer.status_code == 422, params
    assert "at least one rule" in client.get(URL, headers=admin).text


def test_candidates_become_a_campaign_in_one_request(client, admin, make_user, fleet):
    body = {"name": "Small or full", "memory_below_gib": 8, "disk_full_percent": 85,
            "action": "replace_component", "params": {"component": "memory"}}  # fmt: skip
    created = client.post(f"{URL}/campaign", json=body, headers={**admin, "Idempotency-Key": "up-1"})
    assert created.status_code == 201, created.text
    campaign = created.json()
    assert campaign["progress"] == {"open": 2, "done": 0, "failed": 0, "total": 2}
    assert campaign["site_id"] is None and campaign["query"]["memory_below_gib"] == 8.0
    orders = client.get("/api/v1/work-orders", params={"campaign_id": campaign["id"]}, headers=admin).json()
    assert sorted(o["title"] for o in orders["items"]) == ["Upgrade a1", "Upgrade a3"]
    again = client.post(f"{URL}/campaign", json=body, headers={**admin, "Idempotency-Key": "up-1"})
    assert again.json()["id"] == campaign["id"]

    hq_tech = make_user("technician", site_ids=[fleet.hq])
    mine = client.post(f"{URL}/campaign", json={**body, "name": "HQ only"}, headers=hq_tech)
    assert mine.status_code == 201 and mine.json()["progress"]["total"] == 1
    assert mine.json()["site_id"] == str(fleet.hq)
    other = client.post(f"{URL}/campaign", json={**body, "site_id": [str(fleet.branch)]}, headers=hq_tech)
    assert other.status_code == 403
    viewer = client.post(f"{URL}/campaign", json=body, headers=make_user("viewer"))
    assert viewer.status_code == 403
    both = make_user("technician", site_ids=[fleet.hq, fleet.branch])
    spans = client.post(f"{URL}/campaign", json={**body, "name": "both"}, headers=both)
    assert spans.status_code == 422 and spans.json()["code"] == "campaign_spans_sites"
    branch = client.post(f"{URL}/campaign", json={**body, "site_id": [str(fleet.branch)]}, headers=both)
    assert branch.status_code == 201 and branch.json()["site_id"] == str(fleet.branch)


def test_a_campaign_with_no_candidate_or_a_bad_body_is_refused(client, admin, fleet):
    before = client.get("/api/v1/work-orders", headers=admin).json()["items"]
    none = client.post(f"{URL}/campaign", json={"name": "x", "memory_below_gib": 1}, headers=admin)
    assert none.status_code == 422 and none.json()["code"] == "empty_campaign"
    for body in (
        {"name": "x"},
        {"name": "x", "memory_below_gib": 8, "colour": "red"},
        {"memory_below_gib": 8},
    ):
        assert client.post(f"{URL}/campaign", json=body, headers=admin).status_code == 422, body
    assert client.get("/api/v1/work-orders", headers=admin).json()["items"] == before
    assert client.get("/api/v1/campaigns", headers=admin).json() == []


def test_monday_story_small_or_unsupported_desktops_become_a_campaign_with_progress(client, admin, fleet):
    """Desktops under 8 GiB or with an OS out of support: the list, the campaign, its progress as work is done."""
    rules = {"asset_kind": ["desktop"], "memory_below_gib": 8, "os_out_of_support": True}
    listed = client.get(URL, params={**rules, "format": "csv"}, headers=admin)
    assert [line.split(",")[1] for line in listed.text.splitlines()[1:]] == ["a1"]
    campaign = client.post(
        f"{URL}/campaign", json={"name": "Desktops to upgrade", **rules}, headers=admin
    ).json()
    orders = client.get("/api/v1/work-orders", params={"campaign_id": campaign["id"]}, headers=admin).json()[
        "items"
    ]
    assert [(o["title"], o["kind"], o["priority"]) for o in orders] == [("Upgrade a1", "upgrade", "P4")]
    for state in ("in_progress", "resolved"):
        moved = client.post(
            f"/api/v1/work-orders/{orders[0]['id']}/transitions", json={"to": state}, headers=admin
        )
        assert moved.status_code == 200, moved.text
    progress = client.get(f"/api/v1/campaigns/{campaign['id']}", headers=admin).json()["progress"]
    assert progress == {"open": 0, "done": 1, "failed": 0, "total": 1}
