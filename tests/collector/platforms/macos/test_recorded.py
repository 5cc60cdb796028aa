"""The parsers on outputs recorded on real Macs (provenance in tests/collector/fixtures/macos/README.md)."""

from __future__ import annotations

from dataclasses import replace

from collector.platforms.macos import devices, hardware, storage
from collector.report import Battery, Cpu, Disk, Gpu, MemoryModule, Monitor, UsbDevice
from tests.collector.platforms.macos.loaders import FIXTURES, profile_from_xml

# A MacBookPro8,2 on OS X 10.7.5, recorded by Chef's ohai in 2012: SPHardwareDataType at -detailLevel full,
# every other data type at mini.
MACBOOK_2012 = profile_from_xml("macbookpro8-2-osx10-7.plist")


def test_recorded_system() -> None:
    section = hardware.parse_system(MACBOOK_2012, {})
    assert (section.product, section.family, section.bios_version, section.chassis_type) == (
        "MacBookPro8,2",
        "MacBook Pro",
        "MBP81.0047.B27",
        "Notebook",
    )
    assert (section.os.name, section.os.version, section.os.build, section.os.kernel_version) == (
        "Mac OS X",
        "10.7.5",
        "11G63",
        "11.4.2",
    )
    # mini detail: SPSoftwareDataType has no user_name (nor local_host_name); see docs/collector.md
    assert section.os.last_user is None


def test_recorded_cpu_from_system_profiler_alone() -> None:
    assert hardware.parse_cpu(MACBOOK_2012) == Cpu(
        socket=0, vendor="Intel", model="Intel Core i7", physical_cores=4, base_speed_hz=2_200_000_000
    )


def test_recorded_sysctl() -> None:
    """`sysctl hw machdep` of a MacBook Pro with an i7-4980HQ, recorded by ohai's tests."""
    text = (FIXTURES / "sysctl" / "macbookpro-i7-4980hq.txt").read_text()
    assert hardware.parse_cpu({}, hardware.parse_sysctl(text)) == Cpu(
        socket=0,
        vendor="Intel",
        model="Intel(R) Core(TM) i7-4980HQ CPU @ 2.80GHz",
        family=6,
        model_number=70,
        stepping=1,
        physical_cores=4,
        logical_processors=8,
        base_speed_hz=2_800_000_000,
    )


def test_recorded_memory() -> None:
    module = MemoryModule(
        size_bytes=4 * 2**30,
        type="DDR3",
        speed_mts=1067,
        manufacturer="Micron",  # JEDEC 0x802C
        part_number="16JSF51264HZ-1G1D1",  # printed as hex
    )
    assert hardware.parse_memory(MACBOOK_2012) == (
        8 * 2**30,
        [
            replace(module, slot="BANK 0/DIMM0"),
            replace(module, slot="BANK 1/DIMM0"),
        ],
    )


def test_recorded_gpus_name_their_vendor_with_its_pci_id() -> None:
    """10.7 wrote the vendor as "ATI (0x1002)", not "sppci_vendor_amd"."""
    assert hardware.parse_gpus(MACBOOK_2012) == [
        Gpu(
            vendor="AMD", model="AMD Radeon HD 6750M", vendor_id="1002", device_id="6741", memory_bytes=2**29
        ),
        Gpu(
            vendor="Intel",
            model="Intel HD Graphics 3000",
            vendor_id="8086",
            device_id="0116",
            memory_bytes=2**29,
        ),
    ]


def test_recorded_sata_disk_without_a_storage_report() -> None:
    """10.7 has no SPStorageDataType: the disk comes from the SATA report alone; the empty DVD drive is no disk."""
    disks, volumes = storage.parse_storage(MACBOOK_2012, None)
    assert disks == [
        Disk(
            name="disk0",
            model="TOSHIBA MK7559GSXF",  # padded with spaces in the recording
            firmware="GQ006B",
            size_bytes=750_156_374_016,
            kind="hdd",
            bus="sata",
            rotational=True,
        )
    ]
    assert volumes == []


def test_recorded_built_in_panel() -> None:
    assert devices.parse_profiler_monitors(MACBOOK_2012) == [
        Monitor(
            manufacturer="APP",  # vendor id "610" is the PNP word 0x0610
            manufacturer_name="Apple",
            model="Color LCD",
            product_code=0xA005,
            manufacture_year=2010,
            manufacture_week=49,
        )
    ]


def test_recorded_usb_devices_with_prefixed_keys() -> None:
    found = {(d.vendor_id, d.product_id): d for d in devices.parse_usb_devices(MACBOOK_2012)}
    assert found[("05ac", "8509")] == UsbDevice(
        vendor_id="05ac",
        product_id="8509",
        manufacturer="Apple Inc.",
        product="FaceTime HD Camera (Built-in)",
        serial="CC2BCR00A0DG6ML0",  # shown at mini detail
        kind="webcam",
    )
    assert found[("0a5c", "4500")].kind == "hub"
    assert ("05ac", "0252") in found  # the internal keyboard / trackpad


def test_recorded_battery() -> None:
    batteries, state = devices.parse_battery(MACBOOK_2012)
    assert batteries == [
        Battery(manufacturer="SMP", model="bq20z451", serial="D862025008TDGDLAH", cycle_count=360)
    ]
    assert state == {"charging": False, "on_ac_power": False}
