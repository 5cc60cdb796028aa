"""CPUs, memory, disks, volumes and GPUs from the CIM snapshot."""

from __future__ import annotations

import pytest

from collector.platforms.windows.hardware import (
    parse_cpu,
    parse_disk_drives,
    parse_disks,
    parse_gpu,
    parse_gpus,
    parse_memory_module,
    parse_volumes,
)
from collector.platforms.windows.powershell import rows
from collector.platforms.windows.security import encrypted_letters
from collector.report import Cpu, Disk, Gpu, MemoryModule, Volume

from .loaders import cim, registry


def test_cpu_of_the_desktop() -> None:
    row = rows(cim("dell-optiplex-7090"), "Processor")[0]
    assert parse_cpu(0, row) == Cpu(
        socket=0,
        vendor="GenuineIntel",
        model="11th Gen Intel(R) Core(TM) i7-11700 @ 2.50GHz",
        family=6,
        model_number=167,
        stepping=1,
        physical_cores=8,
        logical_processors=16,
        base_speed_hz=2_496_000_000,
    )


MEMORY_CASES = [
    (
        "dell-optiplex-7090",
        0,
        MemoryModule(
            slot="DIMM1",
            size_bytes=17179869184,
            type="DDR4",
            form_factor="DIMM",
            speed_mts=3200,
            configured_speed_mts=2933,
            manufacturer="Samsung",
            part_number="M378A2G43AB3-CWE",
            serial="S1A2B3C4",
        ),
    ),
    (
        "lenovo-thinkpad-t14",
        1,  # soldered: FormFactor 0, serial "00000000" is junk
        MemoryModule(
            slot="Controller1-ChannelA-DIMM0",
            bank="BANK 0",
            size_bytes=8589934592,
            type="DDR4",
            speed_mts=3200,
            configured_speed_mts=3200,
            manufacturer="Samsung",
            part_number="K4AAG165WA-BCWE",
        ),
    ),
    (
        "hyperv-server-2022",
        0,
        MemoryModule(slot="M0001", size_bytes=8589934592, manufacturer="Microsoft Corporation"),
    ),
]


@pytest.mark.parametrize(("machine", "index", "expected"), MEMORY_CASES)
def test_parse_memory_module(machine: str, index: int, expected: MemoryModule) -> None:
    assert parse_memory_module(rows(cim(machine), "PhysicalMemory")[index]) == expected


DISK_CASES = [
    (
        "dell-optiplex-7090",
        [
            Disk(
                name="\\\\.\\PHYSICALDRIVE0",
                model="PC SN730 NVMe WDC 512GB",
                serial="21024S801234",  # AdapterSerialNumber, not the namespace EUI in SerialNumber
                firmware="11170101",
                size_bytes=512110190592,
                kind="ssd",
                bus="nvme",
                removable=False,
                rotational=False,
            ),
            Disk(
                name="\\\\.\\PHYSICALDRIVE1",
                model="ST1000DM010-2EP102",
                serial="ZN1A2B3C",
                firmware="CC43",
                size_bytes=1000204886016,
                kind="hdd",
                bus="sata",
                removable=False,
                rotational=True,
            ),
        ],
    ),
    (
        "hyperv-server-2022",  # MSFT_PhysicalDisk denied: Win32_DiskDrive alone, no media type
        [
            Disk(
                name="\\\\.\\PHYSICALDRIVE0",
                model="Microsoft Virtual Disk",
                firmware="1.0",
                size_bytes=136363130880,
                bus="scsi",
                removable=False,
            )
        ],
    ),
]


@pytest.mark.parametrize(("machine", "expected"), DISK_CASES)
def test_parse_disks(machine: str, expected: list[Disk]) -> None:
    snapshot = cim(machine)
    assert parse_disk_drives(snapshot) == expected


def test_usb_stick_is_removable() -> None:
    snapshot = cim("lenovo-thinkpad-t14")
    stick = parse_disks(rows(snapshot, "DiskDrive"), rows(snapshot, "PhysicalDisk"))[1]
    assert (stick.bus, stick.removable, stick.kind) == ("usb", True, None)


VOLUME_CASES = [
    (
        "dell-optiplex-7090",  # the optical drive and the network share are left out
        [
            Volume(
                mount_point="C:\\",
                device="C:",
                filesystem="NTFS",
                size_bytes=511269629952,
                encrypted=True,
                encryption="bitlocker",
            ),
            Volume(
                mount_point="D:\\", device="D:", filesystem="NTFS", size_bytes=1000186310656, encrypted=False
            ),
            Volume(  # a volume mounted in a folder; the unmounted recovery partition is left out
                mount_point="C:\\Scans\\",
                device="\\\\?\\Volume{0e3b2c1a-0000-0000-0000-100000000000}\\",
                filesystem="NTFS",
                size_bytes=214748364800,
            ),
        ],
    ),
    (
        "hyperv-server-2022",  # BitLocker state unknown (query denied)
        [Volume(mount_point="C:\\", device="C:", filesystem="NTFS", size_bytes=136256680960)],
    ),
]


@pytest.mark.parametrize(("machine", "expected"), VOLUME_CASES)
def test_parse_volumes(machine: str, expected: list[Volume]) -> None:
    snapshot = cim(machine)
    encrypted = encrypted_letters(rows(snapshot, "EncryptableVolume"))
    assert parse_volumes(rows(snapshot, "LogicalDisk"), encrypted, rows(snapshot, "Volume")) == expected


GPU_CASES = [
    (
        "lenovo-thinkpad-t14",
        [
            Gpu(
                vendor="Intel Corporation",
                model="Intel(R) Iris(R) Xe Graphics",
                vendor_id="8086",
                device_id="46a8",
                driver="31.0.101.5186",
                memory_bytes=134217728,
            ),
            Gpu(vendor="DisplayLink", model="DisplayLink USB Device", driver="11.4.9747.0"),
        ],
    ),
    (
        "hyperv-server-2022",
        [Gpu(vendor="Microsoft Corporation", model="Microsoft Hyper-V Video", driver="10.0.20348.1")],
    ),
    (
        "dell-optiplex-7090",  # the NVIDIA card's 12 GiB from its registry key: AdapterRAM stops at 4 GiB
        [
            Gpu(
                vendor="Intel Corporation",
                model="Intel(R) UHD Graphics 750",
                vendor_id="8086",
                device_id="4c8a",
                driver="31.0.101.4502",
                memory_bytes=1073741824,
            ),
            Gpu(
                vendor="NVIDIA",
                model="NVIDIA RTX A2000 12GB",
                vendor_id="10de",
                device_id="2571",
                driver="31.0.15.3742",
                memory_bytes=12884901888,
            ),
        ],
    ),
]


@pytest.mark.parametrize(("machine", "expected"), GPU_CASES)
def test_parse_gpus(machine: str, expected: list[Gpu]) -> None:
    assert parse_gpus(cim(machine), registry(machine)) == expected


def test_saturated_adapter_ram_is_unknown() -> None:
    assert parse_gpu({"Name": "NVIDIA RTX A4000", "AdapterRAM": 4293918720}).memory_bytes is None
