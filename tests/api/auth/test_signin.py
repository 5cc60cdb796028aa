"""Sign-in hardening: cross-site forms, equal work for unknown users, limits per name, Secure cookies."""

from inventory_api.auth import service as auth


def test_a_sign_in_form_from_another_site_is_refused(client, make_user):
    make_user("viewer", username="dana")
    form = {"username": "dana", "password": "correct horse battery"}
    forged = client.post(
        "/login", data=form, headers={"Origin": "https://evil.example"}, follow_redirects=False
    )
    assert forged.status_code == 403 and "set-cookie" not in forged.headers
    referred = client.post(
        "/login", data=form, headers={"Referer": "https://evil.example/x"}, follow_redirects=False
    )
    assert referred.status_code == 403
    ours = client.post("/login", data=form, headers={"Origin": "http://testserver"}, follow_redirects=False)
    assert ours.status_code == 303 and "inventory_session" in ours.headers["set-cookie"]


def test_an_unknown_user_costs_a_password_check_too(client, make_user, monkeypatch):
    make_user("viewer", username="dana")
    checked = []
    real = auth._hasher

    class Spy:
        def verify(self, hashed, password):
            checked.append(hashed)
            return real.verify(hashed, password)

        def __getattr__(self, name):
            return getattr(real, name)

    monkeypatch.setattr(auth, "_hasher", Spy())
    for username in ("dana", "nobody"):
        answer = client.post("/api/v1/auth/login", json={"username": username, "password": "wrong password!"})
        assert answer.status_code == 401 and answer.json()["detail"] == "wrong username or password"
    assert len(checked) == 2 and checked[1] == auth._DUMMY_HASH


def test_attempts_are_limited_per_name_across_addresses(client, make_user, settings):
    make_user("viewer", username="dana")
    settings.login_user_rate_per_minute = 3
    answers = [
        client.post("/api/v1/auth/login", json={"username": "DANA" if n % 2 else "dana", "password": "guess"})
        for n in range(4)
    ]
    assert [a.status_code for a in answers] == [401, 401, 401, 429]


def test_the_session_cookie_can_be_forced_secure(client, make_user, settings):
    make_user("viewer", username="dana")
    body = {"username": "dana", "password": "correct horse battery"}
    assert "secure" not in client.post("/api/v1/auth/login", json=body).headers["set-cookie"].lower()
    settings.cookie_secure = True
    cookie = client.post("/api/v1/auth/login", json=body).headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie
