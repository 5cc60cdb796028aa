"""A service's page and its form: status along its transitions, an extension's dependents, notes and dates."""

from tests.api.ingest.reports import make_site
from tests.api.stories.desk import API, build_desk, ok
from tests.api.test_web_orders import csrf, sign_in
from tests.api.test_web_places import form_token


def service(client, admin, service_id) -> dict:
    return ok(client.get(f"{API}/services/{service_id}", headers=admin))


def test_a_voicemail_box_changed_and_suspended_from_its_page(client, admin, db, make_user):
    desk = build_desk(client, admin, db)
    world = desk.world
    make_user("technician", username="tess", site_ids=[world.site.id])
    sign_in(client, "tess")
    person = client.get(f"/people/{world.pat.id}").text
    voicemail_id = desk.services["voicemail"]["id"]
    assert f'<a href="/services/{voicemail_id}">voicemail' in person
    url = f"/services/{voicemail_id}"
    page = client.get(url).text
    assert "mailbox" in page and "4021" in page and f'href="/people/{world.pat.id}"' in page
    token = csrf(page)
    bad = client.post(f"{url}/edit", data={"csrf": token, "end_date": "next spring"})
    assert bad.status_code == 422 and "end_date" in bad.text
    assert service(client, admin, voicemail_id)["end_date"] is None
    saved = client.post(f"{url}/edit", follow_redirects=False, data={
        "csrf": token, "status": "suspended", "end_date": "2027-01-31", "cost_centre": "CC-40", "notes": "on leave"})  # fmt: skip
    assert saved.status_code == 303
    now = service(client, admin, voicemail_id)
    assert (now["status"], now["end_date"], now["cost_centre"], now["notes"]) == (
        "suspended",
        "2027-01-31",
        "CC-40",
        "on leave",
    )
    page = client.get(url).text
    assert "by tess" in page and "<option>active</option>" in page  # back to active is allowed
    assert client.post(f"{url}/edit", data={"csrf": token, "status": "requested"}).status_code == 409


def test_an_extension_disconnected_from_its_page_says_what_becomes_of_its_did_and_voicemail(
    client, admin, db, make_user
):
    desk = build_desk(client, admin, db)
    make_user("technician", username="tess", site_ids=[desk.world.site.id])
    sign_in(client, "tess")
    extension = desk.services["extension"]["id"]
    url = f"/services/{extension}"
    page = client.get(url).text
    assert 'name="dependents"' in page
    token = csrf(page)
    refused = client.post(
        f"{url}/edit", data={"csrf": token, "status": "disconnected", "dependents": "refuse"}
    )
    assert refused.status_code == 409 and service(client, admin, extension)["status"] == "active"
    assert service(client, admin, desk.services["did"]["id"])["status"] == "active"
    wrong = client.post(f"{url}/edit", data={"csrf": token, "status": "disconnected", "dependents": "maybe"})
    assert wrong.status_code == 422 and "dependents" in wrong.text
    done = client.post(f"{url}/edit", follow_redirects=False,
                       data={"csrf": token, "status": "disconnected", "dependents": "disconnect"})  # fmt: skip
    assert done.status_code == 303
    for key in ("extension", "did", "voicemail"):
        assert service(client, admin, desk.services[key]["id"])["status"] == "disconnected", key
    assert 'id="edit-service"' not in client.get(url).text  # nothing more to change


def test_another_sites_service_is_not_found_and_a_viewer_changes_nothing(client, admin, db, make_user):
    desk = build_desk(client, admin, db)
    voicemail = desk.services["voicemail"]["id"]
    make_user("admin", username="olga", site_ids=[make_site(db, "Elsewhere")])
    make_user("viewer", username="vic", site_ids=[desk.world.site.id])
    sign_in(client, "vic")
    assert 'id="edit-service"' not in client.get(f"/services/{voicemail}").text
    viewer = client.post(f"/services/{voicemail}/edit", data={"csrf": form_token(client), "notes": "mine"})
    assert viewer.status_code == 403
    sign_in(client, "olga")
    assert client.get(f"/services/{voicemail}").status_code == 404
    other = client.post(f"/services/{voicemail}/edit", data={"csrf": form_token(client), "notes": "mine"})
    assert other.status_code == 404
    assert service(client, admin, voicemail)["notes"] is None


def test_a_voicemail_box_and_a_data_ports_vlan_changed_from_their_pages(client, admin, db, make_user):
    desk = build_desk(client, admin, db)
    make_user("technician", username="tess", site_ids=[desk.world.site.id])
    sign_in(client, "tess")
    voicemail, port = desk.services["voicemail"]["id"], desk.services["data_port"]["id"]
    token = csrf(client.get(f"/services/{voicemail}").text)
    assert 'name="mailbox"' in client.get(f"/services/{voicemail}").text
    moved = client.post(f"/services/{voicemail}/edit", data={"csrf": token, "mailbox": "4099", "extension": "4021"},
                        follow_redirects=False)  # fmt: skip
    assert moved.status_code == 303, moved.text
    assert service(client, admin, voicemail)["details"]["mailbox"] == "4099"
    bad = client.post(f"/services/{port}/edit", data={"csrf": token, "vlan": "5000", "voice_vlan": "120"})
    assert bad.status_code == 422 and "vlan" in bad.text
    assert service(client, admin, port)["details"]["vlan"] == 20
    ok_vlan = client.post(f"/services/{port}/edit", data={"csrf": token, "vlan": "30", "voice_vlan": "130"},
                          follow_redirects=False)  # fmt: skip
    assert ok_vlan.status_code == 303, ok_vlan.text
    now = service(client, admin, port)
    assert (now["details"]["vlan"], now["details"]["voice_vlan"]) == (30, 130)
    switch_port = ok(client.get(f"{API}/switch-ports/{desk.ports['3-114-C']['id']}", headers=admin))
    assert (switch_port["vlan"], switch_port["voice_vlan"]) == (30, 130)  # the data port set its switch port
