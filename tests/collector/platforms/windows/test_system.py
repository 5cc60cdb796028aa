"""System and identity facts from the CIM snapshot and registry dump."""

from __future__ import annotations

import pytest

from collector.platforms.windows.system import parse_identity, parse_system, split_account, virtualization
from collector.report import OperatingSystem

from .loaders import cim, registry

SYSTEM_CASES = {
    "dell-optiplex-7090": {
        "manufacturer": "Dell Inc.",
        "product": "OptiPlex 7090",
        "serial": "4B5RKS3",
        "system_uuid": "4c4c4544-0042-3510-8052-b4c04f4b3533",
        "chassis_type": "Desktop",
        "bios_version": "1.21.0",
        "bios_date": "2023-08-14",
        "virtualization": "physical",
    },
    "lenovo-thinkpad-t14": {
        "manufacturer": "LENOVO",
        "product": "21AHCTO1WW",
        "product_version": "ThinkPad T14 Gen 3",
        "serial": "PF3ABCDE",
        "chassis_type": "Notebook",
        "virtualization": "physical",
    },
    "hyperv-server-2022": {"product": "Virtual Machine", "sku": None, "virtualization": "hyperv"},
    "vmware-win10-32bit": {"chassis_type": None, "board_product": None, "virtualization": "vmware"},
    # Proxmox/QEMU with Bochs strings; OVMF leaves SMBIOSBIOSVersion empty.
    "proxmox-win11-vm": {"virtualization": "qemu", "bios_version": "BOCHS  - 1", "chassis_type": None},
}

OS_CASES = {
    "dell-optiplex-7090": OperatingSystem(
        family="windows",
        name="Microsoft Windows 11 Pro",
        version="23H2",
        build="22631.4460",
        kernel_name="Windows NT",
        kernel_version="10.0.22631",
        architecture="x86_64",
        install_date="2023-02-01T09:12:44Z",
        boot_time="2026-11-24T07:58:03Z",
        timezone="W. Europe Standard Time",
        last_user="jdoe",
        last_user_domain="CORP",
    ),
    "hyperv-server-2022": OperatingSystem(
        family="windows",
        name="Microsoft Windows Server 2022 Standard",
        version="2009",
        build="20348.2849",
        kernel_name="Windows NT",
        kernel_version="10.0.20348",
        architecture="x86_64",
        install_date="2022-11-03T10:00:00Z",
        boot_time="2026-11-01T03:00:00Z",
        timezone="UTC",
        last_user="svc-admin",
        last_user_domain="CORP",
    ),
    "proxmox-win11-vm": OperatingSystem(  # an Entra ID (Azure AD) account
        family="windows",
        name="Microsoft Windows 11 Enterprise",
        version="24H2",
        build="26100.2314",
        kernel_name="Windows NT",
        kernel_version="10.0.26100",
        architecture="x86_64",
        install_date="2025-10-01T08:00:00Z",
        boot_time="2026-12-01T06:30:00Z",
        timezone="Pacific Standard Time",
        last_user="MariaLopez",
        last_user_domain="AzureAD",
    ),
    "vmware-win10-32bit": OperatingSystem(
        family="windows",
        name="Microsoft Windows 10 Enterprise LTSC",
        version="21H2",
        build="19044",
        kernel_name="Windows NT",
        kernel_version="10.0.19044",
        architecture="x86",
        boot_time="2026-11-25T10:00:00Z",
    ),
}

IDENTITY_CASES = {
    "dell-optiplex-7090": (
        "ws-0142",
        "ws-0142.corp.example.com",
        "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
    ),
    "lenovo-thinkpad-t14": ("NB-0077", None, "8d3c2b1a-5e4f-4a3b-9c8d-7e6f5a4b3c2d"),
    "vmware-win10-32bit": ("LAB-W10-32", None, None),  # an all-zero MachineGuid is junk
}


@pytest.mark.parametrize(("machine", "expected"), SYSTEM_CASES.items())
def test_parse_system(machine: str, expected: dict) -> None:
    section = parse_system(cim(machine), registry(machine))
    assert {key: getattr(section, key) for key in expected} == expected


@pytest.mark.parametrize(("machine", "expected"), OS_CASES.items())
def test_parse_operating_system(machine: str, expected: OperatingSystem) -> None:
    assert parse_system(cim(machine), registry(machine)).os == expected


@pytest.mark.parametrize(("machine", "expected"), IDENTITY_CASES.items())
def test_parse_identity(machine: str, expected: tuple) -> None:
    identity = parse_identity(
        cim(machine), registry(machine), macs=["aa:bb:cc:dd:ee:01", "aa:bb:cc:dd:ee:01"]
    )
    assert (identity.hostname, identity.fqdn, identity.machine_id) == expected
    assert identity.physical_macs == ["aa:bb:cc:dd:ee:01"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (".\\maria", ("maria", None)),  # "." is this computer: a local account
        ("CORP\\jdoe", ("jdoe", "CORP")),
        ("AzureAD\\MariaLopez", ("MariaLopez", "AzureAD")),
        ("maria@example.com", ("maria", "example.com")),
        ("kiosk", ("kiosk", None)),
        ("", (None, None)),
    ],
)
def test_split_account(name: str, expected: tuple) -> None:
    assert split_account(name) == expected


@pytest.mark.parametrize(
    ("manufacturer", "model", "expected"),
    [
        ("Microsoft Corporation", "Virtual Machine", "hyperv"),
        ("Microsoft Corporation", "Surface Laptop 5", "physical"),
        ("QEMU", "Standard PC (Q35 + ICH9, 2009)", "qemu"),
        ("innotek GmbH", "VirtualBox", "virtualbox"),
        ("Xen", "HVM domU", "xen"),
        ("Amazon EC2", "m5.large", "kvm"),
        ("BOCHS_", "BXPC____", "qemu"),
        ("Proxmox", "Standard PC (i440FX + PIIX, 1996)", "qemu"),
        ("Parallels Software International Inc.", "Parallels ARM Virtual Machine", "parallels"),
        ("OpenStack Foundation", "OpenStack Nova", "kvm"),
        ("Hetzner", "vServer", "kvm"),
        ("VMware, Inc.", "VMware20,1", "vmware"),
        ("Red Hat", "KVM", "kvm"),
        ("Google", "Google Compute Engine", "kvm"),
        ("Nutanix", "AHV", "kvm"),
        (None, None, "physical"),
    ],
)
def test_virtualization(manufacturer: str | None, model: str | None, expected: str) -> None:
    assert virtualization(manufacturer, model) == expected
