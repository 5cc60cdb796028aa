"""The new hire and the leaver in the browser: a person added, a laptop checked out, an extension and a DID from
the site's pools, a voicemail box and a data jack on its VLAN (the switch port set); on the last day their services
disconnected and their numbers in quarantine. Every form error leaves nothing written."""

import re

from sqlalchemy import func, select

from inventory_api.assets.models import Asset
from inventory_api.services.models import Service
from tests.api.stories.desk import API, build_desk, ok
from tests.api.stories.test_new_hire_leaver import _pools, _taken
from tests.api.test_web_orders import csrf, sign_in


def _services(db):
    with db.sessions() as s:
        return s.scalar(select(func.count()).select_from(Service))


def test_the_new_hire_in_the_browser(client, admin, db, make_user):
    desk = build_desk(client, admin, db)
    world = desk.world
    ext_pool, did_pool = _pools(client, admin, str(world.site.id))
    with db.transaction() as session:
        session.add(
            Asset(kind="laptop", status="in_stock", name="lt-17", asset_tag="LT-17", site_id=world.site.id)
        )
    laptop = ok(client.get(f"{API}/assets", params={"asset_tag": "LT-17"}, headers=admin))["items"][0]
    make_user("technician", username="tess", site_ids=[world.site.id])
    sign_in(client, "tess")
    token = csrf(client.get("/people/new").text)

    made = client.post("/people/new", follow_redirects=False, data={
        "csrf": token, "name": "Sam Roe", "email": "sam.roe@example.org", "employee_id": "E200",
        "site_id": str(world.site.id)})  # fmt: skip
    person_url = made.headers["location"]
    assert client.post(f"/assets/{laptop['id']}/checkout", follow_redirects=False,
                       data={"csrf": token, "person": "E200"}).status_code == 303  # fmt: skip
    before = _services(db)
    no_extension_yet = client.post(f"{person_url}/services", data={"csrf": token, "pool_id": did_pool["id"]})
    assert no_extension_yet.status_code == 422 and "rings an extension" in no_extension_yet.text
    assert _services(db) == before
    for pool in (ext_pool, did_pool):
        given = client.post(
            f"{person_url}/services", data={"csrf": token, "pool_id": pool["id"]}, follow_redirects=False
        )
        assert given.status_code == 303, given.text
    add = lambda **form: client.post(f"{person_url}/other-services", data={"csrf": token, **form},  # noqa: E731
                                     follow_redirects=False)  # fmt: skip
    assert add(type="voicemail", mailbox="4020", extension="4020").status_code == 303
    wrong_vlan = add(type="data_port", jack="5-210-A", vlan="5000")
    assert wrong_vlan.status_code == 422 and "vlan" in wrong_vlan.text
    assert add(type="data_port", jack="no-such-jack", vlan="20").status_code == 422
    assert add(type="data_port", jack="5-210-A", vlan="30", voice_vlan="130").status_code == 303

    page = client.get(person_url).text
    words = re.sub("<[^>]+>", "", page)
    assert "extension 4020 — active" in words and "did +15551234020 — active" in words
    assert "voicemail 4020 — active" in words and "VLAN 30, voice 130 · switch port set" in words
    assert f'href="/assets/{laptop["id"]}"' in page
    port = ok(client.get(f"{API}/switch-ports/{desk.ports['5-210-A']['id']}", headers=admin))
    assert (port["vlan"], port["voice_vlan"], port["admin_state"]) == (30, 130, "up")
    pool = client.get(f"/number-pools/{ext_pool['id']}").text
    assert (
        "8 free of 10" in pool
        and "Pat Doe" in pool
        and re.search(r"<td>4020</td><td>assigned</td>\s*<td><a [^>]+>Sam Roe</a>", pool)
    )
    did = ok(client.get(f"{API}/services", params={"type": "did", "number": "+15551234020"}, headers=admin))[
        "items"
    ][0]
    assert did["details"]["extension"] == "4020"


def test_the_leaver_in_the_browser(client, admin, db, make_user):
    desk = build_desk(client, admin, db)
    world = desk.world
    ext_pool, _ = _pools(client, admin, str(world.site.id))
    make_user("technician", username="tess", site_ids=[world.site.id])
    sign_in(client, "tess")
    sam_url = f"/people/{ok(client.post(f'{API}/people', json={'name': 'Sam', 'site_id': str(world.site.id)}, headers=admin), 201)['id']}"
    token = csrf(client.get(sam_url).text)
    client.post(f"{sam_url}/services", data={"csrf": token, "pool_id": ext_pool["id"]})
    assert _taken(client, admin, ext_pool) == {"4020": "assigned"}

    unconfirmed = client.post(f"{sam_url}/offboard", data={"csrf": token})
    assert unconfirmed.status_code == 422 and _taken(client, admin, ext_pool) == {"4020": "assigned"}
    gone = client.post(f"{sam_url}/offboard", data={"csrf": token, "confirm": "on"}, follow_redirects=False)
    assert gone.status_code == 303
    assert _taken(client, admin, ext_pool) == {"4020": "quarantined"}
    assert "extension 4020</a> — disconnected" in client.get(sam_url).text
    pat = client.get(f"/people/{world.pat.id}").text  # Pat keeps everything
    assert "extension 4021</a> — active" in pat


def test_a_person_edited_in_the_browser(client, admin, db, make_user):
    desk = build_desk(client, admin, db)
    world = desk.world
    make_user("technician", username="tess", site_ids=[world.site.id])
    sign_in(client, "tess")
    url = f"/people/{world.pat.id}"
    form = client.get(f"{url}/edit").text
    assert 'value="Pat Doe"' in form
    token = csrf(form)
    wrong = client.post(
        f"{url}/edit",
        data={"csrf": token, "name": "Pat Doe", "email": "not-mail", "site_id": str(world.site.id)},
    )
    assert wrong.status_code == 422 and 'value="not-mail"' in wrong.text
    saved = client.post(f"{url}/edit", follow_redirects=False, data={
        "csrf": token, "name": "Pat Doe", "email": "pat.doe@example.org", "department": "Finance", "site_id": str(world.site.id)})  # fmt: skip
    assert saved.status_code == 303
    person = ok(client.get(f"{API}/people/{world.pat.id}", headers=admin))
    assert (person["email"], person["department"]) == ("pat.doe@example.org", "Finance")
