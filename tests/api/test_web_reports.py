"""Monday's report in the browser: the list, a report's form, rows, chart and CSV, a wrong parameter shown by the
form, and the upgrade candidates made a campaign with its progress page."""

import re

from tests.api.stories.desk import API, build_desk, ok
from tests.api.test_web_orders import csrf, hashlib_token, sign_in


def _old_desktops(client, admin, site_id):
    for n in range(3):
        ok(client.post(f"{API}/assets", headers=admin, json={
            "kind": "desktop", "name": f"old-{n}", "site_id": site_id, "status": "deployed",
            "purchase_date": "2015-01-01"}), 201)  # fmt: skip


def test_the_manager_reads_a_report_exports_it_and_makes_a_campaign(client, admin, db, make_user):
    desk = build_desk(client, admin, db)
    site = str(desk.world.site.id)
    _old_desktops(client, admin, site)
    make_user("technician", username="tess", site_ids=[desk.world.site.id])
    sign_in(client, "tess")

    index = client.get("/reports").text
    for name in ("sla", "backlog", "workload", "recurring", "security", "upgrade-candidates"):
        assert f'href="/reports/{name}"' in index

    page = client.get("/reports/upgrade-candidates", params={"older_than_years": "5"})
    assert page.status_code == 200
    api = ok(client.get(f"{API}/reports/upgrade-candidates", params={"older_than_years": "5"}, headers=admin))
    shown = re.findall(r"<td>(old-\d)</td>", page.text)
    assert sorted(shown) == sorted(r["name"] for r in api["rows"]) == ["old-0", "old-1", "old-2"]
    assert 'value="5"' in page.text  # the form keeps what was asked

    csv_url = re.search(r'id="csv" href="([^"]+)"', page.text).group(1).replace("&amp;", "&")
    exported = client.get(csv_url)
    assert exported.headers["content-type"].startswith("text/csv") and exported.text.count("old-") == 3

    made = client.post("/campaigns", follow_redirects=False, data={
        "csrf": csrf(page.text), "name": "Win 11 refresh", "older_than_years": "5", "site_id": site})  # fmt: skip
    assert made.status_code == 303, made.text
    campaign = client.get(made.headers["location"]).text
    assert (
        "Win 11 refresh" in campaign
        and "0 of 3 done" in campaign
        and campaign.count('href="/work-orders/') == 3
    )

    backlog = client.get("/reports/backlog").text
    chart = re.search(r'id="chart" src="([^"]+)"', backlog).group(1).replace("&amp;", "&")
    svg = client.get(chart)
    assert svg.headers["content-type"].startswith("image/svg+xml") and "<svg" in svg.text


def test_a_wrong_parameter_is_shown_by_the_form_and_a_viewer_makes_no_campaign(client, admin, db, make_user):
    desk = build_desk(client, admin, db)
    _old_desktops(client, admin, str(desk.world.site.id))
    make_user("viewer", username="vic", site_ids=[desk.world.site.id])
    sign_in(client, "vic")
    wrong = client.get(
        "/reports/sla", params={"group_by": "colour", "start": "2026-12-01", "end": "2026-01-01"}
    )
    assert wrong.status_code == 422 and 'id="error"' in wrong.text and "group_by" in wrong.text
    assert client.get("/reports/nothing-like-it").status_code == 404
    page = client.get("/reports/upgrade-candidates", params={"older_than_years": "5"}).text
    assert "old-0" in page and 'id="campaign"' not in page
    refused = client.post(
        "/campaigns", data={"csrf": hashlib_token(client), "name": "x", "older_than_years": "5"}
    )
    assert refused.status_code == 403
    assert ok(client.get(f"{API}/campaigns", headers=admin)) == []
