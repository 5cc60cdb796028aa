"""Dana's search, in a real browser against a real server process."""

from inventory_api.assets import service as assets
from inventory_api.auth import service as auth
from inventory_api.history.service import Actor, set_actor
from inventory_api.locations.models import Location
from inventory_api.people import service as people
from inventory_api.services import service as services
from tests.api.cabling.world import build_world, cable_desk


def seed(db) -> None:
    with db.transaction() as session:
        set_actor(session, Actor("system", name="seed"))
        auth.create_user(session, username="dana", role="technician", password="dana's long password")
        site = Location(kind="site", name="HQ", time_zone="Europe/Paris")
        session.add(site)
        session.flush()
        site.site_id = site.id
        pat = people.create_person(
            session, {"name": "Pat Jones", "email": "pat@example.org", "site_id": site.id}
        )
        desktop = assets.create_asset(
            session,
            {"kind": "desktop", "hostname": "ws-3-114", "serial": "CZC1234XYZ", "asset_tag": "IT-004021",
             "site_id": site.id, "assigned_person_id": pat.id, "status": "deployed"},
        )  # fmt: skip
        assets.update_asset(session, desktop, {"notes": "slow, disk nearly full"})


def seed_desk(db):
    """Pat's desk, cabled to the switch, with extension 4021 on its phone; Dana the technician."""
    with db.transaction() as session:
        set_actor(session, Actor("system", name="seed"))
        auth.create_user(session, username="dana", role="technician", password="dana's long password")
        world = build_world(session)
        cable_desk(session, world)
        services.create_service(
            session,
            {"type": "extension", "status": "active", "person_id": world.pat.id, "location_id": world.room.id,
             "details": {"number": "4021"}, "asset_ids": [world.phone.id]},
        )  # fmt: skip
    return world


def signed_in_page(browser, live_server):
    page = browser.new_page()
    page.goto(live_server.url + "/login")
    page.fill("input[name=username]", "dana")
    page.fill("input[name=password]", "dana's long password")
    page.click("form.login button")
    return page


def test_technician_signs_in_finds_a_desktop_by_serial_and_reads_its_history(live_server, browser, db):
    seed(db)
    page = browser.new_page()
    page.goto(live_server.url + "/")
    assert page.url.endswith("/login")  # signed-out browsers are sent to sign in

    page.fill("input[name=username]", "dana")
    page.fill("input[name=password]", "wrong")
    page.click("form.login button")
    assert "wrong username or password" in page.inner_text("[role=alert]")

    page.fill("input[name=username]", "dana")
    page.fill("input[name=password]", "dana's long password")
    page.click("form.login button")
    page.fill("input[name=q]", "czc 1234 xyz")  # serials are matched normalised
    page.click("form.search button")
    assert page.inner_text("h1") == "ws-3-114"  # the one match: straight to its page
    assert "Pat Jones" in page.inner_text("dl.facts")
    history = page.inner_text("#history")
    assert "notes" in history and "slow, disk nearly full" in history

    page.fill("input[name=q]", "pat")  # a person's name prefix finds them and their desktop
    page.click("form.search button")
    assert page.locator("#people li").count() == 1
    assert page.locator("#assets tbody tr").count() == 1
    page.close()


def test_the_help_desk_call_from_an_extension_to_a_switch_port(live_server, browser, db):
    """Dana's day: the caller gives extension 4021, or the label on the wall jack."""
    seed_desk(db)
    page = signed_in_page(browser, live_server)

    page.fill("input[name=q]", "4021")
    page.click("form.search button")
    assert "extension 4021 — active" in page.inner_text("#services")
    page.click("#people a:has-text('Pat Doe')")
    plugged = page.inner_text("#paths")
    assert (
        "Pat's phone → jack 3-114-B → panel P3 port 14 → switch sw-3-1 Gi1/0/14, VLAN 20/voice 120" in plugged
    )
    assert "extension 4021" in page.inner_text("#services")

    page.fill("input[name=q]", "3-114")  # the start of the jack's label
    page.click("form.search button")
    assert "jack 3-114-B → panel P3 port 14" in page.inner_text("#jacks")
    page.close()


def test_the_help_desk_call_ends_with_a_resolved_work_order_in_the_browser(live_server, browser, db):
    """Dana finds the caller's phone by its extension, opens a repair order from its page, works and resolves it;
    the order was in her queue on the home page."""
    world = seed_desk(db)
    page = signed_in_page(browser, live_server)
    assert "My queue" in page.inner_text("main")

    page.goto(live_server.url + f"/assets/{world.phone.id}")
    page.fill("#new-order input[name=title]", "No dial tone on 4021")
    page.select_option("#new-order select[name=priority]", "P2")
    page.click("#new-order button")
    assert page.inner_text("h1") == "No dial tone on 4021"
    assert page.inner_text("#state").startswith("new")
    assert page.locator("button[value=closed]").count() == 0  # only the allowed next states are offered

    page.click("button[value=in_progress]")
    page.fill("textarea[name=body]", "Patch cable was loose at 3-114-B")
    page.click("text=Add note")
    assert "Patch cable was loose" in page.inner_text("#notes")
    page.click("button[value=resolved]")
    assert page.inner_text("#state").startswith("resolved")
    assert "in_progress → resolved" in page.inner_text("#history")
    page.close()
