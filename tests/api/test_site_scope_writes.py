"""Site scope on every write route: a user of site A, of each role, tries each write against site B's records.

The routes come from the app itself, so a new write route is covered or fails `test_every_write_route_is_covered`.
Each case is a request aimed at site B that is valid in itself: at the end the same requests, sent by an admin of
site B, must succeed — so a refusal seen here is the site rule at work, not a malformed request. Between the two,
everything of site B is compared, as an admin of every site reads it: nothing may have changed.
"""

from __future__ import annotations

import hashlib
import importlib
import uuid
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select

from inventory_api.assets.models import AssetFlag, AssetIdentifier
from inventory_api.db import utcnow
from inventory_api.events.models import OutboxEvent
from inventory_api.events.service import emit_event
from inventory_api.history.models import ChangeEvent
from inventory_api.ingest.flags import flag_asset
from inventory_api.main import ROUTERS
from inventory_api.models import Base
from inventory_api.webhooks import service as webhooks
from inventory_api.webhooks.models import WebhookDelivery
from tests.api.stories.desk import API, build_desk, ok

#: Writes that are not about a site's records, and why.
NOT_SITE_SCOPED = {
    "POST /api/v1/auth/login": "signing in",
    "POST /login": "signing in (the page)",
    "POST /logout": "signing out ends the caller's own session",
    "POST /api/v1/collectors/enroll": "collectors: an enroll secret, not a user (tests/api/ingest/test_takeover.py)",
    "POST /api/v1/agents/fusion": "other agents: a site's enroll secret, not a user; it binds within its site (tests/api/agents)",
    "POST /api/v1/agents/fusion/{secret}": "other agents: a site's enroll secret, not a user; it binds within its site (tests/api/agents)",
    "POST /api/v1/agents/ocs/{secret}": "other agents: a site's enroll secret, not a user; it binds within its site (tests/e2e/test_ocs_agent.py)",
    "POST /api/v1/agents/glpi": "other agents: a site's enroll secret, not a user; it binds within its site (tests/api/agents)",
    "POST /api/v1/agents/glpi/{secret}": "other agents: a site's enroll secret, not a user; it binds within its site (tests/api/agents)",
    "POST /api/v1/custom-reports": "custom reports: a user's own saved definition, no site data; it runs within the caller's sites (tests/api/custom_reports)",
    "POST /api/v1/custom-reports/preview": "custom reports: a user's own saved definition, no site data; it runs within the caller's sites (tests/api/custom_reports)",
    "PATCH /api/v1/custom-reports/{report_id}": "custom reports: a user's own saved definition, no site data; it runs within the caller's sites (tests/api/custom_reports)",
    "DELETE /api/v1/custom-reports/{report_id}": "custom reports: a user's own saved definition, no site data; it runs within the caller's sites (tests/api/custom_reports)",
    "POST /reports/custom": "custom reports: a user's own saved definition, no site data; it runs within the caller's sites (tests/api/custom_reports)",
    "POST /locations": "a new site is a root of its own, for admins (the API's rule for POST /api/v1/locations of kind site)",
    "POST /api/v1/inventory": "collectors: a node key names one asset (tests/api/ingest/test_takeover.py)",
    "POST /api/v1/manufacturers": "the catalog of makers is shared by every site",
    "PATCH /api/v1/manufacturers/{manufacturer_id}": "the shared catalog",
    "POST /api/v1/manufacturers/{manufacturer_id}/aliases": "the shared catalog",
    "DELETE /api/v1/manufacturers/{manufacturer_id}": "the shared catalog",
    "POST /api/v1/models": "the shared catalog",
    "PATCH /api/v1/models/{model_id}": "the shared catalog",
    "DELETE /api/v1/models/{model_id}": "the shared catalog",
    "POST /api/v1/custom-fields": "field definitions per asset kind, shared by every site (admin only)",
    "PATCH /api/v1/custom-fields/{field_id}": "shared field definitions (admin only)",
    "DELETE /api/v1/custom-fields/{field_id}": "shared field definitions (admin only)",
    "POST /api/v1/sla/calendars": "SLA calendars are organisation-wide (admin only)",
    "PATCH /api/v1/sla/calendars/{calendar_id}": "organisation-wide SLA settings (admin only)",
    "POST /api/v1/sla/policies": "organisation-wide SLA settings (admin only)",
    "PATCH /api/v1/sla/policies/{policy_id}": "organisation-wide SLA settings (admin only)",
    "POST /api/v1/os-support-dates/import": "vendors' support dates, organisation-wide (admin only)",
    "POST /api/v1/campaigns/preview": "reads only: which of the caller's own assets a campaign would take",
}

Case = Callable[[Any], tuple[str, Any]]


def _cases() -> dict[str, tuple[Case, tuple[int, ...]]]:
    """route → (the request against site B, the statuses a site-A caller may get besides 403/404/422)."""
    refuse: tuple[int, ...] = ()
    accepted = (200, 202)  # answered for the caller's own sites only: the effect check decides
    # fmt: off
    return {
        "POST /api/v1/users": (lambda w: ("/users", {"username": "mole", "role": "viewer", "site_ids": [w.site]}), refuse),
        "PATCH /api/v1/users/{user_id}": (lambda w: (f"/users/{w.user_b}", {"full_name": "Owned"}), refuse),
        "POST /api/v1/tokens": (lambda w: ("/tokens", {"name": "mole", "user_id": w.user_b}), refuse),
        "POST /api/v1/enroll-secrets": (lambda w: ("/enroll-secrets", {"name": "mole", "site_id": w.site}), refuse),
        "POST /api/v1/collectors/{collector_id}/approve": (lambda w: (f"/collectors/{w.collector}/approve", None), refuse),
        "POST /api/v1/assets/{asset_id}/merge": (lambda w: (f"/assets/{w.monitor}/merge", {"duplicate_id": w.dupe}), refuse),
        "POST /api/v1/inventory/stale/flag": (lambda w: ("/inventory/stale/flag?days=1", None), accepted),
        "POST /api/v1/locations": (lambda w: ("/locations", {"kind": "room", "name": "mole", "parent_id": w.floor}), refuse),
        "PATCH /api/v1/locations/{location_id}": (lambda w: (f"/locations/{w.room}", {"name": "owned"}), refuse),
        "POST /api/v1/people": (lambda w: ("/people", {"name": "Mole", "site_id": w.site}), refuse),
        "PATCH /api/v1/people/{person_id}": (lambda w: (f"/people/{w.pat}", {"department": "owned"}), refuse),
        "POST /api/v1/assets": (lambda w: ("/assets", {"kind": "desktop", "name": "mole", "site_id": w.site}), refuse),
        "PATCH /api/v1/assets/{asset_id}": (lambda w: (f"/assets/{w.desktop}", {"name": "owned"}), refuse),
        "POST /api/v1/assets/{asset_id}/identifiers": (lambda w: (f"/assets/{w.desktop}/identifiers",
                                                                  {"kind": "other", "value": "MOLE1"}), refuse),
        "POST /api/v1/flags/{flag_id}/resolve": (lambda w: (f"/flags/{w.flag}/resolve", {"note": "mine"}), refuse),
        "POST /api/v1/work-orders": (lambda w: ("/work-orders", {"kind": "repair", "title": "mole", "site_id": w.site}), refuse),
        "PUT /api/v1/work-orders/by-ref/{system}/{external_id}": (lambda w: (
            "/work-orders/by-ref/mole/1", {"kind": "repair", "title": "mole", "site_id": w.site}), refuse),
        "PATCH /api/v1/work-orders/{order_id}": (lambda w: (f"/work-orders/{w.order}", {"title": "owned"}), refuse),
        "POST /api/v1/work-orders/{order_id}/items": (lambda w: (f"/work-orders/{w.order}/items",
                                                                 {"action": "inspect", "subject_id": w.desktop}), refuse),
        "POST /api/v1/work-orders/{order_id}/notes": (lambda w: (f"/work-orders/{w.order}/notes", {"body": "mole"}), refuse),
        "POST /api/v1/work-orders/{order_id}/time-entries": (lambda w: (f"/work-orders/{w.order}/time-entries",
                                                                        {"minutes": 5, "work_date": "2026-12-01"}), refuse),
        "POST /api/v1/work-orders/{order_id}/transitions": (lambda w: (f"/work-orders/{w.order}/transitions",
                                                                       {"to": "in_progress"}), refuse),
        "POST /api/v1/campaigns": (lambda w: ("/campaigns", {"name": "mole", "query": {"site_id": w.site, "kinds": ["desktop"]}}), refuse),
        "POST /api/v1/reports/upgrade-candidates/campaign": (lambda w: (
            "/reports/upgrade-candidates/campaign", {"name": "mole", "site_id": [w.site], "older_than_years": 1}), refuse),
        "POST /api/v1/webhooks/subscriptions": (lambda w: ("/webhooks/subscriptions", {
            "name": "mole", "url": "http://127.0.0.1:9/hook", "event_types": ["*"]}), refuse),
        "PATCH /api/v1/webhooks/subscriptions/{subscription_id}": (lambda w: (
            f"/webhooks/subscriptions/{w.webhook}", {"url": "http://127.0.0.1:9/mole"}), refuse),
        "POST /api/v1/webhooks/deliveries/{delivery_id}/redeliver": (lambda w: (
            f"/webhooks/deliveries/{w.delivery}/redeliver", None), refuse),
        "POST /api/v1/jacks": (lambda w: ("/jacks", {"label": "MOLE-1", "room_id": w.room}), refuse),
        "PATCH /api/v1/jacks/{jack_id}": (lambda w: (f"/jacks/{w.jack}", {"notes": "owned"}), refuse),
        "POST /api/v1/patch-panels": (lambda w: ("/patch-panels", {"name": "MOLE", "location_id": w.closet,
                                                                   "port_count": 4}), refuse),
        "POST /api/v1/switch-ports": (lambda w: ("/switch-ports", {"switch_id": w.switch, "name": "Gi9/0/9"}), refuse),
        "PATCH /api/v1/switch-ports/{port_id}": (lambda w: (f"/switch-ports/{w.port}", {"description": "owned"}), refuse),
        "POST /api/v1/patches": (lambda w: ("/patches", {"panel_port_id": w.free_panel_port, "jack_id": w.free_jack}), refuse),
        "PUT /api/v1/assets/{asset_id}/connection": (lambda w: (f"/assets/{w.monitor}/connection",
                                                                {"jack_id": w.free_jack}), refuse),
        "POST /api/v1/assets/{asset_id}/lldp": (lambda w: (f"/assets/{w.phone}/lldp", {
            "chassis_id": "00:11:22:33:55:66", "port_id": "Gi1/0/30"}), refuse),
        "PUT /api/v1/devices/{asset_id}/attributes": (lambda w: (f"/devices/{w.switch}/attributes",
                                                                 {"attributes": {"port_count": 24}}), refuse),
        "POST /api/v1/services": (lambda w: ("/services", {"type": "voicemail", "person_id": w.pat,
                                                          "details": {"mailbox": "4999"}}), refuse),
        "PATCH /api/v1/services/{service_id}": (lambda w: (f"/services/{w.voicemail}", {"notes": "owned"}), refuse),
        "POST /api/v1/services/{service_id}/emergency-location": (lambda w: (
            f"/services/{w.extension}/emergency-location", {"location_id": w.room}), refuse),
        "POST /api/v1/number-pools": (lambda w: ("/number-pools", {"name": "mole", "kind": "extension", "site_id": w.site,
                                                                   "first": "6000", "last": "6009"}), refuse),
        "POST /api/v1/number-pools/{pool_id}/allocate": (lambda w: (f"/number-pools/{w.pool}/allocate", {}), refuse),
        "POST /api/v1/number-pools/{pool_id}/reserve": (lambda w: (f"/number-pools/{w.pool}/reserve",
                                                                   {"number": "5005"}), refuse),
        "POST /api/v1/assets/{asset_id}/checkout": (lambda w: (f"/assets/{w.spare}/checkout", {"person_id": w.pat}), refuse),
        "POST /api/v1/assets/{asset_id}/checkin": (lambda w: (f"/assets/{w.spare}/checkin", {}), refuse),
        "POST /api/v1/people/{person_id}/offboard": (lambda w: (f"/people/{w.leaver}/offboard", {}), refuse),
        "POST /api/v1/imports": (lambda w: ("/imports?kind=assets", f"asset_tag,kind,name\n{w.tag},desktop,owned\n"), accepted),
        # The web forms (a session cookie and its CSRF token; see _send).
        "POST /work-orders/{order_id}/state": (lambda w: (f"/work-orders/{w.order}/state", {"to": "on_hold", "hold_reason": "waiting_parts"}), refuse),
        "POST /work-orders/{order_id}/notes": (lambda w: (f"/work-orders/{w.order}/notes", {"body": "mole"}), refuse),
        "POST /work-orders/{order_id}/time": (lambda w: (f"/work-orders/{w.order}/time", {"minutes": "15", "work_date": "2026-12-01"}), refuse),
        "POST /assets/{asset_id}/work-orders": (lambda w: (f"/assets/{w.desktop}/work-orders", {"title": "mole", "kind": "repair"}), refuse),
        "POST /assets/{asset_id}/checkout": (lambda w: (f"/assets/{w.loaner}/checkout", {"person": "E100-HQ"}), refuse),
        "POST /assets/{asset_id}/checkin": (lambda w: (f"/assets/{w.loaner}/checkin", {}), refuse),
        "POST /people/{person_id}/work-orders": (lambda w: (f"/people/{w.pat}/work-orders", {
            "title": "mole", "kind": "move", f"item:{w.desktop}": "on", "room_id": w.empty_room}), refuse),
        "POST /campaigns": (lambda w: ("/campaigns", {"name": "mole", "site_id": w.site, "older_than_years": "1"}), refuse),
        "POST /people/{person_id}/services": (lambda w: (f"/people/{w.pat}/services", {"pool_id": w.pool}), refuse),
        "POST /people/{person_id}/other-services": (lambda w: (f"/people/{w.pat}/other-services", {"type": "voicemail", "mailbox": "7777"}), refuse),
        "POST /people/{person_id}/offboard": (lambda w: (f"/people/{w.leaver}/offboard", {"confirm": "on"}), refuse),
        "POST /assets/new": (lambda w: ("/assets/new", {"kind": "monitor", "status": "in_stock", "name": "mole", "site_id": w.site}), refuse),
        "POST /assets/{asset_id}/edit": (lambda w: (f"/assets/{w.loaner}/edit", {"kind": "laptop", "status": "in_stock", "name": "mine", "site_id": w.site}), refuse),
        "POST /locations/{location_id}/places": (lambda w: (f"/locations/{w.floor}/places", {"kind": "room", "name": "mole"}), refuse),
        "POST /locations/{location_id}/jacks": (lambda w: (f"/locations/{w.room}/jacks", {"label": "WEB-MOLE-1"}), refuse),
        "POST /locations/{location_id}/patches": (lambda w: (f"/locations/{w.room}/patches", {"jack": "3-114-Z", "panel": "P9", "panel_port": "1"}), refuse),
        "POST /locations/{location_id}/edit": (lambda w: (f"/locations/{w.room}/edit", {"name": "owned"}), refuse),
        "POST /locations/{location_id}/panels": (lambda w: (f"/locations/{w.closet}/panels", {"name": "MOLE-WEB", "port_count": "4"}), refuse),
        "POST /services/{service_id}/edit": (lambda w: (f"/services/{w.voicemail}/edit", {"notes": "owned"}), refuse),
        "POST /jacks/{jack_id}/edit": (lambda w: (f"/jacks/{w.jack}/edit", {"label": "owned"}), refuse),
        "POST /assets/{asset_id}/switch-ports": (lambda w: (f"/assets/{w.switch}/switch-ports", {"name": "Gi9/0/8"}), refuse),
        "POST /admin/users": (lambda w: ("/admin/users", {"username": "mole-b", "role": "admin", "password": "long enough password", "site_id": w.site}), refuse),
        "POST /admin/tokens": (lambda w: ("/admin/tokens", {"user_id": w.user_b, "name": "mole", "scope_read": "on"}), refuse),
        "POST /admin/enroll-secrets": (lambda w: ("/admin/enroll-secrets", {"name": "mole", "site_id": w.site}), refuse),
        "POST /admin/collectors/{item_id}/approve": (lambda w: (f"/admin/collectors/{w.collector}/approve", {}), refuse),
        "POST /people/{person_id}/edit": (lambda w: (f"/people/{w.nobody}/edit", {"name": "Mole", "site_id": w.site}), refuse),
        "POST /people/new": (lambda w: ("/people/new", {"name": "Mole", "site_id": w.site}), refuse),
        "POST /imports": (lambda w: ("/imports", {"kind": "assets", "csv": f"asset_tag,kind,name\n{w.tag},desktop,owned\n"}), (*refuse, 303)),
        "POST /flags/{flag_id}/resolve": (lambda w: (f"/flags/{w.web_flag}/resolve", {"note": "mine"}), refuse),
        # Destructive ones last: the legitimate run at the end goes in this order.
        "DELETE /api/v1/work-orders/{order_id}/items/{item_id}": (lambda w: (f"/work-orders/{w.order}/items/{w.item}", None), refuse),
        "DELETE /api/v1/patches/{panel_port_id}": (lambda w: (f"/patches/{w.patched_panel_port}", None), refuse),
        "DELETE /api/v1/number-pools/{pool_id}/numbers/{number}": (lambda w: (f"/number-pools/{w.pool}/numbers/5001", None), refuse),
        "DELETE /api/v1/assets/{asset_id}/identifiers/{identifier_id}": (lambda w: (
            f"/assets/{w.desktop}/identifiers/{w.identifier}", None), refuse),
        "POST /jacks/{jack_id}/unpatch": (lambda w: (f"/jacks/{w.jack}/unpatch", {}), refuse),
        "POST /patch-panels/{panel_id}/ports/{number}/unpatch": (lambda w: (f"/patch-panels/{w.panel}/ports/15/unpatch", {}), refuse),
        "POST /jacks/{jack_id}/delete": (lambda w: (f"/jacks/{w.loose_jack}/delete", {"confirm": "on"}), refuse),
        "POST /locations/{location_id}/delete": (lambda w: (f"/locations/{w.unused_room}/delete", {"confirm": "on"}), refuse),
        "POST /api/v1/collectors/{collector_id}/revoke": (lambda w: (f"/collectors/{w.collector}/revoke",
                                                                     {"reason": "mine"}), refuse),
        "POST /admin/collectors/{item_id}/revoke": (lambda w: (f"/admin/collectors/{w.collector}/revoke", {"reason": "mine"}), refuse),
        "POST /admin/enroll-secrets/{item_id}/revoke": (lambda w: (f"/admin/enroll-secrets/{w.secret}/revoke", {}), refuse),
        "POST /admin/tokens/{item_id}/revoke": (lambda w: (f"/admin/tokens/{w.token_b}/revoke", {}), refuse),
        "POST /admin/users/{item_id}/active": (lambda w: (f"/admin/users/{w.user_b}/active", {}), refuse),
        "DELETE /api/v1/enroll-secrets/{secret_id}": (lambda w: (f"/enroll-secrets/{w.secret}", None), refuse),
        "DELETE /api/v1/tokens/{token_id}": (lambda w: (f"/tokens/{w.token_b}", None), refuse),
        "DELETE /api/v1/jacks/{jack_id}": (lambda w: (f"/jacks/{w.free_jack}", None), refuse),
        "DELETE /api/v1/people/{person_id}": (lambda w: (f"/people/{w.nobody}", None), refuse),
        "DELETE /api/v1/assets/{asset_id}": (lambda w: (f"/assets/{w.spare}", None), refuse),
        "DELETE /api/v1/locations/{location_id}": (lambda w: (f"/locations/{w.empty_room}", None), refuse),
    }
    # fmt: on


CASES = _cases()
#: Routes only an admin of every site may use at all (the legitimate run sends them as one).
EVERY_SITE = ("/webhooks/",)


def write_routes() -> set[str]:
    routes = [route for name in ROUTERS for route in importlib.import_module(name).router.routes]
    return {
        f"{method} {route.path}"
        for route in routes
        for method in set(getattr(route, "methods", None) or ()) & {"POST", "PUT", "PATCH", "DELETE"}
    }


def test_every_write_route_is_covered():
    missing = sorted(write_routes() - set(CASES) - set(NOT_SITE_SCOPED))
    assert missing == [], (
        f"write routes without a site-scope case (add one to CASES or NOT_SITE_SCOPED): {missing}"
    )
    assert sorted(set(CASES) - write_routes()) == [], "cases for routes that no longer exist"


def site_b(client, admin, db, make_user) -> SimpleNamespace:
    """Pat's desk at site HQ (site B here), wired and provisioned, with one of everything a write can aim at."""
    desk = build_desk(client, admin, db)
    world = desk.world
    w = SimpleNamespace(
        site=str(world.site.id), floor=str(world.floor.id), room=str(world.room.id), closet=str(world.closet.id),
        pat=str(world.pat.id), desktop=str(world.desktop.id), phone=str(world.phone.id), switch=str(world.switch.id),
        monitor=str(desk.monitor.id), jack=desk.jacks["3-114-B"]["id"], port=desk.ports["3-114-B"]["id"],
        extension=desk.services["extension"]["id"], voicemail=desk.services["voicemail"]["id"],
        patched_panel_port=desk.panel_ports["5-210-A"]["id"], panel=desk.panel_ports["3-114-C"]["panel_id"],
    )  # fmt: skip
    post = lambda path, body, status=201: ok(client.post(API + path, json=body, headers=admin), status)  # noqa: E731
    w.spare = post("/assets", {"kind": "laptop", "name": "spare", "site_id": w.site, "asset_tag": "B-SPARE"})[
        "id"
    ]
    w.tag = "B-SPARE"
    post(
        "/assets",
        {
            "kind": "desktop",
            "name": "old-pc",
            "site_id": w.site,
            "status": "deployed",
            "purchase_date": "2015-01-01",
        },
    )  # an upgrade candidate
    w.loaner = post("/assets", {"kind": "laptop", "name": "loaner", "site_id": w.site})["id"]
    w.dupe = post("/assets", {"kind": "monitor", "name": "dupe", "site_id": w.site})["id"]
    w.free_jack = post("/jacks", {"label": "3-114-Z", "room_id": w.room})["id"]
    panel = post("/patch-panels", {"name": "P9", "location_id": w.closet, "port_count": 2})
    w.free_panel_port = ok(client.get(f"{API}/patch-panels/{panel['id']}/ports", headers=admin))[0]["id"]
    w.empty_room = post("/locations", {"kind": "room", "name": "9-999", "parent_id": w.floor})["id"]
    w.unused_room = post("/locations", {"kind": "room", "name": "9-998", "parent_id": w.floor})["id"]
    w.loose_jack = post("/jacks", {"label": "3-114-Y", "room_id": w.room})["id"]
    w.leaver = post("/people", {"name": "Lee Leaver", "site_id": w.site})["id"]
    w.nobody = post("/people", {"name": "No Body", "site_id": w.site})["id"]
    w.pool = post("/number-pools", {"name": "B ext", "kind": "extension", "site_id": w.site, "first": "5000",
                                    "last": "5009"})["id"]  # fmt: skip
    post(f"/number-pools/{w.pool}/reserve", {"number": "5001"})
    order = post("/work-orders", {"kind": "repair", "title": "B's order", "site_id": w.site,
                                  "items": [{"action": "inspect", "subject_id": w.phone}]})  # fmt: skip
    w.order, w.item = order["id"], order["items"][0]["id"]
    post(f"/assets/{w.desktop}/identifiers", {"kind": "other", "value": "B-DESK-1"})
    user_b = post("/users", {"username": "tech-b", "role": "technician", "site_ids": [w.site]})
    w.user_b = user_b["id"]
    w.token_b = post("/tokens", {"name": "b", "user_id": w.user_b})["id"]
    secret = post("/enroll-secrets", {"name": "b", "site_id": w.site})
    w.secret = secret["id"]
    enrolled = ok(client.post(f"{API}/collectors/enroll", json={"secret": secret["secret"], "identity": {
        "hostname": "pc-b9", "system_uuid": "4c4c4544-0042-3510-8052-b4c04f4b4c77"}}), 201)  # fmt: skip
    w.collector = ok(client.get(f"{API}/collectors?asset_id={enrolled['asset_id']}", headers=admin))["items"][
        0
    ]["id"]
    w.webhook = post(
        "/webhooks/subscriptions", {"name": "b", "url": "http://127.0.0.1:9/hook", "event_types": ["*"]}
    )["id"]
    with db.transaction() as s:
        flag = flag_asset(s, uuid.UUID(w.monitor), "possible_clone", {"why": "test"})
        w.flag = str(flag.id if flag is not None else s.scalar(select(AssetFlag.id)))
        flag_asset(s, uuid.UUID(w.switch), "possible_clone", {"why": "test"})
        w.web_flag = str(s.scalar(select(AssetFlag.id).where(AssetFlag.asset_id == uuid.UUID(w.switch))))
        w.identifier = s.scalar(select(AssetIdentifier.id).where(AssetIdentifier.value == "B-DESK-1"))
        emit_event(s, "work_order.changed", "work_order", uuid.UUID(w.order), {"work_order_id": w.order})
        webhooks.fan_out(s, utcnow())
        delivery = s.scalars(select(WebhookDelivery).limit(1)).one()
        delivery.status = "dead"  # given up on: what an admin redelivers
        w.delivery = delivery.id
    return w


#: Tables whose rows a refused request may still touch: rate counters, idempotency keys, tokens' last use; and
#: the caller's own import jobs (with their "import.finished" events), which record that nothing was imported.
NOISE = {"rate_counters", "idempotency_keys", "api_tokens", "change_events", "import_jobs"}


def snapshot(db) -> dict[str, Any]:
    """Every table's rows (but noise), as plain values: what site B holds, and everything else."""
    with db.sessions() as s:
        tables = {
            table.name: sorted(map(repr, s.execute(select(table)).all()))
            for table in Base.metadata.sorted_tables
            if table.name not in NOISE | {"outbox_events"}
        }
        events = select(OutboxEvent.event_type, OutboxEvent.subject_id).where(
            OutboxEvent.event_type != "import.finished"
        )
        # Not the audit of a token's use, which an accepted import (its own job) records.
        history = (
            select(func.count())
            .select_from(ChangeEvent)
            .where(ChangeEvent.subject_type != "import_job", ChangeEvent.action != "token_used")
        )
        return tables | {"events": sorted(map(repr, s.execute(events).all())), "history": s.scalar(history)}


def test_a_site_a_user_of_any_role_changes_nothing_of_site_b(client, admin, db, make_user, settings):
    import ipaddress

    settings.webhook_allowed_networks = [ipaddress.ip_network("127.0.0.0/8")]
    w = site_b(client, admin, db, make_user)
    site_a = ok(
        client.post(
            f"{API}/locations", json={"kind": "site", "name": "A", "time_zone": "UTC"}, headers=admin
        ),
        201,
    )
    callers = {
        role: make_user(role, site_ids=[uuid.UUID(site_a["id"])])
        for role in ("viewer", "technician", "admin")
    }
    before = snapshot(db)
    wrong = []
    for route, (case, allowed) in CASES.items():
        method, _ = route.split(" ", 1)
        path, body = case(w)
        url = API + path if route.split(" ", 1)[1].startswith("/api/") else path
        for role, headers in callers.items():
            answer = _send(client, method, url, body, headers)
            if answer.status_code not in (403, 404, 422, *allowed):
                wrong.append(f"{role}: {route} → {answer.status_code} {answer.text[:120]}")
    assert wrong == []
    after = snapshot(db)
    changed = {name: (before[name], after[name]) for name in before if before[name] != after[name]}
    assert changed == {}, f"tables changed by refused writes: {sorted(changed)}"

    # The same requests are valid: an admin of site B (every site, for what only such admins manage) makes them.
    admin_b = make_user("admin", site_ids=[uuid.UUID(w.site)])
    failed = []
    for route, (case, _) in CASES.items():
        method, _ = route.split(" ", 1)
        path, body = case(w)
        url = API + path if route.split(" ", 1)[1].startswith("/api/") else path
        headers = admin if any(part in path for part in EVERY_SITE) else admin_b
        answer = _send(client, method, url, body, headers)
        if answer.status_code >= 400:  # a web form answers 303 (see the page)
            failed.append(f"{route} → {answer.status_code} {answer.text[:160]}")
    assert failed == [], "\n".join(failed)


def _send(client, method: str, url: str, body: Any, headers: dict[str, str]):
    if not url.startswith(API):  # a web form
        return _send_form(client, url, body, headers)
    if isinstance(body, str):
        return client.request(method, url, content=body, headers={**headers, "Content-Type": "text/csv"})
    return client.request(method, url, json=body, headers=headers)


def _send_form(client, url: str, form: dict[str, str], headers: dict[str, str]):
    """A web form as the browser of the token's user sends it: the token as the session cookie, and its CSRF token."""
    token = headers["Authorization"].split()[1]
    csrf = hashlib.sha256(b"csrf:" + token.encode()).hexdigest()[:40]
    client.cookies.clear()
    client.cookies.set("inventory_session", token)
    try:
        return client.post(url, data={**form, "csrf": csrf}, follow_redirects=False)
    finally:
        client.cookies.clear()
