"""Parse CPUs, memory modules, disks, volumes and GPUs out of the CIM snapshot."""

from __future__ import annotations

import re
from typing import Any

from collector.junk import clean_serial, clean_string
from collector.platforms.macos.hardware import jedec_maker
from collector.platforms.windows.powershell import as_int, rows
from collector.report import Cpu, Disk, Gpu, MemoryModule, Volume

# SMBIOS type 17 memory types (DSP0134 7.18.2), as Win32_PhysicalMemory.SMBIOSMemoryType reports them.
MEMORY_TYPES = {
    18: "DDR",
    19: "DDR2",
    20: "DDR2 FB-DIMM",
    24: "DDR3",
    26: "DDR4",
    27: "LPDDR",
    28: "LPDDR2",
    29: "LPDDR3",
    30: "LPDDR4",
    34: "DDR5",
    35: "LPDDR5",
}
# Win32_PhysicalMemory.FormFactor (a CIM enumeration, not the SMBIOS one)
FORM_FACTORS = {7: "SIMM", 8: "DIMM", 11: "RIMM", 12: "SODIMM", 13: "SRIMM", 21: "BGA", 22: "FPBGA"}
# MSFT_PhysicalDisk.BusType
BUS_TYPES = {
    1: "scsi",
    2: "atapi",
    3: "ata",
    4: "1394",
    6: "fibre_channel",
    7: "usb",
    8: "raid",
    9: "iscsi",
    10: "sas",
    11: "sata",
    12: "sd",
    13: "mmc",
    14: "virtual",
    15: "file_backed_virtual",
    16: "storage_spaces",
    17: "nvme",
    18: "scm",
    19: "ufs",
}
MEDIA_KINDS = {3: "hdd", 4: "ssd"}  # MSFT_PhysicalDisk.MediaType; 0 is "unspecified" (VMs, USB sticks)
LOCAL_DRIVE_TYPES = {2, 3}  # Win32_LogicalDisk.DriveType: removable, local fixed
CPU_DESCRIPTION = re.compile(r"Family (\d+) Model (\d+) Stepping (\d+)")
# What Windows puts in a disk's SerialNumber when the driver gives no serial: the NVMe namespace's EUI-64 or
# NGUID in groups of four hex digits, ending in a dot ("ACE4_2E61_9000_7804."). It names the namespace, not
# the drive; MSFT_PhysicalDisk.AdapterSerialNumber carries the drive's own serial.
DEVICE_IDENTIFIER = re.compile(r"^(?:[0-9A-Fa-f]{4}_)+[0-9A-Fa-f]{4}\.?$")
PCI_IDS = re.compile(r"VEN_([0-9A-Fa-f]{4})&DEV_([0-9A-Fa-f]{4})")


def parse_cpus(snapshot: dict[str, Any]) -> list[Cpu]:
    """One record per Win32_Processor row (per socket)."""
    return [parse_cpu(socket, row) for socket, row in enumerate(rows(snapshot, "Processor"))]


def parse_memory_modules(snapshot: dict[str, Any]) -> list[MemoryModule]:
    """One record per populated slot."""
    return [parse_memory_module(row) for row in rows(snapshot, "PhysicalMemory")]


def parse_disk_drives(snapshot: dict[str, Any]) -> list[Disk]:
    """Physical disks, Win32_DiskDrive joined with MSFT_PhysicalDisk."""
    return parse_disks(rows(snapshot, "DiskDrive"), rows(snapshot, "PhysicalDisk"))


def parse_gpus(snapshot: dict[str, Any], registry: dict[str, Any] | None = None) -> list[Gpu]:
    """One record per Win32_VideoController row, memory from the adapter's registry key where it has one."""
    adapters = (registry or {}).get("display_adapters") or []
    return [parse_gpu(row, adapter_memory(row, adapters)) for row in rows(snapshot, "VideoController")]


def parse_cpu(socket: int, row: dict[str, Any]) -> Cpu:
    """One Win32_Processor row; MaxClockSpeed is the rated (base) clock on Windows, not the boost."""
    match = CPU_DESCRIPTION.search(row.get("Description") or "")
    family, model, stepping = (int(group) for group in match.groups()) if match else (None, None, None)
    mhz = row.get("MaxClockSpeed")
    return Cpu(
        socket=socket,
        vendor=clean_string(row.get("Manufacturer")),
        model=clean_string(row.get("Name")),
        family=family,
        model_number=model,
        stepping=stepping,
        physical_cores=as_int(row.get("NumberOfCores")),
        logical_processors=as_int(row.get("NumberOfLogicalProcessors")),
        base_speed_hz=mhz * 1_000_000 if isinstance(mhz, int) and mhz > 0 else None,
        max_speed_hz=None,
    )


def parse_memory_module(row: dict[str, Any]) -> MemoryModule:
    """One Win32_PhysicalMemory row."""
    speed, configured = as_int(row.get("Speed")), as_int(row.get("ConfiguredClockSpeed"))
    return MemoryModule(
        slot=clean_string(row.get("DeviceLocator")),
        bank=clean_string(row.get("BankLabel")),
        size_bytes=as_int(row.get("Capacity")),
        type=MEMORY_TYPES.get(row.get("SMBIOSMemoryType")),
        form_factor=FORM_FACTORS.get(row.get("FormFactor")),
        speed_mts=speed or None,
        configured_speed_mts=configured or None,
        manufacturer=_maker(row.get("Manufacturer")),
        part_number=clean_string(row.get("PartNumber")),
        serial=clean_serial(row.get("SerialNumber")),
    )


def _maker(value: Any) -> str | None:
    """The module maker; older SMBIOS tables give the JEDEC id instead ("80CE000080CE")."""
    text = clean_string(value)
    return (jedec_maker(text) or text) if text else None


def parse_disks(drives: list[dict[str, Any]], physical: list[dict[str, Any]]) -> list[Disk]:
    """Win32_DiskDrive rows, with media and bus type from MSFT_PhysicalDisk of the same index."""
    by_index = {str(row.get("DeviceId")): row for row in physical}
    disks = []
    for drive in drives:
        extra = by_index.get(str(drive.get("Index")), {})
        kind = MEDIA_KINDS.get(extra.get("MediaType"))
        bus = BUS_TYPES.get(extra.get("BusType")) or clean_string(drive.get("InterfaceType"))
        bus = bus.lower() if bus else None
        media = str(drive.get("MediaType") or "")
        disks.append(
            Disk(
                name=str(drive.get("DeviceID") or f"\\\\.\\PHYSICALDRIVE{drive.get('Index')}"),
                model=clean_string(drive.get("Model")),
                serial=disk_serial(
                    extra.get("AdapterSerialNumber"), extra.get("SerialNumber"), drive.get("SerialNumber")
                ),
                firmware=clean_string(drive.get("FirmwareRevision")),
                # MSFT_PhysicalDisk.Size is exact; Win32_DiskDrive.Size is rounded down to whole cylinders.
                size_bytes=as_int(extra.get("Size")) or as_int(drive.get("Size")),
                kind=kind,
                bus=bus,
                removable=("removable" in media.lower() or bus == "usb") if media or bus else None,
                rotational={"hdd": True, "ssd": False}.get(kind or ""),
            )
        )
    return disks


def disk_serial(*candidates: Any) -> str | None:
    """The first candidate that is a serial, not an NVMe namespace identifier nor a placeholder."""
    for candidate in candidates:
        serial = clean_serial(candidate)
        if serial and not DEVICE_IDENTIFIER.match(serial):
            return serial
    return None


def parse_volumes(
    logical: list[dict[str, Any]], encrypted: dict[str, bool | None], folders: list[dict[str, Any]] = ()
) -> list[Volume]:
    """Local fixed and removable drive letters (network shares and optical drives left out), then the volumes
    mounted in a folder instead of a letter (Win32_Volume rows without a DriveLetter)."""
    volumes = []
    for row in logical:
        letter = row.get("DeviceID")
        if row.get("DriveType") not in LOCAL_DRIVE_TYPES or not isinstance(letter, str):
            continue
        state = encrypted.get(letter.upper())
        volumes.append(
            Volume(
                mount_point=f"{letter}\\",
                device=letter,
                filesystem=clean_string(row.get("FileSystem")),
                size_bytes=as_int(row.get("Size")),
                encrypted=state,
                encryption="bitlocker" if state else None,
            )
        )
    for row in folders:
        path = row.get("Name")
        if (
            row.get("DriveLetter")
            or row.get("DriveType") not in LOCAL_DRIVE_TYPES
            or not isinstance(path, str)
        ):
            continue
        if path.startswith("\\\\?\\Volume{"):
            continue  # not mounted anywhere: the recovery and system partitions
        volumes.append(
            Volume(
                mount_point=path,
                device=clean_string(row.get("DeviceID")),
                filesystem=clean_string(row.get("FileSystem")),
                size_bytes=as_int(row.get("Capacity")),
            )
        )
    return volumes


def adapter_memory(row: dict[str, Any], adapters: list[dict[str, Any]]) -> int | None:
    """HardwareInformation.qwMemorySize of the display-class registry key whose MatchingDeviceId this
    controller's PNPDeviceID starts with (the driver writes it; AdapterRAM cannot count past 4 GiB)."""
    device = str(row.get("PNPDeviceID") or "").lower()
    for adapter in adapters:
        matching = str(adapter.get("MatchingDeviceId") or "").lower()
        memory = as_int(adapter.get("HardwareInformation.qwMemorySize"))
        if matching and device.startswith(matching) and memory:
            return memory
    return None


def parse_gpu(row: dict[str, Any], registry_memory: int | None = None) -> Gpu:
    """One Win32_VideoController row; ids come from the PCI instance path."""
    match = PCI_IDS.search(row.get("PNPDeviceID") or "")
    memory = row.get("AdapterRAM")
    return Gpu(
        vendor=clean_string(row.get("AdapterCompatibility")),
        model=clean_string(row.get("Name")),
        vendor_id=match.group(1).lower() if match else None,
        device_id=match.group(2).lower() if match else None,
        bus_address=None,
        driver=clean_string(row.get("DriverVersion")),
        # AdapterRAM is a uint32: it saturates just below 4 GiB, so such a value says nothing.
        memory_bytes=registry_memory
        or (memory if isinstance(memory, int) and 0 < memory < 0xFFF00000 else None),
    )
