"""Software sent as a delta (the packages added and removed since the acknowledged section) ends where the same
software sent in full ends: the same installations, copies and details, and the same history lines."""

import json
import uuid
from collections import Counter

import pytest
from sqlalchemy import select

from collector import report as r
from collector.report import to_dict
from inventory_api.history.models import ChangeEvent
from inventory_api.ingest.models import InventoryState
from inventory_api.software.models import Installation, SoftwareVersion
from tests.api.ingest.reports import again, enroll, machine, payload, post


def package(name: str, version: str, **fields: object) -> r.Package:
    return r.Package(**{"name": name, "version": version, "architecture": "amd64", "scope": "system",
                        "source": "dpkg", **fields})  # fmt: skip


def delta(report: r.Report, base: r.Report, acknowledged: dict[str, str]) -> dict:
    """The wire form with software as the packages added and removed since `base`'s section (a multiset)."""
    data = payload(report, acknowledged=acknowledged)
    new = Counter(json.dumps(to_dict(p), sort_keys=True) for p in report.software.packages)
    old = Counter(json.dumps(to_dict(p), sort_keys=True) for p in base.software.packages)
    data["software"] = None
    data["software_delta"] = {
        "base": acknowledged["software"],
        "added": [json.loads(p) for p in (new - old).elements()],
        "removed": [json.loads(p) for p in (old - new).elements()],
    }
    return data


def installations(db, asset_id: str) -> list[tuple]:
    stmt = (
        select(
            SoftwareVersion.key, Installation.architecture, Installation.scope, Installation.copies,
            Installation.install_date, Installation.source, Installation.is_update,
        )
        .join(SoftwareVersion, SoftwareVersion.id == Installation.version_id)
        .where(Installation.asset_id == uuid.UUID(asset_id))
    )  # fmt: skip
    with db.sessions() as s:
        return sorted(tuple(row) for row in s.execute(stmt))


def software_lines(db, asset_id: str) -> list[str]:
    with db.sessions() as s:
        events = s.scalars(
            select(ChangeEvent).where(
                ChangeEvent.subject_id == uuid.UUID(asset_id), ChangeEvent.action == "inventory_changed"
            )
        )
        return sorted(line for e in events for line in (e.changes or {}).get("software", []))


def state(db, asset_id: str) -> tuple:
    with db.sessions() as s:
        row = s.get(InventoryState, uuid.UUID(asset_id))
        return row.last_report_id, row.section_hashes.get("software"), row.report_count


#: Each step's package list: upgrades, additions, removals, a changed install date, two copies of one package
#: (two users' installs), names the catalog makes one ("7-Zip 23.01 (x64)" and "7-Zip"), and removing them one by one.
STEPS = [
    [package("Mozilla Firefox", "128.0"), package("libc6", "2.39"), package("7-Zip 23.01 (x64)", "23.01")],
    [package("Mozilla Firefox", "128.1"), package("libc6", "2.39"), package("7-Zip 23.01 (x64)", "23.01"),
     package("curl", "8.5")],
    [package("Mozilla Firefox", "128.1"), package("libc6", "2.39", install_date="2026-11-30T10:00:00Z"),
     package("7-Zip 23.01 (x64)", "23.01"), package("7-Zip", "23.01", is_update=True)],
    [package("Mozilla Firefox", "128.1"), package("libc6", "2.39", install_date="2026-11-30T10:00:00Z"),
     package("7-Zip", "23.01", is_update=True), package("Zoom", "6.2", scope="user"),
     package("Zoom", "6.2", scope="user")],
    [package("Mozilla Firefox", "128.1"), package("libc6", "2.39", install_date="2026-11-30T10:00:00Z"),
     package("Zoom", "6.2", scope="user")],
    [package("Mozilla Firefox", "129.0"), package("libc6", "2.39", install_date="2026-11-30T10:00:00Z")],
]  # fmt: skip


def test_delta_ends_where_the_full_section_ends(client, db, secret):
    by_delta = machine(
        hostname="pc-delta", uuid_=None, serial="SERIAL-D", machine_id=None, macs=("3c:52:82:00:00:0d",)
    )
    by_full = machine(
        hostname="pc-full", uuid_=None, serial="SERIAL-F", machine_id=None, macs=("3c:52:82:00:00:0f",)
    )
    keys, acks, bases = [], [], []
    for report in (by_delta, by_full):
        report.software.packages = STEPS[0]
        enrolled = enroll(client, secret, report)
        answer = post(client, enrolled["node_key"], payload(report)).json()
        keys.append((enrolled["node_key"], enrolled["asset_id"]))
        acks.append(answer["acknowledged"])
        bases.append(report)
    (delta_key, delta_asset), (full_key, full_asset) = keys
    for packages in STEPS[1:]:
        nxt_delta, nxt_full = again(bases[0]), again(bases[1])
        nxt_delta.software.packages = nxt_full.software.packages = packages
        sent = delta(nxt_delta, bases[0], acks[0])
        assert sent["software_delta"]["added"] or sent["software_delta"]["removed"]
        answer = post(client, delta_key, sent)
        assert answer.status_code == 200, answer.text
        acks[0] = answer.json()["acknowledged"]
        assert acks[0]["software"] == sent["hashes"]["software"]
        answer = post(client, full_key, payload(nxt_full, acknowledged=acks[1]))
        assert answer.status_code == 200, answer.text
        acks[1] = answer.json()["acknowledged"]
        bases = [nxt_delta, nxt_full]
        assert installations(db, delta_asset) == installations(db, full_asset), packages
    assert software_lines(db, delta_asset) == software_lines(db, full_asset)
    assert "Mozilla Firefox 128.0 → 128.1" in software_lines(db, delta_asset)
    assert [row[:4] for row in installations(db, delta_asset)] == [
        ("libc6\x1f2.39", "x86_64", "system", 1), ("mozilla firefox\x1f129.0", "x86_64", "system", 1),
    ]  # fmt: skip
    # the next unchanged report (software as the acknowledged hash only) is quiet
    quiet = again(bases[0])
    response = post(client, delta_key, payload(quiet, acknowledged=acks[0]))
    assert response.status_code == 200
    assert response.json()["acknowledged"] == acks[0]


def test_two_copies_keep_one_installation_until_both_are_removed(client, db, secret):
    report = machine(packages=[])
    report.software.packages = [package("Zoom", "6.2", scope="user"), package("Zoom", "6.2", scope="user")]
    enrolled = enroll(client, secret, report)
    key, asset_id = enrolled["node_key"], enrolled["asset_id"]
    ack = post(client, key, payload(report)).json()["acknowledged"]
    assert [row[3] for row in installations(db, asset_id)] == [2]
    for left in (1, 0):
        nxt = again(report)
        nxt.software.packages = report.software.packages[:left]
        response = post(client, key, delta(nxt, report, ack))
        assert response.status_code == 200, response.text
        ack, report = response.json()["acknowledged"], nxt
        assert [row[3] for row in installations(db, asset_id)] == ([1] if left else [])
    assert software_lines(db, asset_id) == ["Zoom 6.2 removed"]


@pytest.mark.parametrize("case", ["wrong base", "not installed", "no stored section"])
def test_a_delta_that_does_not_fit_asks_for_the_section_and_changes_nothing(client, db, secret, case):
    report = machine()
    enrolled = enroll(client, secret, report)
    key, asset_id = enrolled["node_key"], enrolled["asset_id"]
    if case == "no stored section":  # the first report left software out: nothing to apply a delta to
        first = payload(report)
        first["software"] = None
        del first["hashes"]["software"]
        ack = post(client, key, first).json()["acknowledged"]
        ack = {**ack, "software": "f" * 64}
    else:
        ack = post(client, key, payload(report)).json()["acknowledged"]
    before_rows, before_state = installations(db, asset_id), state(db, asset_id)
    nxt = again(report)
    nxt.software.packages = [*report.software.packages[1:], package("curl", "8.5")]
    sent = delta(nxt, report, ack)
    if case == "wrong base":
        sent["software_delta"]["base"] = "0" * 64
    elif case == "not installed":
        sent["software_delta"]["removed"].append(to_dict(package("Never Installed", "1.0")))
    response = post(client, key, sent)
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "sections_required"
    assert response.json()["sections"] == ["software"]
    assert installations(db, asset_id) == before_rows
    assert state(db, asset_id) == before_state
    # the collector's resend with the section in full is applied
    response = post(client, key, payload(nxt, acknowledged={k: v for k, v in ack.items() if k != "software"}))
    assert response.status_code == 200, response.text
    assert ("curl\x1f8.5", "x86_64", "system", 1) in [row[:4] for row in installations(db, asset_id)]


@pytest.mark.parametrize("case", ["with the section", "without the new hash"])
def test_a_malformed_delta_is_refused(client, db, secret, case):
    report = machine()
    enrolled = enroll(client, secret, report)
    ack = post(client, enrolled["node_key"], payload(report)).json()["acknowledged"]
    nxt = again(report)
    nxt.software.packages = nxt.software.packages[1:]
    sent = delta(nxt, report, ack)
    if case == "with the section":
        sent["software"] = to_dict(nxt.software)
    else:
        del sent["hashes"]["software"]
    response = post(client, enrolled["node_key"], sent)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "software_delta"
    assert state(db, enrolled["asset_id"])[0] == report.report_id
