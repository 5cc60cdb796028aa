"""The admin page: users added and turned off, an enroll secret shown once and usable, a collector revoked — by a
site-limited admin within its sites, as through the API; a technician has no admin page."""

import re

from tests.api.ingest.reports import enroll, machine
from tests.api.stories.desk import API, build_desk, ok
from tests.api.test_web_orders import csrf, hashlib_token, sign_in


def test_a_site_admin_manages_users_secrets_and_collectors(client, admin, db, make_user):
    desk = build_desk(client, admin, db)
    site = str(desk.world.site.id)
    make_user("admin", username="ada", site_ids=[desk.world.site.id])
    sign_in(client, "ada")
    page = client.get("/admin").text
    token = csrf(page)
    assert 'value="">every site' not in page  # a site-limited admin grants only its sites

    weak = client.post(
        "/admin/users",
        data={"csrf": token, "username": "tom", "role": "technician", "password": "short", "site_id": site},
    )
    assert weak.status_code == 422 and "password" in weak.text
    added = client.post("/admin/users", follow_redirects=False, data={
        "csrf": token, "username": "tom", "role": "technician", "password": "a long enough password", "site_id": site})  # fmt: skip
    assert added.status_code == 303
    tom = next(u for u in ok(client.get(f"{API}/users", headers=admin)) if u["username"] == "tom")
    assert tom["role"] == "technician" and tom["all_sites"] is False
    assert (
        client.post(
            f"/admin/users/{tom['id']}/active", data={"csrf": token}, follow_redirects=False
        ).status_code
        == 303
    )
    assert not next(u for u in ok(client.get(f"{API}/users", headers=admin)) if u["username"] == "tom")[
        "is_active"
    ]
    refused = client.post("/login", data={"username": "tom", "password": "a long enough password"})
    assert refused.status_code == 401

    made = client.post(
        "/admin/enroll-secrets", data={"csrf": token, "name": "HQ laptops", "site_id": site, "days": "30"}
    )
    assert made.status_code == 201
    secret = re.search(r'id="new-secret">[^<]*<code>([^<]+)</code>', made.text).group(1)
    assert secret not in client.get("/admin").text  # shown once
    enrolled = enroll(client, secret, machine(hostname="pc-new"))
    collectors = client.get("/admin").text
    assert "pc-new" in collectors and "HQ laptops" in collectors
    collector = ok(client.get(f"{API}/collectors", params={"asset_id": enrolled["asset_id"]}, headers=admin))[
        "items"
    ][0]
    revoked = client.post(f"/admin/collectors/{collector['id']}/revoke", data={"csrf": token, "reason": "stolen laptop"},
                          follow_redirects=False)  # fmt: skip
    assert revoked.status_code == 303
    assert ok(client.get(f"{API}/collectors", params={"asset_id": enrolled["asset_id"]}, headers=admin))["items"][0][
        "revoke_reason"] == "stolen laptop"  # fmt: skip


def test_a_technician_has_no_admin_page(client, admin, db, make_user):
    desk = build_desk(client, admin, db)
    make_user("technician", username="tess", site_ids=[desk.world.site.id])
    sign_in(client, "tess")
    assert client.get("/admin").status_code == 403
    assert 'href="/admin"' not in client.get("/").text
    answer = client.post("/admin/users", data={"csrf": hashlib_token(client), "username": "mole", "role": "admin",
                                               "password": "a long enough password"})  # fmt: skip
    assert answer.status_code == 403
    assert all(u["username"] != "mole" for u in ok(client.get(f"{API}/users", headers=admin)))


def test_an_integration_token_made_shown_once_and_revoked_in_the_browser(client, admin, db, make_user):
    desk = build_desk(client, admin, db)
    make_user("admin", username="ada", site_ids=[desk.world.site.id])
    make_user("integration", username="ticketing", site_ids=[desk.world.site.id])
    sign_in(client, "ada")
    page = client.get("/admin").text
    token = csrf(page)
    user = re.search(r'<option value="([^"]+)">ticketing \(integration\)</option>', page).group(1)
    beyond = client.post(
        "/admin/tokens", data={"csrf": token, "user_id": user, "name": "sync", "scope_admin": "on"}
    )
    assert beyond.status_code == 403 and "more rights" in beyond.text
    made = client.post("/admin/tokens", data={"csrf": token, "user_id": user, "name": "sync", "scope_read": "on",
                                              "days": "90"})  # fmt: skip
    assert made.status_code == 201
    plain = re.search(r'id="new-token">[^<]*<code>([^<]+)</code>', made.text).group(1)
    assert plain not in client.get("/admin").text
    bearer = {"Authorization": f"Bearer {plain}"}
    assert client.get(f"{API}/assets", headers=bearer).status_code == 200
    assert (
        client.post(
            f"{API}/people", json={"name": "x", "site_id": str(desk.world.site.id)}, headers=bearer
        ).status_code
        == 403
    )
    token_id = next(
        t["id"]
        for t in ok(client.get(f"{API}/tokens", params={"user_id": user}, headers=admin))
        if t["name"] == "sync"
    )
    assert (
        client.post(
            f"/admin/tokens/{token_id}/revoke", data={"csrf": token}, follow_redirects=False
        ).status_code
        == 303
    )
    assert client.get(f"{API}/assets", headers=bearer).status_code == 401
