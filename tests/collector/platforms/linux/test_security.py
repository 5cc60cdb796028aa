"""Firewall, Secure Boot, automatic updates and pending updates from configuration state."""

from pathlib import Path

import pytest

from collector.platforms.linux import security

from .fixtures import write_tree


@pytest.mark.parametrize(
    ("data", "expected"), [(b"\x06\x00\x00\x00\x01", True), (b"\x06\x00\x00\x00\x00", False)]
)
def test_secure_boot_var(data: bytes, expected: bool) -> None:
    assert security.parse_secure_boot_var(data) is expected


def test_short_secure_boot_var_raises() -> None:
    with pytest.raises(ValueError):
        security.parse_secure_boot_var(b"\x06\x00")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("# comment\nENABLED=yes\nLOGLEVEL=low\n", True), ("ENABLED=no\n", False), ("LOGLEVEL=low\n", None)],
)
def test_ufw_conf(text: str, expected: bool | None) -> None:
    assert security.parse_ufw_conf(text) is expected


def test_apt_periodic_last_file_wins() -> None:
    first = 'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n'
    later = 'APT::Periodic::Unattended-Upgrade "0";\n'
    assert security.parse_apt_periodic([first, later]) == {"Update-Package-Lists": 1, "Unattended-Upgrade": 0}
    assert security.parse_apt_periodic([first]) == {"Update-Package-Lists": 1, "Unattended-Upgrade": 1}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\n12 updates can be applied immediately.\n5 of these updates are standard security updates.\n", 12),
        ("\n1 update can be applied immediately.\n", 1),
        ("\n0 updates can be applied immediately.\n", 0),
        ("garbage", None),
    ],
)
def test_updates_available(text: str, expected: int | None) -> None:
    assert security.parse_updates_available(text) == expected


def test_unit_enabled(tmp_path: Path) -> None:
    write_tree(
        tmp_path, {"multi-user.target.wants/ufw.service": "", "sysinit.target.wants/nftables.service": ""}
    )
    assert security.unit_enabled("nftables.service", (tmp_path,))
    assert not security.unit_enabled("firewalld.service", (tmp_path,))
