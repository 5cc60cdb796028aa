"""A body the API cannot read says why: malformed JSON where and how, another media type 415."""


def test_malformed_json_names_the_place_in_words(client, admin):
    answer = client.post("/api/v1/locations", headers={**admin, "Content-Type": "application/json"},
                         content=b'{"kind": "site",\n "name": }')  # fmt: skip
    assert answer.status_code == 400 and answer.json()["code"] == "malformed_json"
    assert answer.json()["detail"] == "the body is not valid JSON: line 2, column 10: expecting value"


def test_a_form_or_text_sent_to_a_json_route_is_415_and_changes_nothing(client, admin):
    for headers, body in (({"Content-Type": "application/x-www-form-urlencoded"}, b"kind=site&name=X"),
                          ({"Content-Type": "text/plain"}, b'{"kind": "site", "name": "X", "time_zone": "UTC"}')):  # fmt: skip
        answer = client.post("/api/v1/locations", headers={**admin, **headers}, content=body)
        assert answer.status_code == 415 and answer.json()["code"] == "unsupported_media_type", answer.text
    ok = client.post("/api/v1/locations", headers={**admin, "Content-Type": "application/json; charset=utf-8"},
                     content=b'{"kind": "site", "name": "X", "time_zone": "UTC"}')  # fmt: skip
    assert ok.status_code == 201
    assert [s["name"] for s in client.get("/api/v1/locations", headers=admin).json()["items"]] == ["X"]
