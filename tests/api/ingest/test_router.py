import asyncio

from sqlalchemy import func, select

from inventory_api.assets.models import Asset, AssetFlag
from inventory_api.history.models import ChangeEvent
from inventory_api.ingest.models import Collector
from inventory_api.inventory.models import Cpu, IpAddress, MemoryModule
from inventory_api.software.models import Installation, SoftwareTitle
from tests.api.ingest.reports import GiB, again, enroll, machine, make_secret, make_site, payload, post


def setup(client, db, report):
    secret = make_secret(db, make_site(db))
    return enroll(client, secret, report)


def count(db, stmt):
    with db.sessions() as s:
        return s.scalar(stmt)


def summaries(db, asset_id):
    with db.sessions() as s:
        return list(
            s.scalars(
                select(ChangeEvent.summary).where(ChangeEvent.subject_id == asset_id).order_by(ChangeEvent.id)
            )
        )


def test_enroll_with_a_wrong_secret_is_refused(client, db):
    make_secret(db, make_site(db))
    response = client.post(
        "/api/v1/collectors/enroll", json={"secret": "nope", "identity": {}, "collector_version": "1"}
    )
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_secret"
    assert count(db, select(func.count()).select_from(Collector)) == 0


def test_enroll_secret_use_limit(client, db):
    secret = make_secret(db, make_site(db), max_uses=1)
    enroll(client, secret, machine())
    response = client.post(
        "/api/v1/collectors/enroll", json={"secret": secret, "identity": {"hostname": "b"}}
    )
    assert response.json()["code"] == "invalid_secret"


def test_first_report_creates_components_software_and_one_history_event(client, db):
    report = machine()
    enrolled = setup(client, db, report)
    response = post(client, enrolled["node_key"], payload(report))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "applied"
    assert body["asset_id"] == enrolled["asset_id"]
    assert body["acknowledged"] == payload(report)["hashes"]
    assert body["next_report_at"]
    with db.sessions() as s:
        asset = s.get(Asset, __import__("uuid").UUID(body["asset_id"]))
        assert (asset.kind, asset.hostname, asset.serial) == ("laptop", "pc-001", "5CG1234XYZ")
        assert asset.last_seen is not None
        assert s.scalar(select(func.count()).select_from(Cpu)) == 1
        assert s.scalar(select(MemoryModule.size_bytes)) == 8 * GiB
        assert sorted(s.scalars(select(IpAddress.address))) == ["10.1.0.10", "fe80::1"]
        assert s.scalar(select(func.count()).select_from(Installation)) == 3
        assert sorted(s.scalars(select(SoftwareTitle.name))) == ["7-Zip", "Mozilla Firefox", "libc6"]
    events = summaries(db, asset.id)
    assert [e for e in events if e.startswith("inventoried")] == [
        "inventoried: 1 CPUs, 1 disks, 2 network interfaces, 1 peripherals, 3 packages"
    ]


def test_unchanged_report_sends_hashes_only_and_changes_nothing(client, db):
    report = machine()
    key = setup(client, db, report)["node_key"]
    ack = post(client, key, payload(report)).json()["acknowledged"]
    with db.sessions() as s:
        version, seq = s.execute(select(Asset.version, Asset.change_seq)).one()
    before = count(db, select(func.count()).select_from(ChangeEvent))
    nxt = again(report)
    nxt.status.uptime_seconds = 7200
    data = payload(nxt, acknowledged=ack)
    assert all(data[name] is None for name in ack)
    response = post(client, key, data)
    assert response.json()["status"] == "applied"
    assert response.json()["acknowledged"] == ack
    assert count(db, select(func.count()).select_from(ChangeEvent)) == before
    with db.sessions() as s:
        assert s.execute(select(Asset.version, Asset.change_seq)).one() == (version, seq)


def test_server_asks_for_sections_it_lacks(client, db):
    report = machine()
    key = setup(client, db, report)["node_key"]
    ack = post(client, key, payload(report)).json()["acknowledged"]
    nxt = again(report)
    data = payload(nxt, acknowledged=ack)
    data["hashes"]["software"] = "0" * 64  # the collector believes another software list was acknowledged
    response = post(client, key, data)
    assert response.status_code == 409
    assert response.json()["code"] == "sections_required"
    assert response.json()["sections"] == ["software"]


def test_resent_report_is_a_duplicate_and_older_one_is_stale(client, db):
    report = machine()
    key = setup(client, db, report)["node_key"]
    first = post(client, key, payload(report)).json()
    events = count(db, select(func.count()).select_from(ChangeEvent))
    dup = post(client, key, payload(report)).json()
    assert dup["status"] == "duplicate"
    assert dup["acknowledged"] == first["acknowledged"]
    older = again(report, seconds=-30)
    older.hardware.memory_total_bytes = 4 * GiB
    assert post(client, key, payload(older)).json()["status"] == "stale"
    assert count(db, select(func.count()).select_from(ChangeEvent)) == events
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Installation)) == 3


def test_changes_become_readable_history(client, db):
    report = machine()
    key = setup(client, db, report)["node_key"]
    ack = post(client, key, payload(report)).json()["acknowledged"]
    nxt = machine(
        memory=16 * GiB,
        firewall=False,
        packages=[("Mozilla Firefox", "128.1"), ("libc6", "2.39-0ubuntu8"), ("htop", "3.3.0")],
    )
    nxt.collected_at = again(report).collected_at
    response = post(client, key, payload(nxt, acknowledged=ack))
    assert response.status_code == 200, response.text
    events = summaries(db, __import__("uuid").UUID(response.json()["asset_id"]))
    assert "memory 8 GiB → 16 GiB" in events
    assert "firewall turned off" in events
    assert "Mozilla Firefox 128.0 → 128.1" in events
    assert "htop 3.3.0 installed" in events
    assert "7-Zip 23.01 removed" in events


def test_status_crossing_disk_threshold_writes_history_but_keeps_etag(client, db):
    report = machine()
    key = setup(client, db, report)["node_key"]
    ack = post(client, key, payload(report)).json()["acknowledged"]
    with db.sessions() as s:
        version = s.scalar(select(Asset.version))
    for seconds in (1, 2):
        nxt = again(report, seconds=seconds)
        nxt.status.volumes[0].free_bytes = 7 * GiB
        assert post(client, key, payload(nxt, acknowledged=ack)).status_code == 200
    with db.sessions() as s:
        assert s.scalar(select(Asset.version)) == version
        full = list(s.scalars(select(ChangeEvent.summary).where(ChangeEvent.action == "disk_full")))
    assert full == ["disk / 93 % full"]


def test_wrong_or_missing_node_key(client, db):
    report = machine()
    setup(client, db, report)
    assert post(client, "nk_wrong", payload(report)).json()["code"] == "invalid_node_key"
    response = client.post("/api/v1/inventory", content=b"{}", headers={"Content-Type": "application/json"})
    assert response.status_code == 401


def test_report_from_other_hardware_requires_reenrollment_and_flags(client, db):
    report = machine()
    key = setup(client, db, report)["node_key"]
    post(client, key, payload(report))
    clone = machine(
        uuid_="11111111-2222-3333-4444-555555555555", serial="OTHER1", macs=("3c:52:82:99:99:99",)
    )
    clone.collected_at = again(report).collected_at
    events = count(db, select(func.count()).select_from(ChangeEvent).where(ChangeEvent.action != "flagged"))
    response = post(client, key, payload(clone))
    assert response.status_code == 403
    assert response.json()["code"] == "reenroll_required"
    assert (
        count(db, select(func.count()).select_from(ChangeEvent).where(ChangeEvent.action != "flagged"))
        == events
    )
    assert count(db, select(AssetFlag.kind)) == "identity_conflict"


def test_validation_names_the_bad_field_and_versions(client, db):
    report = machine()
    key = setup(client, db, report)["node_key"]
    data = payload(report)
    data["hardware"]["cpus"][0]["physical_cores"] = "many"
    response = post(client, key, data)
    assert response.status_code == 422
    assert "hardware.cpus.0.physical_cores" in response.json()["detail"]
    data = payload(report)
    data["schema_version"] = "2.0"
    response = post(client, key, data)
    assert (response.status_code, response.json()["code"]) == (422, "unsupported_schema_version")
    data = payload(report)
    data["schema_version"] = "1.9"
    data["a_future_field"] = {"x": 1}
    data["identity"]["future_identity_fact"] = "y"
    assert post(client, key, data).json()["status"] == "applied"


def test_limits_and_media_types(client, db, settings):
    report = machine()
    key = setup(client, db, report)["node_key"]
    response = post(client, key, payload(report), **{"Content-Type": "text/plain"})
    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")
    response = post(client, key, payload(report), **{"Content-Encoding": "br"})
    assert response.status_code == 415
    response = post(client, key, b"not gzip at all")
    assert (response.status_code, response.json()["code"]) == (400, "bad_encoding")
    response = post(client, key, b"{not json", **{"Content-Encoding": "identity"})
    assert (response.status_code, response.json()["code"]) == (400, "invalid_json")
    big = b" " * (settings.max_report_bytes + 1)
    response = post(client, key, big, **{"Content-Encoding": "identity"})
    assert (response.status_code, response.json()["code"]) == (413, "payload_too_large")
    bomb = __import__("gzip").compress(b" " * (settings.max_report_decompressed_bytes + 10))
    response = post(client, key, bomb)
    assert response.status_code == 413
    assert "inflates" in response.json()["detail"]
    assert count(db, select(func.count()).select_from(Installation)) == 0


def test_plain_json_is_accepted(client, db):
    report = machine()
    key = setup(client, db, report)["node_key"]
    response = client.post(
        "/api/v1/inventory", json=payload(report), headers={"Authorization": f"Bearer {key}"}
    )
    assert response.json()["status"] == "applied"


def test_reporting_faster_than_the_minimum_interval_is_rate_limited(client, db, app):
    app.state.settings = app.state.settings.model_copy(update={"report_min_interval_seconds": 30})
    report = machine()
    key = setup(client, db, report)["node_key"]
    assert post(client, key, payload(report)).status_code == 200
    response = post(client, key, payload(again(report)))
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    # a re-sent copy of the applied report is still answered
    assert post(client, key, payload(report)).json()["status"] == "duplicate"


def test_enroll_is_rate_limited(client, db, app):
    app.state.settings = app.state.settings.model_copy(update={"enroll_rate_per_minute": 2})
    secret = make_secret(db, make_site(db))
    codes = [
        client.post(
            "/api/v1/collectors/enroll", json={"secret": secret, "identity": {"hostname": f"h{i}"}}
        ).status_code
        for i in range(3)
    ]
    assert codes[:2] == [201, 201]
    assert codes[2] == 429


def test_a_report_waiting_too_long_for_a_slot_is_refused_with_retry_after(client, db, app):
    report = machine()
    key = setup(client, db, report)["node_key"]
    app.state.settings = app.state.settings.model_copy(update={"ingest_wait_seconds": 0.05})
    app.state.ingest_slots = asyncio.Semaphore(0)  # every slot taken
    response = post(client, key, payload(report))
    assert response.status_code == 503
    assert response.json()["code"] == "overloaded"
    assert response.headers["Retry-After"] == "30"
    app.state.ingest_slots = None  # free again: the report goes through
    assert post(client, key, payload(report)).json()["status"] == "applied"
