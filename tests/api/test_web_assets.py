"""An asset created and edited in the browser: the API's own checks, errors by the form keeping what was typed and
nothing written, the lifecycle and the history as through the API."""

from sqlalchemy import func, select

from inventory_api.assets.models import Asset
from tests.api.stories.desk import API, build_desk, ok
from tests.api.test_web_orders import csrf, sign_in


def _count(db):
    with db.sessions() as s:
        return s.scalar(select(func.count()).select_from(Asset))


def test_a_monitor_added_and_edited_in_the_browser(client, admin, db, make_user):
    desk = build_desk(client, admin, db)
    site = str(desk.world.site.id)
    make_user("technician", username="tess", site_ids=[desk.world.site.id])
    sign_in(client, "tess")
    token = csrf(client.get("/assets/new").text)
    form = {"csrf": token, "kind": "monitor", "status": "in_stock", "name": "mon-new", "asset_tag": "MON-9",
            "serial": "CN-0ABC", "manufacturer": "Dell Inc.", "site_id": site, "room": "5-210",
            "purchase_date": "2026-11-02", "notes": "spare for 5-210"}  # fmt: skip

    before = _count(db)
    bad_date = client.post("/assets/new", data={**form, "purchase_date": "2026-13-40"})
    assert (
        bad_date.status_code == 422
        and "purchase_date" in bad_date.text
        and 'value="CN-0ABC"' in bad_date.text
    )
    no_room = client.post("/assets/new", data={**form, "room": "9-999"})
    assert no_room.status_code == 422 and "no place called" in no_room.text
    taken = client.post("/assets/new", data={**form, "asset_tag": desk.world.phone.asset_tag})
    assert taken.status_code == 409
    assert _count(db) == before

    made = client.post("/assets/new", data=form, follow_redirects=False)
    assert made.status_code == 303, made.text
    url = made.headers["location"]
    asset = ok(client.get(f"{API}{url}", headers=admin))
    assert (asset["name"], asset["location_id"], asset["purchase_date"]) == (
        "mon-new",
        str(desk.world.other_room.id),
        "2026-11-02",
    )
    edit = client.get(f"{url}/edit").text
    assert 'value="MON-9"' in edit and 'value="5-210"' in edit and 'value="Dell' in edit

    saved = client.post(f"{url}/edit", data={**form, "status": "deployed", "room": "3-114", "notes": ""},
                        follow_redirects=False)  # fmt: skip
    assert saved.status_code == 303, saved.text
    asset = ok(client.get(f"{API}{url}", headers=admin))
    assert (asset["status"], asset["location_id"], asset["notes"]) == (
        "deployed",
        str(desk.world.room.id),
        None,
    )
    history = client.get(url).text
    assert "in_stock → deployed" in history
    again = client.post(f"{url}/edit", data={**form, "status": "deployed", "room": "3-114", "notes": ""},
                        follow_redirects=False)  # fmt: skip
    assert again.status_code == 303
    assert (
        ok(client.get(f"{API}{url}", headers=admin))["version"] == asset["version"]
    )  # nothing changed, no write
