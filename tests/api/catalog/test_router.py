def test_manufacturers_and_aliases(client, admin):
    dell = client.post("/api/v1/manufacturers", json={"name": "Dell Inc."}, headers=admin)
    assert dell.status_code == 201
    again = client.post("/api/v1/manufacturers", json={"name": "DELL"}, headers=admin)
    assert (again.status_code, again.json()["code"]) == (409, "manufacturer_exists")
    maker = dell.json()
    assert maker["name"] == "Dell" and "dell emc" in maker["aliases"]
    alias = client.post(
        f"/api/v1/manufacturers/{maker['id']}/aliases", json={"alias": "Dell Computer SA"}, headers=admin
    )
    assert "dell computer sa" not in alias.json()["aliases"]  # its key is plain "dell": already the name
    found = client.get("/api/v1/manufacturers", params={"q": "DEL"}, headers=admin).json()["items"]
    assert [m["id"] for m in found] == [maker["id"]]
    renamed = client.patch(
        f"/api/v1/manufacturers/{maker['id']}",
        json={"name": "Dell Technologies"},
        headers={**admin, "If-Match": '"1"'},
    )
    assert renamed.status_code == 200
    assert renamed.headers["etag"] == '"2"'
    assert client.get("/api/v1/manufacturers", params={"q": "dell"}, headers=admin).json()["items"][0][
        "name"
    ] == ("Dell Technologies")


def test_models_crud_and_in_use(client, admin):
    maker = client.post("/api/v1/manufacturers", json={"name": "Lenovo"}, headers=admin).json()
    body = {
        "manufacturer_id": maker["id"],
        "name": "ThinkPad T14",
        "kind": "laptop",
        "end_of_life": "2030-06-30",
    }
    model = client.post("/api/v1/models", json=body, headers=admin)
    assert model.status_code == 201, model.text
    dup = client.post("/api/v1/models", json=body, headers=admin)
    assert (dup.status_code, dup.json()["code"]) == (409, "model_exists")
    bad_kind = client.post("/api/v1/models", json={**body, "name": "X", "kind": "toaster"}, headers=admin)
    assert bad_kind.status_code == 422
    model_id = model.json()["id"]
    url = f"/api/v1/models/{model_id}"
    assert client.patch(url, json={"part_number": "20W0"}, headers=admin).json()["part_number"] == "20W0"
    site = client.post(
        "/api/v1/locations", json={"kind": "site", "name": "L", "time_zone": "UTC"}, headers=admin
    ).json()
    asset = client.post(
        "/api/v1/assets", json={"kind": "laptop", "site_id": site["id"], "model_id": model_id}, headers=admin
    ).json()
    assert asset["manufacturer_id"] == maker["id"]
    in_use = client.delete(url, headers=admin)
    assert (in_use.status_code, in_use.json()["code"]) == (409, "model_in_use")
    listed = client.get(
        "/api/v1/models", params={"manufacturer_id": maker["id"], "name": "think"}, headers=admin
    )
    assert [m["id"] for m in listed.json()["items"]] == [model_id]


def test_model_names_are_one_whatever_their_case_and_spacing(client, admin):
    maker = client.post("/api/v1/manufacturers", json={"name": "Dell Inc."}, headers=admin).json()
    body = {"manufacturer_id": maker["id"], "name": "OptiPlex 7090"}
    first = client.post("/api/v1/models", json=body, headers=admin).json()
    twin = client.post("/api/v1/models", json={**body, "name": " OPTIPLEX   7090 "}, headers=admin)
    assert (twin.status_code, twin.json()["code"]) == (409, "model_exists")
    other = client.post("/api/v1/models", json={**body, "name": "OptiPlex 7010"}, headers=admin).json()
    renamed = client.patch(f"/api/v1/models/{other['id']}", json={"name": "optiplex 7090"}, headers=admin)
    assert (renamed.status_code, renamed.json()["code"]) == (409, "model_exists")
    recased = client.patch(f"/api/v1/models/{first['id']}", json={"name": "OPTIPLEX 7090"}, headers=admin)
    assert (recased.status_code, recased.json()["name"]) == (200, "OPTIPLEX 7090")
