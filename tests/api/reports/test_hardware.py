"""Hardware lifecycle report: age since purchase, warranty, end of life, from the `fleet` data set."""

URL = "/api/v1/reports/hardware"


def table(client, headers, **params):
    answer = client.get(URL, params={"end": "2026-12-03", **params}, headers=headers)
    assert answer.status_code == 200, answer.text
    return [[r[c] for c in answer.json()["columns"]] for r in answer.json()["rows"]]


def test_machines_by_age_warranty_and_end_of_life(client, admin, make_user, fleet):
    # group, machines, <3 y, 3-5 y, >5 y, age unknown, out of warranty, warranty unknown, past end of life
    assert table(client, admin) == [["Branch", 1, 0, 0, 0, 1, 0, 1, 0], ["HQ", 3, 1, 0, 2, 0, 1, 1, 3]]
    assert table(client, admin, group_by="model") == [
        ["Latitude 5400", 1, 0, 0, 0, 1, 0, 1, 0], ["OptiPlex 3000", 3, 1, 0, 2, 0, 1, 1, 3]
    ]  # fmt: skip
    # on 2025-05-01 the OptiPlex was not yet past its end of life, and a4 (bought 2020-06-01) was 3 to 5 years old
    assert table(client, admin, end="2025-05-01", group_by="kind", asset_kind="desktop") == [
        ["desktop", 3, 1, 1, 1, 0, 1, 1, 0]
    ]
    assert table(client, admin, status=["deployed", "in_stock"], group_by="kind") == [
        ["desktop", 3, 1, 0, 2, 0, 1, 1, 3], ["laptop", 2, 0, 0, 0, 2, 0, 2, 0]
    ]  # fmt: skip
    assert table(client, make_user("viewer", site_ids=[fleet.branch])) == [["Branch", 1, 0, 0, 0, 1, 0, 1, 0]]
    assert client.get(URL, params={"group_by": "colour"}, headers=admin).status_code == 422
    chart = client.get(f"{URL}/chart.svg", params={"end": "2026-12-03"}, headers=admin)
    assert chart.status_code == 200 and "over 5 years" in chart.text
