"""Disks from /sys/block, volumes from /proc/self/mounts, LUKS from device-mapper uuids."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from collector.junk import clean_serial, clean_string
from collector.platforms.linux.files import list_dir, read_int, read_raw, read_text
from collector.report import Disk, Volume

SYS_BLOCK = Path("/sys/block")
SYS_CLASS_BLOCK = Path("/sys/class/block")
UDEV_DATA = Path("/run/udev/data")
SECTOR_BYTES = 512  # /sys/block/*/size counts 512-byte sectors whatever the device's sector size
SKIPPED_DISKS = re.compile(r"^(loop|ram|zram|dm-|md|nbd|sr|fd)\d*")
NETWORK_FILESYSTEMS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "ceph", "glusterfs"}
SKIPPED_FILESYSTEMS = {"squashfs", "iso9660", "udf", "autofs"}
# Substrings of the resolved sysfs device path, in order, and the bus they mean.
BUS_PATTERNS = (
    ("/nvme", "nvme"),
    ("/usb", "usb"),
    ("/virtio", "virtio"),
    ("/mmc_host/", "mmc"),
    ("/end_device-", "sas"),
    ("/ata", "sata"),
    ("/vbd-", "xen"),
    ("/host", "scsi"),
)
VIRTUAL_BUSES = {"virtio", "xen"}


@dataclass(slots=True, frozen=True)
class Mount:
    """One line of /proc/self/mounts."""

    device: str
    mount_point: str
    filesystem: str


def _unescape_mount(field: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def parse_mounts(text: str) -> list[Mount]:
    """Mounts of a mounts file, octal escapes decoded; raises ValueError on a short line."""
    mounts = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) < 3:
            raise ValueError(f"not a mounts line: {line!r}")
        mounts.append(Mount(_unescape_mount(parts[0]), _unescape_mount(parts[1]), parts[2]))
    return mounts


def volume_mounts(mounts: list[Mount]) -> list[Mount]:
    """Mounts that are volumes: block devices and network shares, one per mount point (the last)."""
    by_point: dict[str, Mount] = {}
    for mount in mounts:
        if mount.filesystem in SKIPPED_FILESYSTEMS:
            continue
        if mount.device.startswith("/dev/") or mount.filesystem in NETWORK_FILESYSTEMS:
            by_point[mount.mount_point] = mount
    return sorted(by_point.values(), key=lambda m: m.mount_point)


def disk_bus(device_path: str) -> str | None:
    """The bus of a disk from its resolved sysfs device path."""
    for needle, bus in BUS_PATTERNS:
        if needle in device_path:
            return bus
    return None


def parse_udev_db(text: str) -> dict[str, str]:
    """The E: properties of a udev database entry."""
    props = {}
    for line in text.splitlines():
        if line.startswith("E:") and "=" in line:
            key, _, value = line[2:].partition("=")
            props[key] = value
    return props


def disk_kind(bus: str | None, rotational: int | None) -> str | None:
    """ssd or hdd; None for virtual disks, whose rotational flag means nothing."""
    if bus in VIRTUAL_BUSES:
        return None
    if bus == "nvme" or rotational == 0:
        return "ssd"
    return "hdd" if rotational == 1 else None


def _vendor(value: str | None) -> str | None:
    text = clean_string(value)
    return None if text and re.fullmatch(r"0x[0-9a-fA-F]{4}", text) else text  # virtio gives a PCI id


def read_disk(block: Path) -> Disk | None:
    """One disk of /sys/block, or None when it is empty (a card reader without a card)."""
    sectors = read_int(block / "size")
    if not sectors:
        return None
    device = block / "device"
    bus = disk_bus(os.path.realpath(block))
    udev = parse_udev_db(read_raw(UDEV_DATA / f"b{read_text(block / 'dev')}") or "")
    rotational = read_int(block / "queue" / "rotational")
    removable = read_int(block / "removable")
    serial = read_text(device / "serial") or read_text(block / "serial") or udev.get("ID_SERIAL_SHORT")
    return Disk(
        name=block.name,
        model=clean_string(read_text(device / "model") or udev.get("ID_MODEL")),
        vendor=_vendor(read_text(device / "vendor")),
        serial=clean_serial(serial),
        firmware=clean_string(read_text(device / "firmware_rev") or read_text(device / "rev")),
        size_bytes=sectors * SECTOR_BYTES,
        kind=disk_kind(bus, rotational),
        bus=bus,
        removable=None if removable is None else bool(removable),
        rotational=None if rotational is None else bool(rotational),
    )


def read_disks(sys_block: Path = SYS_BLOCK) -> list[Disk]:
    """Physical (and virtual machine) disks; loop, RAM, device-mapper and optical devices left out."""
    disks = []
    for block in list_dir(sys_block):
        if SKIPPED_DISKS.match(block.name):
            continue
        disk = read_disk(block)
        if disk is not None:
            disks.append(disk)
    return disks


def luks_version(block_name: str, sys_class_block: Path = SYS_CLASS_BLOCK, depth: int = 0) -> str | None:
    """ "luks1"/"luks2" when the block device is, or sits on, a LUKS mapping (LVM on LUKS included)."""
    uuid = read_text(sys_class_block / block_name / "dm" / "uuid") or ""
    if uuid.startswith("CRYPT-LUKS"):
        return uuid.split("-", 2)[1].lower()
    if depth > 8:
        return None
    for slave in list_dir(sys_class_block / block_name / "slaves"):
        found = luks_version(slave.name, sys_class_block, depth + 1)
        if found:
            return found
    return None


def mount_encryption(mount: Mount) -> tuple[bool | None, str | None]:
    """(encrypted, method) of a mounted volume; unknown for network shares."""
    if not mount.device.startswith("/dev/"):
        return None, None
    name = os.path.basename(os.path.realpath(mount.device))
    version = luks_version(name)
    return (True, "luks") if version else (False, None)


def read_volumes(mounts_file: Path = Path("/proc/self/mounts")) -> list[Volume]:
    """Mounted volumes with size and encryption."""
    volumes = []
    for mount in volume_mounts(parse_mounts(read_raw(mounts_file) or "")):
        size = None
        if mount.filesystem not in NETWORK_FILESYSTEMS:  # statvfs on a hard-mounted dead NFS server hangs
            try:
                stat = os.statvfs(mount.mount_point)
                size = stat.f_blocks * stat.f_frsize
            except OSError:
                size = None
        encrypted, method = mount_encryption(mount)
        volumes.append(
            Volume(
                mount_point=mount.mount_point,
                device=mount.device,
                filesystem=mount.filesystem,
                size_bytes=size,
                encrypted=encrypted,
                encryption=method,
            )
        )
    return volumes
