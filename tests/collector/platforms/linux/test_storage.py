"""Disks, mounts and LUKS detection."""

from pathlib import Path

import pytest

from collector.platforms.linux import storage
from collector.platforms.linux.storage import Mount

from .fixtures import text, write_tree


def test_volume_mounts_recorded_vm() -> None:
    mounts = storage.volume_mounts(storage.parse_mounts(text("mounts/debian-12-firecracker-vm.txt")))
    assert mounts == [Mount("/dev/vda", "/", "ext4")]


def test_volume_mounts_laptop() -> None:
    mounts = storage.volume_mounts(storage.parse_mounts(text("mounts/laptop-lvm-on-luks.txt")))
    assert [(m.mount_point, m.device, m.filesystem) for m in mounts] == [
        ("/", "/dev/mapper/vg0-root", "ext4"),
        ("/boot", "/dev/nvme0n1p2", "ext4"),
        ("/boot/efi", "/dev/nvme0n1p1", "vfat"),
        ("/home", "/dev/mapper/vg0-home", "ext4"),
        ("/media/dana/USB STICK", "/dev/sdb1", "vfat"),
        ("/mnt/projects", "fileserver:/export/projects", "nfs4"),
    ]


def test_truncated_mounts_raise() -> None:
    with pytest.raises(ValueError):
        storage.parse_mounts(text("mounts/truncated.txt"))


@pytest.mark.parametrize(
    ("path", "bus"),
    [
        ("/sys/devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0n1", "nvme"),
        ("/sys/devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda", "sata"),
        ("/sys/devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host4/target4:0:0/4:0:0:0/block/sdb", "usb"),
        ("/sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda", "virtio"),
        ("/sys/devices/platform/fe340000.mmc/mmc_host/mmc0/mmc0:0001/block/mmcblk0", "mmc"),
        (
            "/sys/devices/pci0000:00/0000:00:01.0/host0/port-0:0/end_device-0:0/target0:0:0/0:0:0:0/block/sda",
            "sas",
        ),
        ("/sys/devices/vbd-51712/block/xvda", "xen"),
        ("/sys/devices/virtual/block/loop0", None),
    ],
)
def test_disk_bus(path: str, bus: str | None) -> None:
    assert storage.disk_bus(path) == bus


@pytest.mark.parametrize(
    ("bus", "rotational", "kind"),
    [("nvme", 0, "ssd"), ("sata", 0, "ssd"), ("sata", 1, "hdd"), ("virtio", 1, None), ("usb", None, None)],
)
def test_disk_kind(bus: str, rotational: int | None, kind: str | None) -> None:
    assert storage.disk_kind(bus, rotational) == kind


def test_read_disks_from_a_sysfs_tree(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "sda/size": "1953525168\n",
            "sda/dev": "8:0\n",
            "sda/removable": "0\n",
            "sda/queue/rotational": "0\n",
            "sda/device/model": "Samsung SSD 870 EVO 1TB\n",
            "sda/device/vendor": "ATA     \n",
            "sda/device/rev": "SVT02B6Q\n",
            "loop0/size": "1024\n",
            "sdb/size": "0\n",  # a card reader without a card
        },
    )
    (disk,) = storage.read_disks(tmp_path)
    assert (disk.name, disk.model, disk.vendor, disk.firmware) == (
        "sda",
        "Samsung SSD 870 EVO 1TB",
        "ATA",
        "SVT02B6Q",
    )
    assert (disk.size_bytes, disk.kind, disk.removable, disk.rotational) == (
        1953525168 * 512,
        "ssd",
        False,
        False,
    )


def test_udev_db_properties() -> None:
    props = storage.parse_udev_db(
        "S:disk/by-id/ata-X\nE:ID_SERIAL_SHORT=S5Y1NX0T123456\nE:ID_BUS=ata\nG:systemd\n"
    )
    assert props == {"ID_SERIAL_SHORT": "S5Y1NX0T123456", "ID_BUS": "ata"}


def test_luks_under_lvm(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "dm-0/dm/uuid": "CRYPT-LUKS2-7b0e2c1d9a8f4e3b8c6d5e4f3a2b1c0d-luks-7b0e2c1d\n",
            "dm-1/dm/uuid": "LVM-abcdefABCDEF0123456789\n",
            "dm-1/slaves/dm-0": "",
            "nvme0n1p2/dev": "259:2\n",
        },
    )
    assert storage.luks_version("dm-1", tmp_path) == "luks2"
    assert storage.luks_version("dm-0", tmp_path) == "luks2"
    assert storage.luks_version("nvme0n1p2", tmp_path) is None


def test_network_share_encryption_is_unknown() -> None:
    assert storage.mount_encryption(Mount("fileserver:/export", "/mnt/x", "nfs4")) == (None, None)


def test_network_shares_are_never_statvfsed(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/vda {tmp_path} ext4 rw 0 0\nfiler:/x /nonexistent/hung-nfs nfs4 rw 0 0\n")
    share, local = storage.read_volumes(mounts)  # sorted by mount point
    assert (local.mount_point, share.mount_point) == (str(tmp_path), "/nonexistent/hung-nfs")
    assert local.size_bytes and local.size_bytes > 0
    assert (share.size_bytes, share.encrypted) == (None, None)
