"""The edge of the service: body caps before parsing, NUL bytes and huge integers refused, security headers."""

import gzip

from sqlalchemy import func, select

from inventory_api.locations.models import Location

BIG = 2 * 1024 * 1024


def test_every_json_body_is_capped_before_it_is_parsed(client):
    for path in ("/api/v1/auth/login", "/api/v1/collectors/enroll", "/api/v1/locations", "/login"):
        declared = client.post(path, content=b"x" * BIG, headers={"Content-Type": "application/json"})
        assert declared.status_code == 413 and declared.json()["code"] == "payload_too_large", path

        def chunks():
            for _ in range(BIG // 65536):
                yield b" " * 65536

        streamed = client.post(path, content=chunks(), headers={"Content-Type": "application/json"})
        assert streamed.status_code == 413, (path, streamed.text)


def test_a_report_without_a_valid_node_key_is_refused_before_its_body_is_read(client):
    bomb = gzip.compress(b"{" + b" " * (64 * 1024 * 1024))  # 64 MiB inflated, far beyond every limit
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    assert client.post("/api/v1/inventory", content=bomb, headers=headers).status_code == 401
    bad_key = {**headers, "Authorization": "Bearer nk_unknown"}
    answer = client.post("/api/v1/inventory", content=bomb, headers=bad_key)
    assert answer.status_code == 401 and answer.json()["code"] == "invalid_node_key"


def test_nul_bytes_and_huge_integers_are_client_errors_that_change_nothing(client, admin, db):
    assert client.get("/api/v1/assets?q=pc%00", headers=admin).status_code == 400
    nul = client.post("/api/v1/locations", headers=admin,
                      json={"kind": "site", "name": "Lyon\x00", "time_zone": "UTC"})  # fmt: skip
    assert nul.status_code in (201, 422)  # SQLite stores the byte; PostgreSQL refuses it with 422
    if not db.is_sqlite:
        with db.sessions() as s:
            assert s.scalar(select(func.count()).select_from(Location)) == 0
    huge = client.post(f"/api/v1/webhooks/deliveries/{2**70}/redeliver", headers=admin)
    assert huge.status_code in (404, 422), huge.text
    deep = client.post(
        "/api/v1/locations", headers={**admin, "Content-Type": "application/json"}, content=b"[" * 100_000
    )
    assert deep.status_code in (400, 422), deep.text


def test_pages_and_answers_carry_security_headers(client):
    page = client.get("/login")
    assert page.headers["x-frame-options"] == "DENY" and page.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert client.get("/healthz").headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in client.get("/docs").headers  # Swagger UI brings its own script


def test_the_api_reference_works_without_internet(client):
    import re

    page = client.get("/docs")
    assert page.status_code == 200
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']|url: ['"]([^'"]+)['"]""", page.text)
    urls = [a or b for a, b in urls]
    assert urls and all(u.startswith("/") for u in urls), urls  # nothing from a CDN
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert "SwaggerUIBundle" in client.get("/docs-assets/swagger-ui-bundle.js").text
