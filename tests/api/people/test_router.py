import pytest


@pytest.fixture
def site_id(client, admin):
    body = {"kind": "site", "name": "Lyon", "time_zone": "Europe/Paris"}
    return client.post("/api/v1/locations", json=body, headers=admin).json()["id"]


def test_people_crud_search_and_conflicts(client, admin, site_id):
    def post(**body):
        return client.post("/api/v1/people", json={"site_id": site_id, **body}, headers=admin)

    ada = post(name="Ada Lovelace", email="Ada@Example.org", employee_id="E1", department="R&D")
    assert ada.status_code == 201, ada.text
    assert ada.json()["email"] == "ada@example.org"
    post(name="Alan Turing", email="alan@example.org")
    dup = post(name="Ada Again", employee_id="E1")
    assert (dup.status_code, dup.json()["code"]) == (409, "employee_id_taken")
    bad = post(name="No Mail", email="not-an-address")
    assert bad.status_code == 422
    found = client.get("/api/v1/people", params={"q": "ada l"}, headers=admin).json()["items"]
    assert [p["name"] for p in found] == ["Ada Lovelace"]
    everyone = client.get("/api/v1/people", params={"q": "a", "count": "true"}, headers=admin).json()
    assert everyone["total"] == 2
    url = f"/api/v1/people/{ada.json()['id']}"
    changed = client.patch(url, json={"active": False}, headers={**admin, "If-Match": '"1"'})
    assert changed.json()["active"] is False
    assert client.patch(url, json={"phone": "1"}, headers={**admin, "If-Match": '"1"'}).status_code == 412
    inactive = client.get("/api/v1/people", params={"active": "false"}, headers=admin).json()["items"]
    assert [p["name"] for p in inactive] == ["Ada Lovelace"]
    assert client.delete(url, headers=admin).status_code == 204
    assert client.get(url, headers=admin).status_code == 404
    csv = client.get("/api/v1/people", params={"format": "csv"}, headers=admin).text
    assert "Alan Turing" in csv and "Ada Lovelace" not in csv


def test_person_with_assets_cannot_be_deleted(client, admin, site_id):
    person = client.post("/api/v1/people", json={"name": "Ada", "site_id": site_id}, headers=admin).json()
    body = {"kind": "laptop", "site_id": site_id, "assigned_person_id": person["id"]}
    client.post("/api/v1/assets", json=body, headers=admin)
    refused = client.delete(f"/api/v1/people/{person['id']}", headers=admin)
    assert (refused.status_code, refused.json()["code"]) == (409, "person_in_use")
