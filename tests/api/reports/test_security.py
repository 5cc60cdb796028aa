"""Security standard adherence per site and the machines behind each number, from the `fleet` data set."""

URL = "/api/v1/reports/security"


def counts(client, headers, **params):
    answer = client.get(URL, params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return {r["site"]: [r[c] for c in answer.json()["columns"][2:]] for r in answer.json()["rows"]}


def machines(client, headers, **params):
    answer = client.get(f"{URL}/machines", params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return [r["name"] for r in answer.json()["rows"]]


def test_counts_per_site(client, admin, fleet):
    # machines, encryption off, firewall off, no endpoint protection, OS out of support, not seen, any
    assert counts(client, admin) == {"Branch": [2, 0, 0, 1, 0, 1, 2], "HQ": [2, 1, 1, 1, 1, 1, 2]}
    assert counts(client, admin, not_seen_days=60) == {
        "Branch": [2, 0, 0, 1, 0, 1, 2],
        "HQ": [2, 1, 1, 1, 1, 0, 2],
    }
    # Windows 10 was still supported on 2025-10-01
    assert counts(client, admin, start="2025-09-01", end="2025-10-01")["HQ"][4] == 0


def test_the_list_behind_each_number(client, admin, fleet):
    assert machines(client, admin, check="encryption_off") == ["a1"]
    assert machines(client, admin, check="firewall_off") == ["a2"]
    assert machines(client, admin, check="no_endpoint_protection") == ["a3", "a2"]
    assert machines(client, admin, check="os_out_of_support") == ["a1"]
    assert machines(client, admin, check="not_seen") == ["a5", "a2"]
    assert machines(client, admin) == ["a3", "a5", "a1", "a2"]
    row = client.get(f"{URL}/machines", params={"check": "firewall_off"}, headers=admin).json()["rows"][0]
    assert {k: row[k] for k in ("site", "os_name", "encryption_off", "firewall_off", "no_endpoint_protection",
                                "os_out_of_support", "not_seen")} == {
        "site": "HQ", "os_name": "Windows 11 Pro", "encryption_off": False, "firewall_off": True,
        "no_endpoint_protection": True, "os_out_of_support": False, "not_seen": True,
    }  # fmt: skip


def test_site_scope(client, make_user, fleet):
    hq_user = make_user("viewer", site_ids=[fleet.hq])
    assert list(counts(client, hq_user)) == ["HQ"]
    assert machines(client, hq_user) == ["a1", "a2"]
    assert (
        client.get(f"{URL}/machines", params={"site_id": str(fleet.branch)}, headers=hq_user).status_code
        == 403
    )
    assert client.get(URL, params={"check": "firewall_off"}, headers=hq_user).status_code == 422  # list only
    assert client.get(f"{URL}/machines", params={"check": "virus"}, headers=hq_user).status_code == 422
