"""The stories of STORIES.md that have a browser part, click by click in Debian's Chromium against a real server
process (SQLite and PostgreSQL): the move, the new hire and the leaver, Monday's report; a viewer sees no button
and a form posted from another site is refused. The pages are photographed on the way (docs/web.md shows them when
INVENTORY_SCREENSHOTS_DIR names the folder to keep them in)."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import httpx
import pytest

from inventory_api.assets.models import Asset
from tests.api.stories.desk import API, build_desk, move_order, ok
from tests.api.stories.test_new_hire_leaver import _pools

pytestmark = pytest.mark.e2e
PASSWORD = "correct horse battery"


@pytest.fixture
def desk(live_server, db, make_user):
    """Pat's desk wired through the API of the running server, and Tess, a technician of the site."""
    admin = make_user("admin")
    with httpx.Client(base_url=live_server.url) as client:
        built = build_desk(client, admin, db)
        built.pools = _pools(client, admin, str(built.world.site.id))
        built.api = lambda path: ok(client.get(API + path, headers=admin))
        built.post = lambda path, body: ok(client.post(API + path, json=body, headers=admin), 201)
        make_user("technician", username="tess", site_ids=[built.world.site.id])
        make_user("viewer", username="vic", site_ids=[built.world.site.id])
        yield built


@pytest.fixture
def shots(tmp_path):
    """Where the pages are photographed; copied to INVENTORY_SCREENSHOTS_DIR when it is set."""
    folder = tmp_path / "screens"
    folder.mkdir()
    yield folder
    keep = os.environ.get("INVENTORY_SCREENSHOTS_DIR")
    taken = sorted(folder.glob("*.png"))
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in taken)
    if keep:
        for picture in taken:
            shutil.copy(picture, Path(keep) / picture.name)


def sign_in(browser, live_server, username):
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(live_server.url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login button")
    return page


def test_the_move_in_the_browser(live_server, browser, desk, shots):
    """Tess opens Pat's move from their page: desktop, monitor, phone and extension 4021 to 5-210, jack 5-210-A;
    she works it and resolves it, and every page says 5-210."""
    world = desk.world
    page = sign_in(browser, live_server, "tess")
    page.fill("input[name=q]", "4021")
    page.click("form.search button")
    page.click("#people a:has-text('Pat')")
    page.screenshot(path=shots / "person.png", full_page=True)
    form = page.locator("#person-order")
    form.locator("input[name=title]").fill("Move Pat from 3-114 to 5-210")
    form.locator("select[name=kind]").select_option("move")
    for label in ("desktop pc-pat", "monitor mon-pat", "ip_phone phone-4021", "extension 4021"):
        form.locator(f"label:has-text('{label}') input").check()
    form.locator("select[name=room_id]").select_option(label="5-210")
    form.locator("input[name=jack]").fill("5-210-A")
    form.locator("button").click()
    assert page.inner_text("h1") == "Move Pat from 3-114 to 5-210"
    assert page.locator("#items tbody tr").count() == 4
    page.click("button[value=in_progress]")
    page.click("button[value=resolved]")
    assert page.inner_text("#state").startswith("resolved")
    page.screenshot(path=shots / "work-order.png", full_page=True)

    page.goto(live_server.url + f"/people/{world.pat.id}")
    paths = page.inner_text("#paths")
    assert "jack 5-210-A → panel P5 port 1 → switch sw-5-2 Gi1/0/30" in paths and "3-114-B" not in paths
    page.goto(live_server.url + f"/assets/{world.phone.id}")
    assert "5-210" in page.inner_text("dl.facts") and "jack 5-210-A" in page.inner_text("#path")
    page.screenshot(path=shots / "asset.png", full_page=True)
    assert desk.api(f"/services/{desk.services['extension']['id']}")["location_id"] == str(
        world.other_room.id
    )
    page.close()


def test_the_new_hire_and_the_leaver_in_the_browser(live_server, browser, desk, db, shots):
    with db.transaction() as session:
        session.add(
            Asset(
                kind="laptop", status="in_stock", name="lt-17", asset_tag="LT-17", site_id=desk.world.site.id
            )
        )
    page = sign_in(browser, live_server, "tess")
    page.click("text=Add a person")
    page.fill("input[name=name]", "Sam Roe")
    page.fill("input[name=employee_id]", "E200")
    page.click("form button:has-text('Add')")
    assert page.inner_text("h1") == "Sam Roe"
    sam_url = page.url
    page.select_option("#give-number select[name=pool_id]", label="HQ extensions (extension)")
    page.click("#give-number button")
    page.select_option("#give-number select[name=pool_id]", label="HQ DIDs (did)")
    page.click("#give-number button")
    add = page.locator("#add-service")
    add.locator("select[name=type]").select_option("data_port")
    add.locator("input[name=jack]").fill("5-210-A")
    add.locator("input[name=vlan]").fill("30")
    add.locator("button").click()
    services = page.inner_text("#services")
    assert "extension 4020 — active" in services and "did +15551234020 — active" in services
    assert "VLAN 30 · switch port set" in services

    page.fill("input[name=q]", "LT-17")
    page.click("form.search button")  # the one laptop tagged so: its page
    page.fill("#checkout input[name=person]", "E200")
    page.click("#checkout button")
    page.goto(sam_url)
    assert "lt-17" in page.inner_text("#assets")
    page.screenshot(path=shots / "new-hire.png", full_page=True)

    page.locator("#offboard input[name=confirm]").check()
    page.click("#offboard button")
    assert "extension 4020 — disconnected" in page.inner_text("#services")
    assert desk.api(f"/number-pools/{desk.pools[0]['id']}/numbers")["items"][0]["state"] == "quarantined"
    page.close()


def chart_loads(page) -> None:
    """The chart's image has loaded and drawn (waited for: it loads after the page); times out otherwise."""
    page.wait_for_function(
        "() => { const img = document.querySelector('#chart'); return img && img.complete && img.naturalWidth > 0 }",
        timeout=15_000,
    )


def test_mondays_report_in_the_browser(live_server, browser, desk, db, shots):
    with db.transaction() as session:
        for n in range(3):
            session.add(Asset(kind="desktop", name=f"old-{n}", status="deployed", site_id=desk.world.site.id,
                              purchase_date=date(2015, 1, 1)))  # fmt: skip
    page = sign_in(browser, live_server, "tess")
    page.click("header a:has-text('Reports')")
    page.click("#reports a:has-text('upgrade-candidates')")
    page.fill("input[name=older_than_years]", "5")
    page.click("#report-form button")
    assert page.locator("#rows tbody tr").count() == 3
    chart_loads(page)  # the SVG loads under the page's CSP
    with page.expect_download() as download:
        page.click("#csv")
    assert download.value.suggested_filename.startswith("upgrade-candidates-")
    page.screenshot(path=shots / "report.png", full_page=True)
    page.fill("#campaign input[name=name]", "Old desktops")
    page.click("#campaign button")
    assert "0 of 3 done" in page.inner_text("#progress")
    page.close()


def test_the_managers_own_report_built_saved_and_opened_in_the_browser(live_server, browser, desk, shots):
    """Monday's last step: open moves per building, built without code, previewed, saved shared, opened again."""
    room = str(desk.world.room.id)
    desk.post("/work-orders", {**move_order(desk), "location_id": room})
    desk.post("/work-orders", {"kind": "repair", "title": "No dial tone", "site_id": str(desk.world.site.id),
                               "location_id": room})  # fmt: skip
    page = sign_in(browser, live_server, "tess")
    page.click("header a:has-text('Reports')")
    page.click("#build")
    page.select_option("select[name=field0]", "kind")
    page.fill("input[name=value0]", "move")
    page.select_option("select[name=field1]", "state")
    page.select_option("select[name=op1]", "in")
    page.fill("input[name=value1]", "new, assigned, in_progress, on_hold")
    page.locator("select[name=group_by]").first.select_option("building")
    page.select_option("select[name=chart]", "bar")
    page.click("button[name=preview][value='1']")
    assert page.inner_text("#rows thead").split() == ["building", "value"]
    assert page.inner_text("#rows tbody").split() == ["Main", "1"]  # the move, not the repair
    page.fill("#save input[name=name]", "Open moves per building")
    page.select_option("#save select[name=shared_with_role]", "technician")
    page.select_option("#save select[name=schedule]", "weekly")
    page.fill("#save input[name=email_to]", "boss@example.org")
    page.click("#save button")
    assert page.inner_text("h1") == "Open moves per building"
    assert "shared with every technician · runs weekly, e-mailed to boss@example.org" in page.inner_text(
        "main"
    )
    chart_loads(page)
    with page.expect_download() as download:
        page.click("#csv")
    assert Path(download.value.path()).read_text().splitlines()[1:] == ["Main,1"]
    page.screenshot(path=shots / "custom-report.png", full_page=True)
    page.click("nav a:has-text('Reports')")
    assert "Open moves per building" in page.inner_text("#custom")
    page.close()


def test_a_viewer_sees_no_button_and_another_sites_form_is_refused(live_server, browser, desk):
    page = sign_in(browser, live_server, "vic")
    page.goto(live_server.url + f"/people/{desk.world.pat.id}")
    assert page.locator("form[method=post]:not([action='/logout'])").count() == 0
    page.goto(live_server.url + f"/assets/{desk.world.phone.id}")
    assert page.locator("form[method=post]:not([action='/logout'])").count() == 0
    page.close()
    tess = sign_in(browser, live_server, "tess")
    cookies = {c["name"]: c["value"] for c in tess.context.cookies()}
    forged = httpx.post(live_server.url + f"/people/{desk.world.pat.id}/offboard", cookies=cookies,
                        data={"confirm": "on"}, headers={"Origin": "https://evil.example"})  # fmt: skip
    assert forged.status_code == 403
    assert desk.api(f"/services/{desk.services['extension']['id']}")["status"] == "active"
    tess.close()


#: Every control of a page has a name a screen reader says: its label, or aria-label.
UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
    .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.textContent.trim())
    .map(el => el.outerHTML.slice(0, 120))"""


def test_the_pages_fit_a_tablet_and_every_control_is_labelled(live_server, browser, desk):
    """At tablet width (768 px) no page scrolls sideways, and every input, list and button has a name."""
    order = desk.post("/work-orders", {**move_order(desk), "location_id": str(desk.world.room.id)})
    world, panel = desk.world, desk.panel_ports["3-114-B"]["panel_id"]
    pages = [
        "/", f"/assets/{world.desktop.id}", f"/assets/{world.switch.id}", f"/people/{world.pat.id}",
        f"/locations/{world.room.id}", f"/locations/{world.closet.id}", "/locations", f"/work-orders/{order['id']}",
        f"/services/{desk.services['extension']['id']}", f"/jacks/{desk.jacks['3-114-B']['id']}",
        f"/patch-panels/{panel}", "/reports", "/reports/sla", "/reports/custom/new", "/imports", "/people/new",
        "/assets/new", f"/number-pools/{desk.pools[0]['id']}",
    ]  # fmt: skip
    page = sign_in(browser, live_server, "tess")
    page.set_viewport_size({"width": 768, "height": 1024})
    too_wide, unlabelled = {}, {}
    for path in pages:
        answer = page.goto(live_server.url + path)
        assert answer is not None and answer.status == 200, path
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            too_wide[path] = overflow
        if missing := page.evaluate(UNLABELLED):
            unlabelled[path] = missing
    assert too_wide == {} and unlabelled == {}
    page.close()
