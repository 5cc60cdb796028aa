"""Work orders in the browser: open one from an asset, move it through its states, add notes — with CSRF."""

import re
import uuid

from sqlalchemy import func, select

from inventory_api.workorders.models import WorkOrder
from tests.api.ingest.reports import make_site
from tests.api.stories.desk import API, build_desk, ok


def sign_in(client, username):
    token = ok(
        client.post(f"{API}/auth/login", json={"username": username, "password": "correct horse battery"})
    )
    client.cookies.set("inventory_session", token["token"])


def csrf(html):
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


def orders(db):
    with db.sessions() as s:
        return s.scalar(select(func.count()).select_from(WorkOrder))


def test_the_help_desk_call_in_the_browser(client, admin, db, make_user):
    desk = build_desk(client, admin, db)
    make_user("technician", username="tess", site_ids=[desk.world.site.id])
    sign_in(client, "tess")
    asset_page = client.get(f"/assets/{desk.world.phone.id}").text
    token = csrf(asset_page)

    opened = client.post(f"/assets/{desk.world.phone.id}/work-orders", follow_redirects=False,
                         data={"csrf": token, "title": "Phone has no dial tone", "kind": "repair", "priority": "P2"})  # fmt: skip
    assert opened.status_code == 303
    order_url = opened.headers["location"]
    page = client.get(order_url).text
    assert "Phone has no dial tone" in page and 'id="state">new' in page and "inspect" in page
    assert 'value="in_progress"' in page and 'value="closed"' not in page  # only the allowed transitions

    for state in ("in_progress", "resolved"):
        moved = client.post(f"{order_url}/state", data={"csrf": token, "to": state}, follow_redirects=False)
        assert moved.status_code == 303, moved.text
    noted = client.post(
        f"{order_url}/notes", data={"csrf": token, "body": "Re-seated the cable"}, follow_redirects=False
    )
    assert noted.status_code == 303
    booked = client.post(f"{order_url}/time", data={"csrf": token, "minutes": "25", "work_date": "2026-12-02",
                                                    "note": "on site"}, follow_redirects=False)  # fmt: skip
    assert booked.status_code == 303
    refused = client.post(
        f"{order_url}/time", data={"csrf": token, "minutes": "0", "work_date": "2026-12-02"}
    )
    assert refused.status_code == 422
    page = client.get(order_url).text
    assert 'id="state">resolved' in page and "Re-seated the cable" in page
    assert "2026-12-02: 25 min — on site" in page
    order_id = order_url.rsplit("/", 1)[1]
    assert ok(client.get(f"{API}/work-orders/{order_id}", headers=admin))["state"] == "resolved"


def test_a_form_without_its_token_or_out_of_order_changes_nothing(client, admin, db, make_user):
    desk = build_desk(client, admin, db)
    make_user("technician", username="tess", site_ids=[desk.world.site.id])
    sign_in(client, "tess")
    before = orders(db)
    for token in (None, "0" * 40):
        data = {"title": "forged", "kind": "repair"} | ({"csrf": token} if token else {})
        answer = client.post(f"/assets/{desk.world.phone.id}/work-orders", data=data, follow_redirects=False)
        assert answer.status_code == 403
    assert orders(db) == before
    token = csrf(client.get(f"/assets/{desk.world.phone.id}").text)
    order = ok(client.post(f"{API}/work-orders", json={"kind": "repair", "title": "t", "site_id": str(desk.world.site.id)},
                           headers=admin), 201)  # fmt: skip
    wrong = client.post(f"/work-orders/{order['id']}/state", data={"csrf": token, "to": "closed"})
    assert wrong.status_code == 409 and "cannot go from" in wrong.text and 'id="state">new' in wrong.text
    hold = client.post(f"/work-orders/{order['id']}/state", data={"csrf": token, "to": "in_progress"},
                       follow_redirects=False)  # fmt: skip
    assert hold.status_code == 303


def test_a_viewer_sees_no_buttons_and_cannot_post_and_another_site_gets_404(client, admin, db, make_user):
    desk = build_desk(client, admin, db)
    order = ok(client.post(f"{API}/work-orders", json={"kind": "repair", "title": "t", "site_id": str(desk.world.site.id)},
                           headers=admin), 201)  # fmt: skip
    make_user("viewer", username="vic", site_ids=[desk.world.site.id])
    sign_in(client, "vic")
    page = client.get(f"/work-orders/{order['id']}").text
    assert "Move it on" not in page and "Add note" not in page
    assert "Open a work order" not in client.get(f"/assets/{desk.world.phone.id}").text
    token = hashlib_token(client)
    refused = client.post(f"/work-orders/{order['id']}/state", data={"csrf": token, "to": "in_progress"})
    assert refused.status_code == 403
    other = ok(
        client.post(
            f"{API}/locations", json={"kind": "site", "name": "B", "time_zone": "UTC"}, headers=admin
        ),
        201,
    )
    make_user("technician", username="bo", site_ids=[uuid.UUID(other["id"])])
    sign_in(client, "bo")
    assert client.get(f"/work-orders/{order['id']}").status_code == 404
    token = hashlib_token(client)
    assert (
        client.post(
            f"/work-orders/{order['id']}/state", data={"csrf": token, "to": "in_progress"}
        ).status_code
        == 404
    )
    assert ok(client.get(f"{API}/work-orders/{order['id']}", headers=admin))["state"] == "new"


def hashlib_token(client):
    import hashlib

    session = [c.value for c in client.cookies.jar if c.name == "inventory_session"][-1]
    return hashlib.sha256(b"csrf:" + session.encode()).hexdigest()[:40]


def test_a_flag_is_resolved_from_its_assets_page(client, admin, db, make_user):
    from inventory_api.assets.models import AssetFlag
    from inventory_api.ingest.flags import flag_asset

    desk = build_desk(client, admin, db)
    with db.transaction() as s:
        flag_asset(s, desk.monitor.id, "possible_clone", {"why": "test"})
    make_user("technician", username="tess", site_ids=[desk.world.site.id])
    sign_in(client, "tess")
    page = client.get(f"/assets/{desk.monitor.id}").text
    flag_id = re.search(r'action="/flags/([0-9a-f-]+)/resolve"', page).group(1)
    done = client.post(f"/flags/{flag_id}/resolve", data={"csrf": csrf(page), "note": "same monitor, new cable"},
                       follow_redirects=False)  # fmt: skip
    assert done.status_code == 303 and done.headers["location"] == f"/assets/{desk.monitor.id}"
    with db.sessions() as s:
        flag = s.get(AssetFlag, uuid.UUID(flag_id))
        assert flag.resolved_by == "tess" and flag.detail["resolution"] == "same monitor, new cable"
    again = client.post(f"/flags/{flag_id}/resolve", data={"csrf": csrf(page)})
    assert again.status_code == 409 and "already resolved" in again.text


def test_a_laptop_is_checked_out_and_in_from_its_page(client, admin, db, make_user):
    desk = build_desk(client, admin, db)
    laptop = ok(client.post(f"{API}/assets", json={"kind": "laptop", "name": "loaner-1", "site_id": str(desk.world.site.id)},
                            headers=admin), 201)  # fmt: skip
    make_user("technician", username="tess", site_ids=[desk.world.site.id])
    sign_in(client, "tess")
    page = client.get(f"/assets/{laptop['id']}").text
    token = csrf(page)
    nobody = client.post(
        f"/assets/{laptop['id']}/checkout", data={"csrf": token, "person": "nobody@example.org"}
    )
    assert nobody.status_code == 422 and "no person" in nobody.text
    out = client.post(f"/assets/{laptop['id']}/checkout", follow_redirects=False,
                      data={"csrf": token, "person": desk.world.pat.employee_id, "expected_return": "2027-01-31"})  # fmt: skip
    assert out.status_code == 303
    held = ok(client.get(f"{API}/assignments?asset_id={laptop['id']}&open=true", headers=admin))["items"]
    assert [(a["person_id"], a["expected_return"]) for a in held] == [(str(desk.world.pat.id), "2027-01-31")]
    again = client.post(
        f"/assets/{laptop['id']}/checkout", data={"csrf": token, "person": desk.world.pat.employee_id}
    )
    assert again.status_code == 409
    back = client.post(f"/assets/{laptop['id']}/checkin", data={"csrf": token}, follow_redirects=False)
    assert back.status_code == 303
    assert (
        ok(client.get(f"{API}/assignments?asset_id={laptop['id']}&open=true", headers=admin))["items"] == []
    )


def test_a_new_hire_gets_the_next_free_extension_from_their_page(client, admin, db, make_user):
    desk = build_desk(client, admin, db)
    site = str(desk.world.site.id)
    pool = ok(client.post(f"{API}/number-pools", json={"name": "HQ ext", "kind": "extension", "site_id": site,
                                                       "first": "4100", "last": "4101"}, headers=admin), 201)  # fmt: skip
    make_user("technician", username="tess", site_ids=[desk.world.site.id])
    sign_in(client, "tess")
    page = client.get(f"/people/{desk.world.pat.id}").text
    assert "HQ ext (extension)" in page
    given = client.post(f"/people/{desk.world.pat.id}/services", data={"csrf": csrf(page), "pool_id": pool["id"]},
                        follow_redirects=False)  # fmt: skip
    assert given.status_code == 303
    numbers = ok(client.get(f"{API}/services?person_id={desk.world.pat.id}&type=extension", headers=admin))[
        "items"
    ]
    assert "4100" in [s["number"] for s in numbers]
    assert "4100" in client.get(f"/people/{desk.world.pat.id}").text
    wrong = client.post(f"/people/{desk.world.pat.id}/services", data={"csrf": csrf(page), "pool_id": "nope"})
    assert wrong.status_code == 422


def test_a_new_hire_is_added_in_the_browser_and_a_bad_form_writes_nothing(client, admin, db, make_user):
    from inventory_api.people.models import Person

    desk = build_desk(client, admin, db)
    make_user("technician", username="tess", site_ids=[desk.world.site.id])
    sign_in(client, "tess")
    page = client.get("/people/new").text
    site = str(desk.world.site.id)
    with db.sessions() as s:
        before = s.scalar(select(func.count()).select_from(Person))
    bad = client.post("/people/new", data={"csrf": csrf(page), "name": "Nia New", "email": "not-an-address",
                                           "site_id": site})  # fmt: skip
    assert (
        bad.status_code == 422 and "e-mail" in bad.text and 'value="Nia New"' in bad.text
    )  # kept, by the form
    taken = client.post("/people/new", data={"csrf": csrf(page), "name": "Nia New", "site_id": site,
                                             "employee_id": desk.world.pat.employee_id})  # fmt: skip
    assert taken.status_code == 409
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == before
    added = client.post("/people/new", follow_redirects=False, data={
        "csrf": csrf(page), "name": "Nia New", "email": "nia@example.org", "employee_id": "E200", "site_id": site})  # fmt: skip
    assert added.status_code == 303
    assert "Nia New" in client.get(added.headers["location"]).text


def test_an_import_is_tried_as_a_dry_run_then_run_in_the_browser(client, admin, db, make_user):
    desk = build_desk(client, admin, db)
    make_user("technician", username="tess", site_ids=[desk.world.site.id])
    sign_in(client, "tess")
    page = client.get("/imports").text
    rows = f"employee_id,name,site\nE300,Ola One,{desk.world.site.name}\nE301,,{desk.world.site.name}\n"
    tried = client.post("/imports", data={"csrf": csrf(page), "kind": "people", "dry_run": "on", "csv": rows})
    assert tried.status_code == 200 and "(dry run)" in tried.text  # followed to the job's page
    assert 'id="status">failed' in tried.text or 'id="status">succeeded' in tried.text
    assert "<td>3</td><td>name</td>" in tried.text  # the bad row, its column
    with db.sessions() as s:
        from inventory_api.people.models import Person

        assert s.scalar(select(func.count()).where(Person.employee_id == "E300")) == 0
    fixed = rows.splitlines()[0] + "\n" + rows.splitlines()[1] + "\n"
    ran = client.post("/imports", data={"csrf": csrf(page), "kind": "people", "csv": fixed})
    assert 'id="status">succeeded' in ran.text and 'id="counts">1 / 0 / 0' in ran.text
    with db.sessions() as s:
        assert s.scalar(select(func.count()).where(Person.employee_id == "E300")) == 1
    uploaded = client.post("/imports", data={"csrf": csrf(page), "kind": "people", "csv": ""},
                           files={"file": ("hires.csv", f"\ufeffemployee_id,name,site\nE302,Ula Two,{desk.world.site.name}\n")})  # fmt: skip
    assert (
        'id="status">succeeded' in uploaded.text and "hires.csv" in uploaded.text
    )  # a file, its BOM dropped
    with db.sessions() as s:
        assert s.scalar(select(func.count()).where(Person.employee_id == "E302")) == 1
    forged = client.post(
        "/imports", data={"csrf": "0" * 40, "kind": "people"}, files={"file": ("x.csv", "a\n")}
    )
    assert forged.status_code == 403


def test_the_move_from_pats_page_in_the_browser(client, admin, db, make_user):
    """Pat's move opened from their page: the ticked devices go to room 5-210, the plugged-in ones into jack
    5-210-A, the extension moves with them, the DID keeps following its extension."""
    desk = build_desk(client, admin, db)
    world, svc = desk.world, desk.services
    make_user("technician", username="tess", site_ids=[world.site.id])
    sign_in(client, "tess")
    person_url = f"/people/{world.pat.id}"
    token = csrf(client.get(person_url).text)
    ticked = {f"item:{x}": "on" for x in (world.desktop.id, desk.monitor.id, world.phone.id, svc["extension"]["id"],
                                           svc["did"]["id"])}  # fmt: skip
    form = {"csrf": token, "title": "Move Pat to 5-210", "kind": "move", "priority": "P3", **ticked,
            "room_id": str(world.other_room.id)}  # fmt: skip

    before = orders(db)
    wrong_jack = client.post(f"{person_url}/work-orders", data={**form, "jack": "3-114-B"})
    assert wrong_jack.status_code == 422 and "no jack &#39;3-114-B&#39; in 5-210" in wrong_jack.text
    not_theirs = client.post(f"{person_url}/work-orders", data={**form, f"item:{world.switch.id}": "on"})
    assert not_theirs.status_code == 422 and orders(db) == before

    opened = client.post(
        f"{person_url}/work-orders", data={**form, "jack": "5-210-A"}, follow_redirects=False
    )
    assert opened.status_code == 303, opened.text
    order_url = opened.headers["location"]
    order = ok(client.get(f"{API}{order_url}", headers=admin))
    assert order["requester_id"] == str(world.pat.id)
    assert sorted(i["action"] for i in order["items"]) == ["move_asset"] * 3 + ["move_service", "note"]
    for state in ("in_progress", "resolved"):
        assert (
            client.post(
                f"{order_url}/state", data={"csrf": token, "to": state}, follow_redirects=False
            ).status_code
            == 303
        )

    room, jack = str(world.other_room.id), desk.jacks["5-210-A"]["id"]
    for device in (world.desktop, world.phone, desk.monitor):
        assert ok(client.get(f"{API}/assets/{device.id}", headers=admin))["location_id"] == room
    assert ok(client.get(f"{API}/assets/{world.phone.id}/connection", headers=admin))["jack_id"] == jack
    assert ok(client.get(f"{API}/assets/{world.desktop.id}/connection", headers=admin))["jack_id"] == jack
    assert ok(client.get(f"{API}/services/{svc['extension']['id']}", headers=admin))["location_id"] == room
    assert ok(client.get(f"{API}/services/{svc['did']['id']}", headers=admin))["location_id"] is None
    assert "5-210-A" in client.get(person_url).text


def test_a_file_bigger_than_a_request_is_imported_from_the_browser_up_to_the_import_limit(
    admin, db, settings, make_user, tmp_path
):
    """The browser's upload is streamed to the import spool under INVENTORY_MAX_IMPORT_BYTES, as the API's is,
    not held to the request limit of every other form; past it, 413 and nothing left in the spool."""
    from fastapi.testclient import TestClient

    from inventory_api.main import create_app
    from inventory_api.people.models import Person

    spool = tmp_path / "spool"
    small = settings.model_copy(update={"max_request_bytes": 4096, "max_import_bytes": 64 * 1024,
                                        "import_spool_dir": str(spool)})  # fmt: skip
    with TestClient(create_app(small, db)) as client:
        site = make_site(db, "Depot")
        make_user("technician", username="tess", site_ids=[site])
        sign_in(client, "tess")
        token = csrf(client.get("/imports").text)
        rows = "employee_id,name,site\n" + "".join(f"E{n:05},Person {n},Depot\n" for n in range(600))
        assert 4096 < len(rows) < 64 * 1024
        done = client.post(
            "/imports", data={"csrf": token, "kind": "people"}, files={"file": ("big.csv", rows)}
        )
        assert 'id="status">succeeded' in done.text and 'id="counts">600 / 0 / 0' in done.text
        with db.sessions() as s:
            assert s.scalar(select(func.count()).select_from(Person).where(Person.site_id == site)) == 600
        too_big = client.post("/imports", data={"csrf": token, "kind": "people"},
                              files={"file": ("huge.csv", rows * 30)})  # fmt: skip
        assert too_big.status_code == 413
        other_form = client.post(
            "/people/new", data={"csrf": token, "name": "X"}, files={"file": ("x.csv", rows)}
        )
        assert other_form.status_code == 413  # every other form keeps the request limit …
        small_file = client.post(
            "/people/new", data={"csrf": token, "name": "X"}, files={"photo": ("x.png", "a")}
        )
        assert small_file.status_code == 422 and "takes no file" in small_file.text  # … and takes no file
        assert sorted(p.name for p in spool.iterdir()) == []  # every spooled upload used up or removed
