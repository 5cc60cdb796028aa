"""Other agents through the one ingest pipeline: admission by a site's enroll secret, identity shared with our
collector, hostile XML refused with nothing written."""

from __future__ import annotations

import base64
import copy
import gzip
import json
import zlib
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from collector.report import from_dict
from inventory_api.agents.mapping import build_identity
from inventory_api.agents.xml import parse_agent_xml
from inventory_api.assets.models import Asset, AssetFlag, AssetIdentifier
from inventory_api.ingest.matching import report_ids
from inventory_api.ingest.models import Collector, EnrollSecret, InventoryState
from inventory_api.inventory.models import Cpu, Volume
from inventory_api.software.models import Installation
from tests.api.ingest.reports import enroll, post

FIXTURES = Path(__file__).parent / "fixtures"
FUSION = (FIXTURES / "fusioninventory" / "debian12-kvm-vm.xml").read_bytes()
OURS = json.loads((FIXTURES / "fusioninventory" / "debian12-kvm-vm.collector.json").read_text())
GLPI = json.loads((FIXTURES / "glpi" / "dell-latitude-5420.json").read_text())
ZLIB = {"Content-Type": "application/x-compress-zlib"}
PROLOG = b'<?xml version="1.0" encoding="UTF-8" ?><REQUEST><DEVICEID>vm-2026-12-03-23-06-20</DEVICEID><QUERY>PROLOG</QUERY><TOKEN>12345678</TOKEN></REQUEST>'


def count(db, model) -> int:
    with db.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def nothing_written(db) -> None:
    assert count(db, Asset) == count(db, Collector) == count(db, Installation) == 0


def fusion(client, secret: str, body: bytes):
    return client.post(f"/api/v1/agents/fusion/{secret}", content=zlib.compress(body), headers=ZLIB)


def test_fusioninventory_reports_this_machine_as_our_collector_does(client, db, secret):
    prolog = fusion(client, secret, PROLOG)
    assert prolog.status_code == 200, prolog.text
    assert b"<RESPONSE>SEND</RESPONSE>" in prolog.content and b"<PROLOG_FREQ>" in prolog.content
    answer = fusion(client, secret, FUSION)
    assert answer.status_code == 200, answer.text
    assert answer.content.strip().endswith(b"<REPLY></REPLY>")
    with db.sessions() as s:
        asset = s.scalar(select(Asset))
        agent = s.scalar(select(Collector))
        fusion_ids = sorted(tuple(r) for r in s.execute(select(AssetIdentifier.kind, AssetIdentifier.value)))
        fusion_packages = s.scalar(select(func.count()).select_from(Installation))
    assert count(db, Asset) == 1 and agent.agent == "fusioninventory" and agent.matched_by == "new"
    assert asset.hostname == OURS["identity"]["hostname"]
    # The same hardware identity as our collector's report of the machine (the agent knows no machine id).
    ours, theirs = (
        report_ids(from_dict_identity(OURS)),
        report_ids(build_identity(parse_agent_xml(FUSION).content)),
    )
    assert (theirs.system_uuid, theirs.serial, theirs.macs) == (ours.system_uuid, ours.serial, ours.macs)
    assert [k for k, _ in fusion_ids] == sorted(k for k, _ in theirs.pairs())
    assert fusion_packages == len(OURS["software"]["packages"]) == 906

    # The same body again: the same report id, nothing applied twice.
    assert fusion(client, secret, FUSION).status_code == 200

    # The site moves to our collector: it enrolls onto the agent's asset, which keeps one asset per machine.
    report = from_dict_report(OURS)
    enrolled = enroll(client, secret, report)
    assert enrolled["asset_id"] == str(asset.id)
    data = copy.deepcopy(OURS)
    data["hashes"] = {}
    assert post(client, enrolled["node_key"], data).status_code == 200
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Installation)) == fusion_packages
        agent = s.get(Collector, agent.id)
        assert agent.revoked_at is not None and agent.revoke_reason == "replaced by the collector"
        assert s.scalar(select(func.count()).select_from(AssetFlag)) == 0  # no possible_clone
        reports = s.scalar(select(InventoryState.report_count))
    # The old agent, still installed, is told to skip its inventory, and one it sends anyway writes nothing.
    assert b"<RESPONSE>NO_UPDATE</RESPONSE>" in fusion(client, secret, PROLOG).content
    assert fusion(client, secret, FUSION.replace(b"<FREE>", b"<FREE>1")).status_code == 200
    with db.sessions() as s:
        assert s.scalar(select(InventoryState.report_count)) == reports
    assert count(db, Asset) == 1


def from_dict_report(data):
    from collector.report import Report

    return from_dict(Report, data)


def from_dict_identity(data):
    from collector.report import Identity

    return from_dict(Identity, data["identity"])


def test_the_secret_may_be_the_http_password(client, db, secret):
    refused = client.post("/api/v1/agents/fusion", content=zlib.compress(PROLOG), headers=ZLIB)
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"].startswith("Basic realm=")
    auth = base64.b64encode(f"agent:{secret}".encode()).decode()
    answer = client.post(
        "/api/v1/agents/fusion",
        content=zlib.compress(FUSION),
        headers={**ZLIB, "Authorization": f"Basic {auth}"},
    )
    assert answer.status_code == 200, answer.text
    assert count(db, Asset) == 1


@pytest.mark.parametrize("secret_in_path", ["ens_wrong", "", "nothing"])
def test_an_agent_without_a_valid_secret_is_refused(client, db, secret, secret_in_path):
    path = "/api/v1/agents/fusion" + (f"/{secret_in_path}" if secret_in_path != "nothing" else "")
    answer = client.post(path, content=zlib.compress(FUSION), headers=ZLIB)
    assert answer.status_code in (401, 404 if not secret_in_path else 401), answer.text
    nothing_written(db)


def test_agent_xml_packages_are_read_again_only_when_they_changed(client, db, secret):
    """The packages are read past and digested; a changed list is read and applied, an unchanged one is not."""
    assert fusion(client, secret, FUSION).status_code == 200
    first = count(db, Installation)
    tagged = FUSION.replace(b"<CONTENT>", b"<CONTENT><ACCOUNTINFO><KEYVALUE>x</KEYVALUE></ACCOUNTINFO>", 1)
    assert fusion(client, secret, tagged).status_code == 200
    with db.sessions() as s:
        assert s.scalar(select(InventoryState.report_count)) == 2
    start = FUSION.index(b"<SOFTWARES>")
    one_less = FUSION[:start] + FUSION[FUSION.index(b"</SOFTWARES>", start) + len(b"</SOFTWARES>") :]
    assert fusion(client, secret, one_less).status_code == 200
    assert count(db, Installation) == first - 1


def test_a_secret_revoked_meanwhile_is_refused_though_its_check_is_kept(client, db, secret):
    """The check before the body is kept for a minute; the one made with the install's key is not."""
    assert fusion(client, secret, PROLOG).status_code == 200
    with db.transaction() as s:
        s.execute(update(EnrollSecret).values(revoked_at=func.now()))
    answer = fusion(client, secret, FUSION)
    assert answer.status_code == 401, answer.text
    nothing_written(db)


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<REQUEST><DEVICEID>x</DEVICEID><QUERY>INVENTORY</QUERY><CONTENT><HARDWARE><NAME>&lol3;</NAME></HARDWARE></CONTENT></REQUEST>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY passwd SYSTEM "file:///etc/passwd">]>
<REQUEST><DEVICEID>x</DEVICEID><QUERY>INVENTORY</QUERY><CONTENT><HARDWARE><NAME>&passwd;</NAME></HARDWARE></CONTENT></REQUEST>"""
DEEP = (
    b"<REQUEST><DEVICEID>x</DEVICEID><QUERY>INVENTORY</QUERY><CONTENT>"
    + b"<A>" * 5000
    + b"</A>" * 5000
    + b"</CONTENT></REQUEST>"
)


@pytest.mark.parametrize("body", [BOMB, EXTERNAL, DEEP, b"<REQUEST><QUERY>INVENTORY", b"<HTML/>"])
def test_hostile_or_broken_xml_is_refused_and_writes_nothing(client, db, secret, body):
    answer = fusion(client, secret, body)
    assert answer.status_code == 400, answer.text
    assert answer.json()["code"] == "invalid_xml"
    nothing_written(db)


def test_a_compression_bomb_stops_at_the_limit(client, db, secret, settings):
    body = b"<REQUEST>" + b" " * (settings.max_report_decompressed_bytes + 1) + b"</REQUEST>"
    answer = fusion(client, secret, body)
    assert answer.status_code == 413
    nothing_written(db)


def glpi(client, secret: str, message: dict, *, gzip_it: bool = False):
    body = json.dumps(message).encode()
    if gzip_it:
        return client.post(
            f"/api/v1/agents/glpi/{secret}",
            content=gzip.compress(body),
            headers={"Content-Type": "application/x-compress-gzip"},
        )
    return client.post(
        f"/api/v1/agents/glpi/{secret}", content=body, headers={"Content-Type": "application/json"}
    )


def test_glpi_agent_contact_full_and_partial_inventories(client, db, secret):
    contact = glpi(client, secret, {"action": "contact", "deviceid": GLPI["deviceid"], "name": "GLPI-Agent"})
    assert contact.status_code == 200 and "inventory" in contact.json()["tasks"]
    answer = glpi(client, secret, GLPI, gzip_it=True)
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "ok"
    with db.sessions() as s:
        asset = s.scalar(select(Asset))
        ids = {tuple(r) for r in s.execute(select(AssetIdentifier.kind, AssetIdentifier.value))}
        assert s.scalar(select(func.count()).select_from(Installation)) == 4
        assert s.scalar(select(func.count()).select_from(Cpu)) == 1
    assert asset.hostname == "lat-0042" and asset.kind == "laptop"
    assert ids == {
        ("smbios_uuid", "4c4c4544-0051-4b10-805a-b9c04f583533"), ("serial", "dell:9QKZX53"),
        ("mac", "a4:bb:6d:12:34:56"), ("mac", "8c:c6:81:aa:bb:cc"),
    }  # fmt: skip

    # A partial inventory: the packages and the volumes changed, nothing else is touched.
    partial = {
        **{k: GLPI[k] for k in ("action", "deviceid", "itemtype")},
        "partial": True,
        "content": {
            **{k: GLPI["content"][k] for k in ("bios", "hardware", "operatingsystem", "versionclient")},
            "softwares": GLPI["content"]["softwares"][:2],
            "drives": GLPI["content"]["drives"][:1],
        },
    }
    assert glpi(client, secret, partial).status_code == 200
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Installation)) == 2
        assert s.scalar(select(func.count()).select_from(Volume)) == 1
        assert s.scalar(select(func.count()).select_from(Cpu)) == 1  # kept from the full inventory
    assert count(db, Asset) == 1


def test_glpi_agent_resends_only_what_changed(client, db, secret):
    """The software's hash is its input's digest, the other sections' that of the section built: an unchanged
    inventory applies nothing; a package gone and a new gateway apply the software and the network."""
    assert glpi(client, secret, GLPI).status_code == 200

    def state():
        with db.sessions() as s:
            hashes, reports = s.execute(
                select(InventoryState.section_hashes, InventoryState.report_count)
            ).one()
            return dict(hashes), reports, s.scalar(select(func.count()).select_from(Installation))

    first, reports, packages = state()
    tagged = copy.deepcopy(GLPI)
    tagged["content"]["accountinfo"] = [{"keyname": "TAG", "keyvalue": "again"}]
    assert glpi(client, secret, tagged).status_code == 200
    assert state() == (first, reports + 1, packages)

    changed = copy.deepcopy(tagged)
    changed["content"]["softwares"] = changed["content"]["softwares"][1:]
    changed["content"]["hardware"]["defaultgateway"] = "10.9.9.1"
    assert glpi(client, secret, changed).status_code == 200
    hashes, _, now = state()
    assert now == packages - 1
    assert {name for name in hashes if hashes[name] != first[name]} == {"software", "network"}


def test_glpi_agent_other_itemtypes_are_not_taken(client, db, secret):
    answer = glpi(client, secret, {**GLPI, "itemtype": "Phone"})  # a mobile phone: not ours
    assert answer.status_code == 422
    nothing_written(db)
