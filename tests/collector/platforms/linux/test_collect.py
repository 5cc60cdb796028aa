"""The Linux section collectors: real sources on this machine, and error entries for failing ones."""

from __future__ import annotations

import os
import sys

import pytest

from collector.platforms.linux import collect, dmi, dpkg, lldp, network, storage
from collector.report import ReportError

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux sources")

# Sources that need root (DMI serials, the raw SMBIOS table, CUPS's printers.conf): an unprivileged run reports
# them as errors by design.
ROOT_ONLY_SOURCES = {"dmi"} | (set() if os.geteuid() == 0 else {"smbios", "cups"})
COLLECTORS = [
    collect.collect_system,
    collect.collect_hardware,
    collect.collect_network,
    collect.collect_peripherals,
    collect.collect_security,
    collect.collect_software,
    collect.collect_status,
    collect.collect_identity,
]


@pytest.mark.parametrize("collector", COLLECTORS, ids=lambda f: f.__name__)
def test_collectors_run_on_this_machine(collector) -> None:
    errors: list[ReportError] = []
    section = collector(errors)
    assert section is not None
    unexpected = [e for e in errors if e.source not in ROOT_ONLY_SOURCES]
    assert all(isinstance(e.message, str) and e.message for e in errors)
    assert unexpected == []


def test_unreadable_dmi_serials_are_null_and_an_error() -> None:
    def read() -> dmi.DmiValues:
        return dmi.DmiValues(
            values={"sys_vendor": "Dell Inc."}, unreadable=["product_serial", "product_uuid"]
        )

    errors: list[ReportError] = []
    raw, facts = collect.read_dmi_facts(errors, "system", read)
    assert raw == {"sys_vendor": "Dell Inc."}
    assert (facts["manufacturer"], facts["serial"], facts["system_uuid"]) == ("Dell Inc.", None, None)
    assert errors == [
        ReportError(
            section="system", source="dmi", message="not readable without root: product_serial, product_uuid"
        )
    ]
    identity_errors: list[ReportError] = []
    collect.read_dmi_facts(identity_errors, "identity", read)
    assert identity_errors == []  # reported once, in the system section


def _fail(*args: object, **kwargs: object) -> None:
    raise PermissionError(13, "Permission denied")


def test_failing_sources_become_errors_and_the_rest_goes_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage, "read_disks", _fail)
    monkeypatch.setattr(network, "read_gateways", _fail)
    monkeypatch.setattr(dpkg, "read_dpkg_packages", _fail)
    errors: list[ReportError] = []
    hardware = collect.collect_hardware(errors)
    net = collect.collect_network(errors)
    collect.collect_software(errors)
    assert hardware.disks == [] and hardware.memory_total_bytes
    assert net.gateways == [] and net.interfaces
    assert [(e.section, e.source) for e in errors] == [
        ("hardware", "sysfs block"),
        ("network", "routes"),
        ("software", "dpkg"),
    ]
    assert errors[0].message == "PermissionError: [Errno 13] Permission denied"


def test_garbled_lldpctl_output_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def garbled() -> None:
        lldp.parse_lldpctl_json('{"lldp": {"interface": {"eth0": ')

    monkeypatch.setattr(lldp, "read_lldp_neighbors", garbled)
    errors: list[ReportError] = []
    assert collect.collect_network(errors).lldp_neighbors == []
    assert [(e.section, e.source) for e in errors] == [("network", "lldpctl")]


def test_fqdn_needs_a_dotted_canonical_name() -> None:
    assert collect.fqdn("localhost") is None
    assert collect.fqdn(None) is None


def test_identity_lists_stable_physical_macs() -> None:
    identity = collect.collect_identity([])
    physical = {
        network.stable_mac(network.SYS_NET / i.name) for i in network.read_interfaces() if i.is_physical
    }
    physical.discard(None)
    assert identity.physical_macs == sorted(physical)
    assert all(mac == mac.lower() and len(mac) == 17 for mac in identity.physical_macs)
