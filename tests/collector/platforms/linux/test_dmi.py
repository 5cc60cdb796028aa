"""SMBIOS system facts from /sys/class/dmi/id, junk removed; unreadable serials as root and unprivileged."""

import os
import tempfile
from pathlib import Path

import pytest

from collector.platforms.linux import dmi

from .fixtures import text


def _values(fixture: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in text(f"dmi/{fixture}").splitlines() if line)
    return {key: value for key, value in pairs}


def _write_dmi_dir(root: Path, values: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, value in values.items():
        (root / name).write_text(value + "\n")
    return root


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        (
            "dell-optiplex-7090.txt",
            {
                "manufacturer": "Dell Inc.", "product": "OptiPlex 7090", "product_version": None, "family": "OptiPlex",
                "sku": "0A5B", "serial": "7XK2QH3", "system_uuid": "4c4c4544-0058-4b10-8032-b7c04f514833",
                "chassis_type": "Desktop", "board_manufacturer": "Dell Inc.", "board_product": "0K3MMN",
                "board_serial": "/7XK2QH3/CNFCW0016I00AB/", "bios_vendor": "Dell Inc.", "bios_version": "1.21.0",
                "bios_date": "2023-04-17",
            },
        ),
        (
            "whitebox-oem-junk.txt",
            {
                "manufacturer": None, "product": None, "product_version": None, "family": None, "sku": None,
                "serial": None, "system_uuid": None, "chassis_type": "Desktop", "board_manufacturer": "ASRock",
                "board_product": "B450M Pro4", "board_serial": "M80-C4012345678",
                "bios_vendor": "American Megatrends Inc.", "bios_version": "P3.90", "bios_date": "2019-12-13",
            },
        ),
        (
            "lenovo-thinkpad-t14-gen3.txt",
            {
                "manufacturer": "LENOVO", "product": "21AH00BXGE", "product_version": "ThinkPad T14 Gen 3",
                "family": "ThinkPad T14 Gen 3", "sku": "LENOVO_MT_21AH_BU_Think_FM_ThinkPad T14 Gen 3",
                "serial": "PF3ABCDE", "system_uuid": "f3c1a8e2-2b7d-11b2-a85c-8e3b2c1d0f4a",
                "chassis_type": "Notebook", "board_manufacturer": "LENOVO", "board_product": "21AH00BXGE",
                "board_serial": "L1HF2AB00CD", "bios_vendor": "LENOVO", "bios_version": "R23ET70W (1.46 )",
                "bios_date": "2023-09-14",
            },
        ),
        (
            "qemu-kvm-standard-pc.txt",
            {
                "manufacturer": "QEMU", "product": "Standard PC (Q35 + ICH9, 2009)", "product_version": "pc-q35-8.2",
                "family": None, "sku": None, "serial": None, "system_uuid": None, "chassis_type": "Other",
                "board_manufacturer": None, "board_product": None, "board_serial": None, "bios_vendor": "SeaBIOS",
                "bios_version": "1.16.3-debian-1.16.3-2", "bios_date": "2014-04-01",
            },
        ),
    ],
)  # fmt: skip
def test_parse_dmi(fixture: str, expected: dict[str, str | None]) -> None:
    assert dmi.parse_dmi(_values(fixture)) == expected


@pytest.mark.parametrize(
    ("raw", "expected"), [("3", "Desktop"), ("10", "Notebook"), ("131", "Desktop"), ("99", None)]
)
def test_chassis_type(raw: str, expected: str | None) -> None:
    assert dmi.parse_chassis_type(raw) == expected


def test_bios_date_in_another_shape_is_missing() -> None:
    with pytest.raises(ValueError):
        dmi.parse_bios_date("2023-04-17T00:00")
    assert dmi.parse_dmi({"bios_date": "sometime in 2023"})["bios_date"] is None


def test_read_dmi_as_root_reads_everything(tmp_path: Path) -> None:
    root = _write_dmi_dir(tmp_path / "id", _values("dell-optiplex-7090.txt"))
    found = dmi.read_dmi(root)
    if os.geteuid() == 0:
        assert found.unreadable == []
    assert found.values["product_serial"] == "7XK2QH3"


def _read_as_nobody(root: Path) -> tuple[list[str], str]:
    """read_dmi in a forked child that dropped root (uid/gid 65534), as an unprivileged collector runs."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop privileges, read, report through the pipe, never return to pytest
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            found = dmi.read_dmi(root)
            message = ",".join(found.unreadable) + "|" + found.values.get("product_name", "")
            os.write(write_end, message.encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        output = pipe.read()
    os.waitpid(pid, 0)
    unreadable, product = output.split("|")
    return unreadable.split(","), product


def test_read_dmi_unprivileged_reports_unreadable_serials() -> None:
    """The kernel makes serials and the UUID readable by root only; an unprivileged run names them, keeps the rest."""
    with tempfile.TemporaryDirectory(dir="/tmp") as scratch:
        root = _write_dmi_dir(Path(scratch) / "id", _values("dell-optiplex-7090.txt"))
        os.chmod(scratch, 0o755)
        for name in ("product_serial", "product_uuid", "board_serial"):
            os.chmod(root / name, 0o000)  # unreadable to a non-root owner too
        if os.geteuid() == 0:
            unreadable_names, product = _read_as_nobody(root)
        else:
            found = dmi.read_dmi(root)
            unreadable_names, product = found.unreadable, found.values["product_name"]
        assert unreadable_names == ["product_serial", "product_uuid", "board_serial"]
        assert product == "OptiPlex 7090"
