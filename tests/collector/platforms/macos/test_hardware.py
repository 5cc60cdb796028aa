"""System, CPU, memory, storage and GPU facts from system_profiler and ioreg."""

from __future__ import annotations

import pytest

from collector.platforms.macos.hardware import (
    hex_text,
    parse_cpu,
    parse_gpus,
    parse_memory,
    parse_system,
    size_bytes,
)
from collector.platforms.macos.ioreg import parse_platform
from collector.platforms.macos.storage import parse_storage
from collector.report import Cpu, Disk, Gpu, MemoryModule, OperatingSystem, Volume

from .loaders import fixture_bytes, profile, sysctl

SYSTEM_CASES = {
    "macbook-pro-m2": (
        (
            "Mac14,9",
            "MacBook Pro",
            "MPHE3LL/A",
            "C02ZX1ABMD6T",
            "6f2d4c1a-9b8e-5a3f-b2c1-0d9e8f7a6b5c",
            "Notebook",
            "physical",
        ),
        OperatingSystem(
            family="macos",
            name="macOS",
            version="14.4.1",
            build="23E224",
            kernel_name="Darwin",
            kernel_version="23.4.0",
            architecture="arm64",
        ),
    ),
    "imac-intel-2019": (
        (
            "iMac19,1",
            "iMac",
            "MRR12LL/A",
            "C02YW0ABJV40",
            "a1b2c3d4-e5f6-4789-8abc-def012345678",
            "All in One",
            "physical",
        ),
        OperatingSystem(
            family="macos",
            name="macOS",
            version="12.7.4",
            build="21H1123",
            kernel_name="Darwin",
            kernel_version="21.6.0",
            architecture="x86_64",
            last_user="frontdesk",
        ),
    ),
    "virtualmac-vm": (
        # the VM's all-zero IOPlatformUUID is junk
        ("VirtualMac2,1", "Apple Virtual Machine 1", None, "ZRFW2HKRQ3", None, None, "apple"),
        OperatingSystem(
            family="macos",
            name="macOS",
            version="15.1",
            build="24B83",
            kernel_name="Darwin",
            kernel_version="24.1.0",
            architecture="arm64",
        ),
    ),
}


@pytest.mark.parametrize(("machine", "expected"), SYSTEM_CASES.items())
def test_parse_system(machine: str, expected: tuple) -> None:
    facts, operating_system = expected
    platform_info = parse_platform(fixture_bytes("ioreg", f"{machine}-platform.plist"))
    section = parse_system(profile(machine), platform_info)
    found = (
        section.product,
        section.family,
        section.sku,
        section.serial,
        section.system_uuid,
        section.chassis_type,
        section.virtualization,
    )
    assert (found, section.os) == (facts, operating_system)


def test_truncated_ioreg_output_is_refused() -> None:
    with pytest.raises(ValueError, match="not a plist"):
        parse_platform(fixture_bytes("ioreg", "truncated-platform.plist"))


CPU_CASES = {
    "macbook-pro-m2": Cpu(
        socket=0, vendor="Apple", model="Apple M2 Pro", physical_cores=10, logical_processors=10
    ),
    "imac-intel-2019": Cpu(  # the brand string and family/model/stepping from sysctl
        socket=0,
        vendor="Intel",
        model="Intel(R) Core(TM) i5-9600K CPU @ 3.70GHz",
        family=6,
        model_number=158,
        stepping=13,
        physical_cores=6,
        logical_processors=6,
        base_speed_hz=3_700_000_000,
    ),
    "virtualmac-vm": Cpu(
        socket=0, vendor="Apple", model="Apple M2 Pro (Virtual)", physical_cores=4, logical_processors=4
    ),
}


@pytest.mark.parametrize(("machine", "expected"), CPU_CASES.items())
def test_parse_cpu(machine: str, expected: Cpu) -> None:
    assert parse_cpu(profile(machine), sysctl(machine)) == expected


@pytest.mark.parametrize("speed", ["3.7 GHz", "3,7 GHz"])  # a German or French locale writes a decimal comma
def test_without_sysctl_the_speed_is_read_in_any_locale(speed: str) -> None:
    document = profile("imac-intel-2019")
    document["SPHardwareDataType"][0]["current_processor_speed"] = speed
    assert parse_cpu(document) == Cpu(
        socket=0, vendor="Intel", model="6-Core Intel Core i5", physical_cores=6, base_speed_hz=3_700_000_000
    )


MEMORY_CASES = {
    "macbook-pro-m2": (
        16 * 2**30,
        [MemoryModule(size_bytes=16 * 2**30, type="LPDDR5", manufacturer="Micron")],
    ),
    "imac-intel-2019": (
        32 * 2**30,
        [
            MemoryModule(
                slot=f"BANK {bank}/ChannelA-DIMM0",
                size_bytes=16 * 2**30,
                type="DDR4",
                speed_mts=2667,
                manufacturer="Samsung",
                part_number="M471A2K43DB2",
                serial=serial,
            )
            for bank, serial in ((0, "0x3A1B2C4D"), (1, "0x3A1B2C4E"))
        ],
    ),
    "virtualmac-vm": (8 * 2**30, []),
}


@pytest.mark.parametrize(("machine", "expected"), MEMORY_CASES.items())
def test_parse_memory(machine: str, expected: tuple) -> None:
    assert parse_memory(profile(machine)) == expected


def test_parse_storage_apple_silicon() -> None:
    disks, volumes = parse_storage(profile("macbook-pro-m2"), filevault_on=True)
    assert disks == [
        Disk(
            name="disk0",  # from SPNVMeDataType, with the exact size; this record has no serial
            model="APPLE SSD AP0512Z",
            firmware="874.100.2",
            size_bytes=500277790720,
            kind="ssd",
            bus="apple_fabric",
            removable=False,
            rotational=False,
        ),
        Disk(
            name="Samsung PSSD T7",
            model="Samsung PSSD T7",
            kind="ssd",
            bus="usb",
            removable=True,
            rotational=False,
        ),
    ]
    assert [(v.mount_point, v.encrypted, v.encryption) for v in volumes] == [
        ("/System/Volumes/Data", True, "filevault"),
        ("/", True, "filevault"),
        ("/Volumes/BACKUP", None, None),
    ]


def test_parse_storage_intel_with_unmounted_hdd() -> None:
    disks, volumes = parse_storage(profile("imac-intel-2019"), filevault_on=False)
    assert [(d.name, d.model, d.serial, d.size_bytes, d.kind, d.bus) for d in disks] == [
        ("disk0", "APPLE SSD AP0032M", "S3MENX0K123456", 28000000000, "ssd", "nvme"),
        ("disk1", "APPLE HDD ST1000DM003", None, 1000204886016, "hdd", "sata"),
        # in the SATA report only: no volume of it in the storage report (formatted for Windows)
        ("disk2", "WDC WD20EZAZ-00GGJB0", "WD-WX12D81ABCDE", 2000398934016, "hdd", "sata"),
    ]
    assert volumes[0] == Volume(
        mount_point="/", device="disk1s5s1", filesystem="APFS", size_bytes=2000796545024, encrypted=False
    )
    assert len(volumes) == 2


GPU_CASES = {
    "macbook-pro-m2": [Gpu(vendor="Apple", model="Apple M2 Pro")],
    "imac-intel-2019": [
        Gpu(vendor="AMD", model="Radeon Pro 580X", vendor_id="1002", device_id="67df", memory_bytes=8 * 2**30)
    ],
}


@pytest.mark.parametrize(("machine", "expected"), GPU_CASES.items())
def test_parse_gpus(machine: str, expected: list[Gpu]) -> None:
    assert parse_gpus(profile(machine)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16 GB", 16 * 2**30),
        ("512 MB", 512 * 2**20),
        ("1.5 TB", int(1.5 * 2**40)),
        ("empty", None),
        (None, None),
    ],
)
def test_size_bytes(text: str | None, expected: int | None) -> None:
    assert size_bytes(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0x4D34373141324B3433444232", "M471A2K43DB2"), ("HMA82GS6CJR8N-VK", "HMA82GS6CJR8N-VK"), (None, None)],
)
def test_hex_text(value: str | None, expected: str | None) -> None:
    assert hex_text(value) == expected
