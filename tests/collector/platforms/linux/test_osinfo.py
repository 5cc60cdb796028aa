"""os-release, boot time, time zone and wtmp parsing."""

import struct
from pathlib import Path

import pytest

from collector.platforms.linux import osinfo

from .fixtures import text


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("debian-12-firecracker-vm.txt", {"NAME": "Debian GNU/Linux", "VERSION_ID": "12", "ID": "debian"}),
        ("ubuntu-24.04.txt", {"NAME": "Ubuntu", "VERSION_ID": "24.04", "ID_LIKE": "debian"}),
        ("fedora-40-workstation.txt", {"NAME": "Fedora Linux", "VERSION_ID": "40", "VERSION_CODENAME": ""}),
        ("arch-rolling.txt", {"NAME": "Arch Linux", "ID": "arch", "BUILD_ID": "rolling"}),
    ],
)
def test_parse_os_release(fixture: str, expected: dict[str, str]) -> None:
    fields = osinfo.parse_os_release(text(f"os-release/{fixture}"))
    assert {key: fields.get(key) for key in expected} == expected


def test_os_release_escapes_are_undone() -> None:
    fields = osinfo.parse_os_release('PRETTY_NAME="Acme \\"Edge\\" \\$5"\n')
    assert fields["PRETTY_NAME"] == 'Acme "Edge" $5'


def test_garbled_os_release_raises() -> None:
    with pytest.raises(ValueError):
        osinfo.parse_os_release(text("os-release/garbled-html.txt"))


def test_parse_boot_time() -> None:
    assert osinfo.parse_boot_time("cpu  1 2 3\nbtime 1764064441\nprocesses 99\n") == 1764064441
    assert osinfo.parse_boot_time("cpu 1 2 3\n") is None


def _utmp(kind: int, user: str) -> bytes:
    return osinfo._UTMP.pack(kind, 0, 42, b"tty1", b"1", user.encode(), b"", 0, 0, 0, 0, 0, 0, 0, 0, 0, b"")


def test_parse_last_user_takes_the_last_login() -> None:
    wtmp = (
        _utmp(osinfo.USER_PROCESS, "dana")
        + _utmp(8, "")
        + _utmp(osinfo.USER_PROCESS, "lee")
        + _utmp(2, "reboot")
    )
    assert osinfo.parse_last_user(wtmp) == "lee"
    assert osinfo.parse_last_user(wtmp[:-10]) == "lee"  # a partial record at the end is ignored
    assert osinfo.parse_last_user(b"") is None
    assert struct.calcsize("<hhi32s4s32s256shhiii4i20s") == 384


def test_timezone_from_localtime_link(tmp_path: Path) -> None:
    link = tmp_path / "localtime"
    link.symlink_to("/usr/share/zoneinfo/Europe/Paris")
    assert osinfo.timezone_name(link, tmp_path / "missing") == "Europe/Paris"
    (tmp_path / "timezone").write_text("America/Montreal\n")
    assert osinfo.timezone_name(tmp_path / "none", tmp_path / "timezone") == "America/Montreal"


def test_install_date_is_the_oldest_marker(tmp_path: Path) -> None:
    old, new = tmp_path / "installer", tmp_path / "machine-id"
    old.mkdir()
    new.write_text("x")
    import os

    os.utime(old, (1_700_000_000, 1_700_000_000))
    os.utime(new, (1_750_000_000, 1_750_000_000))
    assert osinfo.read_install_date((tmp_path / "absent", new, old)) == "2023-11-14T22:13:20Z"
    assert osinfo.read_install_date((tmp_path / "absent",)) is None


def test_parse_utmp_sessions_keeps_user_and_line_only() -> None:
    def record(kind: int, user: str, line: str) -> bytes:
        return osinfo._UTMP.pack(
            kind, 0, 7, line.encode(), b"", user.encode(), b"10.0.0.9", 0, 0, 0, 1, 2, 0, 0, 0, 0, b""
        )

    utmp = (
        record(2, "reboot", "~")
        + record(osinfo.USER_PROCESS, "dana", "tty2")
        + record(osinfo.USER_PROCESS, "lee", "pts/0")
    )
    assert osinfo.parse_utmp_sessions(utmp) == [("dana", "tty2"), ("lee", "pts/0")]
    assert osinfo.read_sessions(Path("/nonexistent/utmp")) == []


def test_app_specific_machine_id_is_systemds_derivation() -> None:
    # Vector from `systemd-id128 machine-id --app-specific=2b7c0170aafb4ea7a8ce48411bc8986e` on the build VM.
    derived = osinfo.app_specific_machine_id("3d1219c7c4c5404aaa1f6d2a48adfda4\n")
    assert derived == "8d1651ada13247878b008ae1e0044287"
    with pytest.raises(ValueError):
        osinfo.app_specific_machine_id("3d1219c7")


def test_missing_or_empty_machine_id(tmp_path: Path) -> None:
    assert osinfo.read_machine_id(tmp_path / "machine-id") is None
    (tmp_path / "machine-id").write_text("\n")  # first boot, not yet initialised
    assert osinfo.read_machine_id(tmp_path / "machine-id") is None
