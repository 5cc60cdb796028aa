"""The wire format: hashing, the published schema, round trips."""

import hashlib
import json
from pathlib import Path

import pytest

from collector import report as r

SCHEMA_FILE = Path(__file__).parents[2] / "docs" / "report-schema.json"


def _eth(name: str, *addresses: str) -> r.NetworkInterface:
    return r.NetworkInterface(
        name=name,
        mac="52:54:00:12:34:56",
        addresses=[r.IpAddress(address=a, prefix_length=24, family="ipv4") for a in addresses],
    )


def _report(**kwargs: object) -> r.Report:
    values: dict[str, object] = {
        "report_id": "5f0c3b1e-8a1d-4c43-9d3e-2a7f4b8e9c10",
        "collected_at": "2026-11-25T12:00:00Z",
        "collector_version": "0.1.0",
        "identity": r.Identity(hostname="pc-3-114", physical_macs=["52:54:00:12:34:56"]),
        "status": r.Status(uptime_seconds=12, ip_addresses=["10.0.0.5"]),
        "system": r.SystemSection(os=r.OperatingSystem(name="Debian GNU/Linux"), virtualization="kvm"),
        "network": r.NetworkSection(interfaces=[_eth("eth0", "10.0.0.5")], dns_servers=["10.0.0.1"]),
        "software": r.SoftwareSection(packages=[r.Package(name="zsh", version="5.9", source="dpkg")]),
        "errors": [r.ReportError(section="hardware", source="dmi", message="permission denied")],
    }
    values.update(kwargs)
    return r.Report(**values)


def test_reordered_lists_hash_the_same() -> None:
    one = r.NetworkSection(
        interfaces=[_eth("eth0", "10.0.0.5", "10.0.0.6"), _eth("eth1")], dns_servers=["10.0.0.1", "10.0.0.2"]
    )
    two = r.NetworkSection(
        interfaces=[_eth("eth1"), _eth("eth0", "10.0.0.6", "10.0.0.5")], dns_servers=["10.0.0.2", "10.0.0.1"]
    )
    assert r.section_hash(one) == r.section_hash(two)


def test_changed_fact_changes_the_hash() -> None:
    one = r.NetworkSection(interfaces=[_eth("eth0", "10.0.0.5")])
    two = r.NetworkSection(interfaces=[_eth("eth0", "10.0.0.7")])
    assert r.section_hash(one) != r.section_hash(two)


def test_hash_is_sha256_of_canonical_utf8_json() -> None:
    section = r.SoftwareSection(packages=[r.Package(name="émacs", version="1"), r.Package(name="zsh")])
    expected = (
        '{"packages":[{"architecture":null,"install_date":null,"is_system_component":false,'
        '"is_update":false,"name":"zsh","publisher":null,"scope":null,"source":null,"version":null},'
        '{"architecture":null,"install_date":null,"is_system_component":false,"is_update":false,'
        '"name":"émacs","publisher":null,"scope":null,"source":null,"version":"1"}]}'
    )
    assert r.section_hash(section) == hashlib.sha256(expected.encode("utf-8")).hexdigest()


def test_status_and_identity_are_not_hashed() -> None:
    busy = _report(status=r.Status(uptime_seconds=99999, logged_in_user="dana", battery_percent=41.0))
    renamed = _report(identity=r.Identity(hostname="other"))
    assert r.hash_sections(busy) == r.hash_sections(_report()) == r.hash_sections(renamed)
    assert set(r.hash_sections(busy)) == {"system", "network", "software"}


def test_round_trip_through_json() -> None:
    report = _report()
    text = json.dumps(r.to_dict(report))
    assert r.from_dict(r.Report, json.loads(text)) == report


def test_newer_minor_fields_are_ignored() -> None:
    data = r.to_dict(_report())
    data["schema_version"] = "1.7"
    data["status"]["future_field"] = {"x": 1}
    assert r.from_dict(r.Report, data).status == _report().status


def test_published_schema_is_generated_from_the_dataclasses() -> None:
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == r.report_json_schema()
    assert SCHEMA_FILE.read_text(encoding="utf-8") == r.schema_text()


def test_schema_declares_every_field_with_units() -> None:
    schema = r.report_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(schema["required"]) == {"report_id", "collected_at", "collector_version", "identity", "status"}
    disk = schema["$defs"]["Disk"]
    assert disk["properties"]["size_bytes"] == {"type": ["integer", "null"], "default": None}
    assert disk["required"] == ["name"]
    assert schema["properties"]["hardware"]["anyOf"][0] == {"$ref": "#/$defs/HardwareSection"}
    for name in r.SECTIONS:
        assert name in schema["properties"]


def test_server_side_pydantic_accepts_the_report() -> None:
    pydantic = pytest.importorskip("pydantic")
    adapter = pydantic.TypeAdapter(r.Report)
    assert adapter.validate_python(r.to_dict(_report())) == _report()


def test_one_pass_canonical_text_equals_the_reference_definition() -> None:
    from collector.report_codec import canonical, canonical_text

    section = r.PeripheralsSection(
        batteries=[
            r.Battery(name="BAT1", design_capacity_wh=52.5, health_percent=89.2),
            r.Battery(name="BAT0"),
        ],
        usb_devices=[
            r.UsbDevice(
                vendor_id="046d", product_id="085e", product="Caméra ☃", interface_classes=["0e", "01"]
            ),
            r.UsbDevice(vendor_id="0b0e", product_id="245e", product='Quote " and \\ back', serial="\x01"),
        ],
    )
    reference = r.canonical_json(canonical(r.to_dict(section)))
    assert canonical_text(section) == reference
    assert canonical_text({"b": [3, 1.5, None, True], "a": {"z": "é"}}) == r.canonical_json(
        canonical({"b": [3, 1.5, None, True], "a": {"z": "é"}})
    )


def test_nan_is_not_hashable() -> None:
    with pytest.raises(ValueError):
        r.section_hash(r.PeripheralsSection(batteries=[r.Battery(health_percent=float("nan"))]))
