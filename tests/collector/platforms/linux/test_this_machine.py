"""The Linux sources on this machine's real system agree with the OS's own tools.

Each test skips only when its reference tool is absent; CI installs them (util-linux, iproute2, pciutils,
procps, dpkg are in every Debian install except pciutils).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from collector.platforms.common import cached_cpuinfo
from collector.platforms.linux import cpu, dpkg, memory, network, osinfo, pci, storage

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux sources")


def _run(*args: str) -> str:
    if shutil.which(args[0]) is None:
        pytest.skip(f"{args[0]} is not installed")
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def _lscpu() -> dict[str, str]:
    def flatten(entries: list[dict[str, Any]]) -> dict[str, str]:
        found = {}
        for entry in entries:
            found[entry["field"].rstrip(":")] = entry.get("data")
            found.update(flatten(entry.get("children", [])))
        return found

    return flatten(json.loads(_run("lscpu", "-J"))["lscpu"])


def test_os_release_matches_the_shell() -> None:
    script = '. /etc/os-release; printf "%s\\n%s\\n%s\\n" "$NAME" "$VERSION_ID" "$ID"'
    name, version_id, ident = _run("sh", "-c", script).splitlines()
    facts = osinfo.read_operating_system()
    assert (facts.name, facts.version or "", facts.distribution_id) == (name, version_id, ident)
    assert facts.kernel_version == _run("uname", "-r").strip()
    assert facts.architecture == _run("uname", "-m").strip()


def test_cpus_match_lscpu() -> None:
    lscpu = _lscpu()
    cpus = cpu.read_cpus(cached_cpuinfo)
    assert len(cpus) == int(lscpu["Socket(s)"])
    assert sum(c.logical_processors or 0 for c in cpus) == int(lscpu["CPU(s)"])
    per_socket = int(lscpu["Core(s) per socket"])
    assert all(c.physical_cores == per_socket for c in cpus)
    assert {c.model for c in cpus} == {lscpu["Model name"]}
    assert {c.vendor for c in cpus} == {lscpu["Vendor ID"]}
    if "CPU max MHz" in lscpu:
        assert cpus[0].max_speed_hz == round(float(lscpu["CPU max MHz"]) * 1_000_000)


def test_memory_total_matches_free() -> None:
    total = int(_run("free", "-b").splitlines()[1].split()[1])
    assert memory.read_memory_total() == total


def test_disks_match_lsblk() -> None:
    devices = json.loads(_run("lsblk", "-b", "-J", "-d", "-o", "NAME,SIZE,ROTA,RM,TYPE"))["blockdevices"]
    expected = {
        (d["name"], int(d["size"]), bool(d["rota"]), bool(d["rm"]))
        for d in devices
        if d["type"] == "disk" and int(d["size"]) > 0 and not d["name"].startswith(("zram", "loop", "ram"))
    }
    found = {(d.name, d.size_bytes, d.rotational, d.removable) for d in storage.read_disks()}
    assert found == expected


def test_interfaces_match_ip_addr() -> None:
    links = json.loads(_run("ip", "-j", "addr"))
    expected = {}
    for link in links:
        mac = link.get("address") if link.get("link_type") not in ("loopback", "none") else None
        addresses = {
            (a["local"], a["prefixlen"])
            for a in link.get("addr_info", [])
            if a.get("family") in ("inet", "inet6") and not a.get("temporary")
        }
        expected[link["ifname"]] = (mac, link["mtu"], addresses)
    found = {
        i.name: (i.mac, i.mtu, {(a.address, a.prefix_length) for a in i.addresses})
        for i in network.read_interfaces()
    }
    assert found == expected


def test_gateways_match_ip_route() -> None:
    expected = {
        (route["gateway"], route["dev"])
        for family in ("-4", "-6")
        for route in json.loads(_run("ip", family, "-j", "route", "show", "default"))
        if "gateway" in route
    }
    assert {(g.address, g.interface) for g in network.read_gateways()} == expected


def test_gpus_match_lspci() -> None:
    expected = set()
    for line in _run("lspci", "-mm", "-n", "-D").splitlines():
        address, pci_class, vendor, device = line.replace('"', "").split()[:4]
        if pci_class.startswith("03"):
            expected.add((address, vendor, device))
    assert {(g.bus_address, g.vendor_id, g.device_id) for g in pci.read_gpus()} == expected


def test_packages_match_dpkg_query() -> None:
    output = _run(
        "dpkg-query", "-W", "-f", "${Package}\\t${Version}\\t${Architecture}\\t${db:Status-Status}\\n"
    )
    expected = {tuple(line.split("\t")[:3]) for line in output.splitlines() if line.endswith("\tinstalled")}
    found = {(p.name, p.version, p.architecture) for p in dpkg.read_dpkg_packages() or []}
    assert found == expected


def test_virtualization_matches_lscpu() -> None:
    from collector.platforms.linux.collect import collect_system

    vendor = _lscpu().get("Hypervisor vendor")
    names = {"KVM": "kvm", "VMware": "vmware", "Microsoft": "hyperv", "Xen": "xen", None: "physical"}
    if vendor not in names:
        pytest.skip(f"no mapping for hypervisor vendor {vendor!r}")
    assert collect_system([]).virtualization == names[vendor]


def test_machine_id_matches_systemd_id128() -> None:
    if not Path("/etc/machine-id").exists() or not Path("/etc/machine-id").read_text().strip():
        pytest.skip("no machine id on this system")
    expected = _run("systemd-id128", "machine-id", f"--app-specific={osinfo.COLLECTOR_APP_ID}").strip()
    assert osinfo.read_machine_id() == expected
