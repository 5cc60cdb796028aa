"""Recurring incidents and repairs per hundred units, from the `fleet` data set."""

from tests.api.reports.conftest import NOVEMBER


def table(client, headers, path, **params):
    answer = client.get(f"/api/v1/reports/{path}", params={**NOVEMBER, **params}, headers=headers)
    assert answer.status_code == 200, answer.text
    return [(r["group"], r["orders"], r["assets"]) for r in answer.json()["rows"]]


def test_assets_models_locations_and_titles_with_repeated_repairs(client, admin, fleet):
    assert table(client, admin, "recurring") == [("a1", 3, 1), ("a3", 2, 1)]
    assert table(client, admin, "recurring", subject="model") == [
        ("OptiPlex 3000", 4, 2),
        ("Latitude 5400", 2, 1),
    ]
    assert table(client, admin, "recurring", subject="location") == [("Room 1", 4, 1)]
    assert table(client, admin, "recurring", subject="software_title") == [
        ("Acme VPN", 5, 2),
        ("Firefox", 3, 1),
    ]
    assert table(client, admin, "recurring", min_orders=3) == [("a1", 3, 1)]
    assert table(client, admin, "recurring", min_orders=1, kind=["install"]) == [("a2", 1, 1)]
    assert table(client, admin, "recurring", start="2026-10-01", end="2026-11-05", min_orders=1) == [
        ("a2", 2, 1), ("a1", 1, 1)
    ]  # fmt: skip


def test_site_limited_user_sees_its_sites_only(client, make_user, fleet):
    hq_user = make_user("viewer", site_ids=[fleet.hq])
    assert table(client, hq_user, "recurring", subject="model") == [("OptiPlex 3000", 4, 2)]
    assert table(client, hq_user, "recurring", subject="software_title") == [
        ("Acme VPN", 3, 1),
        ("Firefox", 3, 1),
    ]


def test_top_models_by_repairs_per_hundred_units(client, admin, make_user, fleet):
    def rates(headers, **params):
        answer = client.get(
            "/api/v1/reports/repairs-per-model", params={**NOVEMBER, **params}, headers=headers
        )
        assert answer.status_code == 200, answer.text
        return [(r["model"], r["manufacturer"], r["units"], r["repairs"], r["repairs_per_100_units"])
                for r in answer.json()["rows"]]  # fmt: skip

    assert rates(admin) == [("Latitude 5400", "Dell", 1, 2, 200.0), ("OptiPlex 3000", "Dell", 3, 4, 133.3)]
    assert rates(admin, min_units=2) == [("OptiPlex 3000", "Dell", 3, 4, 133.3)]
    assert rates(admin, limit=1) == [("Latitude 5400", "Dell", 1, 2, 200.0)]
    assert rates(make_user("viewer", site_ids=[fleet.branch])) == [("Latitude 5400", "Dell", 1, 2, 200.0)]
    csv = client.get("/api/v1/reports/repairs-per-model", params={**NOVEMBER, "format": "csv"}, headers=admin)
    assert csv.text.splitlines()[0] == "model_id,model,manufacturer,units,repairs,repairs_per_100_units"
    assert csv.text.splitlines()[2].endswith(",OptiPlex 3000,Dell,3,4,133.3")


def test_bad_parameters(client, admin, fleet):
    for params in ({"subject": "people"}, {"min_orders": 0}, {"limit": 5000}, {"group_by": "kind"}):
        assert client.get("/api/v1/reports/recurring", params=params, headers=admin).status_code == 422
    assert (
        client.get("/api/v1/reports/repairs-per-model", params={"min_orders": 2}, headers=admin).status_code
        == 422
    )
