"""Parse drives and volumes out of system_profiler's storage, NVMe and SATA data types."""

from __future__ import annotations

from typing import Any

from collector.junk import clean_serial, clean_string
from collector.platforms.macos.hardware import items
from collector.report import Disk, Volume


def parse_storage(profile: dict[str, Any], filevault_on: bool | None) -> tuple[list[Disk], list[Volume]]:
    """Physical drives (once each, with or without a volume) and mounted volumes; FileVault covers the boot
    volume group."""
    details = drive_details(profile)
    disks: dict[str, Disk] = {}
    volumes = []
    for record in items(profile, "SPStorageDataType"):
        drive = record.get("physical_drive") if isinstance(record.get("physical_drive"), dict) else {}
        name = clean_string(drive.get("device_name"))
        if name and name not in disks:
            medium = str(drive.get("medium_type") or "")
            detail = details.get(name, {})
            disks[name] = Disk(
                name=clean_string(detail.get("bsd_name")) or name,
                model=name,
                serial=clean_serial(detail.get("device_serial")),
                firmware=clean_string(detail.get("device_revision")),
                size_bytes=detail.get("size_in_bytes")
                if isinstance(detail.get("size_in_bytes"), int)
                else None,
                kind={"ssd": "ssd", "rotational": "hdd"}.get(medium),
                bus=_bus(drive.get("protocol")),
                removable=drive.get("is_internal_disk") == "no" if "is_internal_disk" in drive else None,
                rotational={"ssd": False, "rotational": True}.get(medium),
            )
        mount = record.get("mount_point")
        if not isinstance(mount, str):
            continue
        boot = mount == "/" or mount == "/System/Volumes/Data"
        size = record.get("size_in_bytes")
        volumes.append(
            Volume(
                mount_point=mount,
                device=clean_string(record.get("bsd_name")),
                filesystem=clean_string(record.get("file_system")),
                size_bytes=size if isinstance(size, int) else None,
                encrypted=filevault_on if boot else None,
                encryption="filevault" if boot and filevault_on else None,
            )
        )
    for model, detail in details.items():
        # A drive with no volume macOS mounts (blank, or formatted for another OS) is still a disk; a record
        # without a size is an optical drive with no disc in it (recorded in the fixture macbookpro8-2-osx10-7).
        if model not in disks and isinstance(detail.get("size_in_bytes"), int):
            disks[model] = detail_disk(model, detail)
    return list(disks.values()), volumes


def detail_disk(model: str, detail: dict[str, Any]) -> Disk:
    """A drive known only from its NVMe or SATA record."""
    medium = str(detail.get("spsata_medium_type") or "").lower()
    kind = (
        "ssd" if detail["_bus"] == "nvme" or "solid" in medium else "hdd" if "rotational" in medium else None
    )
    size = detail.get("size_in_bytes")
    return Disk(
        name=clean_string(detail.get("bsd_name")) or model,
        model=model,
        serial=clean_serial(detail.get("device_serial")),
        firmware=clean_string(detail.get("device_revision")),
        size_bytes=size if isinstance(size, int) else None,
        kind=kind,
        bus=detail["_bus"],
        rotational={"ssd": False, "hdd": True}.get(kind or ""),
    )


def _bus(protocol: Any) -> str | None:
    text = str(protocol or "").lower()
    for needle, bus in (
        ("nvme", "nvme"),
        ("pci", "nvme"),
        ("fabric", "apple_fabric"),
        ("sata", "sata"),
        ("usb", "usb"),
    ):
        if needle in text:
            return bus
    return clean_string(text) if text else None


def drive_details(profile: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Device model → its NVMe or SATA record (BSD name, exact size, firmware, serial when shown), with the bus
    under "_bus"."""
    details = {}
    for data_type, bus in (("SPNVMeDataType", "nvme"), ("SPSerialATADataType", "sata")):
        for controller in items(profile, data_type):
            for drive in controller.get("_items") or []:
                model = clean_string(drive.get("device_model")) if isinstance(drive, dict) else None
                if model:
                    details[model] = {**drive, "_bus": bus}
    return details
