"""The filters a support desk asks for: encryption off, memory below, OS, not seen since a date."""

import uuid
from datetime import UTC, datetime, timedelta

from inventory_api.assets.models import Asset
from tests.api.ingest.reports import GiB, enroll, machine, make_secret, make_site, payload, post


def report_for(client, secret, name, *, memory, encrypted, os_name="Ubuntu"):
    report = machine(hostname=name, uuid_=None, serial=None, machine_id=None, macs=(), memory=memory)
    report.hardware.volumes[0].encrypted = encrypted
    report.system.os.name = os_name
    enrolled = enroll(client, secret, report)
    assert post(client, enrolled["node_key"], payload(report)).status_code in (200, 202)
    return enrolled["asset_id"]


def names(client, admin, query):
    answer = client.get(f"/api/v1/assets?{query}", headers=admin)
    assert answer.status_code == 200, answer.text
    return sorted(a["name"] or a["hostname"] for a in answer.json()["items"])


def test_encryption_memory_os_and_last_seen_filters(client, admin, db):
    secret = make_secret(db, make_site(db))
    report_for(client, secret, "enc-big", memory=16 * GiB, encrypted=True)
    report_for(
        client, secret, "plain-small", memory=4 * GiB, encrypted=False, os_name="Microsoft Windows 10 Pro"
    )
    old = report_for(client, secret, "old-small", memory=4 * GiB, encrypted=True)
    with db.transaction() as s:
        s.get(Asset, uuid.UUID(old)).last_seen = datetime(2025, 1, 1, tzinfo=UTC)

    assert names(client, admin, "encrypted=false") == ["plain-small"]
    assert names(client, admin, "encrypted=true") == ["enc-big", "old-small"]
    assert names(client, admin, f"memory_below_bytes={8 * GiB}") == ["old-small", "plain-small"]
    assert names(client, admin, "os_name=windows") == ["plain-small"]
    assert names(client, admin, f"memory_below_bytes={8 * GiB}&encrypted=false&os_name=WINDOWS 10") == [
        "plain-small"
    ]
    assert names(client, admin, "last_seen_before=2025-06-01") == ["old-small"]
    soon = (datetime.now(UTC) + timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert len(names(client, admin, f"last_seen_before={soon}")) == 3
    for bad in ("memory_below_bytes=0", "memory_below_bytes=99999999999999999999999", "encrypted=maybe"):
        assert client.get(f"/api/v1/assets?{bad}", headers=admin).status_code == 422, bad
