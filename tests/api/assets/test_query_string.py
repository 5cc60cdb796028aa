"""The asset list's query string: one validation for all its filters, documented as parameters, and the same
statement object for every request of the same shape."""

from inventory_api.pagination import _PAGE_STATEMENTS


def post_asset(client, headers, site_id, **body):
    answer = client.post(
        "/api/v1/assets", json={"kind": "laptop", "site_id": site_id, **body}, headers=headers
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_every_filter_and_page_field_is_documented_once(client):
    operation = client.get("/openapi.json").json()["paths"]["/api/v1/assets"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert len(parameters) == len(operation["parameters"])
    for name in ("q", "kind", "status", "site_id", "hostname", "serial", "last_seen_before", "flagged", "limit",
                 "cursor", "sort", "count"):  # fmt: skip
        assert parameters[name]["in"] == "query"
        assert parameters[name]["required"] is False
    assert parameters["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}
    assert "laptop" in str(parameters["kind"]["schema"])
    assert parameters["flagged"]["description"] == "has an open flag"


def test_bad_values_answer_422_naming_the_parameter(client, admin):
    for query, field in (("limit=0", "limit"), ("limit=x", "limit"), ("kind=toaster", "kind"),
                         ("site_id=nope", "site_id"), ("last_seen_before=2026-01-01T00:00:00", "last_seen_before"),
                         ("flagged=maybe", "flagged")):  # fmt: skip
        answer = client.get(f"/api/v1/assets?{query}", headers=admin)
        assert answer.status_code == 422, query
        body = answer.json()
        assert body["code"] == "validation_error"
        assert [e["field"] for e in body["errors"]] == [f"query.{field}"], body
        assert field in body["detail"]


def test_filters_are_parsed_and_unknown_parameters_refused(client, admin, site_id):
    laptop = post_asset(client, admin, site_id, serial="QS-1", hostname="qs-laptop")
    post_asset(client, admin, site_id, kind="desktop", serial="QS-2")
    found = client.get("/api/v1/assets?kind=laptop&unassigned=true&limit=10", headers=admin).json()
    assert [a["id"] for a in found["items"]] == [laptop["id"]]
    # A filter the route does not know would be ignored and everything returned: it is refused, by name.
    for unknown in ("whatever=1", "encrypted_disk=false", "requester_id=x"):
        answer = client.get(f"/api/v1/assets?kind=laptop&{unknown}", headers=admin)
        name = unknown.split("=")[0]
        assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == f"query.{name}", (
            answer.text
        )
    assert client.get("/api/v1/assets?format=csv", headers=admin).status_code == 200
    orders = client.get(f"/api/v1/work-orders?assignee_idx={laptop['id']}", headers=admin)
    assert orders.status_code == 422 and "unknown query parameter" in orders.json()["detail"]
    assert client.get("/api/v1/assets?kind=laptop&unassigned=false", headers=admin).json()["items"] == []
    by_name = client.get("/api/v1/assets?hostname=QS-LAPTOP.corp.example&count=true", headers=admin).json()
    assert ([a["id"] for a in by_name["items"]], by_name["total"]) == ([laptop["id"]], 1)


def test_requests_of_one_shape_share_one_statement_and_bind_their_own_values(client, admin, site_id):
    first = post_asset(client, admin, site_id, serial="SHAPE-1")
    second = post_asset(client, admin, site_id, serial="SHAPE-2")
    client.get("/api/v1/assets?q=warm-up", headers=admin)
    shapes = len(_PAGE_STATEMENTS)
    assert [a["id"] for a in client.get("/api/v1/assets?q=shape-1", headers=admin).json()["items"]] == [
        first["id"]
    ]
    assert [a["id"] for a in client.get("/api/v1/assets?q=SHAPE-2", headers=admin).json()["items"]] == [
        second["id"]
    ]
    assert len(_PAGE_STATEMENTS) == shapes  # the same shape as the warm-up: no new statement


def test_cursor_pages_walk_every_asset_once(client, admin, site_id):
    ids = {post_asset(client, admin, site_id, asset_tag=f"PG-{i}")["id"] for i in range(5)}
    ids |= {post_asset(client, admin, site_id)["id"] for _ in range(3)}  # untagged: after the tagged, by id
    seen: list[str] = []
    url = "/api/v1/assets?kind=laptop&limit=2&sort=-asset_tag"
    while url:
        page = client.get(url, headers=admin).json()
        seen += [a["id"] for a in page["items"]]
        url = page["next"] and f"/api/v1/assets?kind=laptop&limit=2&sort=-asset_tag&cursor={page['next']}"
    assert len(seen) == len(set(seen)) == 8
    assert set(seen) == ids
