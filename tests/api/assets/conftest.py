import pytest


@pytest.fixture
def site_id(client, admin):
    response = client.post(
        "/api/v1/locations", json={"kind": "site", "name": "Lyon", "time_zone": "Europe/Paris"}, headers=admin
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


@pytest.fixture
def other_site_id(client, admin):
    response = client.post(
        "/api/v1/locations", json={"kind": "site", "name": "Oslo", "time_zone": "Europe/Oslo"}, headers=admin
    )
    return response.json()["id"]
