"""Installed packages: dpkg, rpm, pacman, apk, snap and flatpak databases."""

import os
from pathlib import Path

import pytest

from collector.platforms.linux import bundles, dpkg, pacman, rpm
from collector.report import Package

from .fixtures import FIXTURES, text, write_tree


def test_dpkg_recorded_excerpt() -> None:
    packages = dpkg.dpkg_packages(
        dpkg.parse_dpkg_status(text("dpkg/debian-12-firecracker-vm-excerpt.txt")), {}
    )
    assert [(p.name, p.version, p.architecture, p.is_system_component) for p in packages] == [
        ("adduser", "3.134", "all", True),  # Priority: important
        ("adwaita-icon-theme", "43-1", "all", False),
        ("alsa-topology-conf", "1.2.5.1-2", "all", True),  # Section: libs
        ("alsa-ucm-conf", "1.2.8-1", "all", True),
        ("amqp-tools", "0.11.0-1+deb12u3", "amd64", False),
        ("appstream", "0.16.1-2", "amd64", False),
    ]
    assert packages[0].publisher == "Debian Adduser Developers"


def test_dpkg_kernel_multiarch_and_removed() -> None:
    stanzas = dpkg.parse_dpkg_status(text("dpkg/kernel-and-config-files.txt"))
    times = {"libc6:i386": 1_700_000_000.0, "zoom": 1_731_000_000.0}
    packages = dpkg.dpkg_packages(stanzas, times)
    assert [(p.name, p.architecture, p.is_system_component) for p in packages] == [
        ("linux-image-6.1.0-26-amd64", "amd64", True),
        ("firefox-esr", "amd64", False),
        ("libc6", "amd64", True),
        ("libc6", "i386", True),
        ("zoom", "amd64", False),
    ]  # vlc is removed with config files left: not installed
    assert packages[3].install_date == "2023-11-14T22:13:20Z"
    assert packages[4] == Package(
        name="zoom", version="6.2.5.2440", publisher="Zoom Video Communications, Inc", architecture="amd64",
        install_date="2024-11-07T17:20:00Z", source="dpkg", scope="system", is_system_component=False,
    )  # fmt: skip


def test_dpkg_garbled_raises() -> None:
    with pytest.raises(ValueError):
        dpkg.parse_dpkg_status(text("dpkg/garbled.txt"))


def test_dpkg_install_times_from_list_files(tmp_path: Path) -> None:
    write_tree(tmp_path, {"zoom.list": "", "libc6:i386.list": "", "zoom.md5sums": ""})
    os.utime(tmp_path / "zoom.list", (1_731_000_000, 1_731_000_000))
    times = dpkg.read_install_times(tmp_path)
    assert set(times) == {"zoom", "libc6:i386"}
    assert times["zoom"] == 1_731_000_000


def test_rpm_query() -> None:
    packages = rpm.parse_rpm_query(text("rpm/fedora-40-query.txt"))
    by_name = {p.name: p for p in packages}
    assert by_name["kernel-core"].is_system_component and by_name["glibc"].is_system_component
    assert not by_name["firefox"].is_system_component
    assert by_name["grub2-efi-x64"].version == "1:2.06-121.fc40"
    assert (by_name["gpg-pubkey"].architecture, by_name["gpg-pubkey"].publisher) == (None, None)
    assert by_name["zoom"].install_date == "2024-11-07T17:20:00Z"
    assert by_name["zoom"].publisher == "Zoom Video Communications, Inc."


def test_rpm_truncated_raises() -> None:
    with pytest.raises(ValueError):
        rpm.parse_rpm_query(text("rpm/truncated.txt"))


def test_pacman_local_database() -> None:
    packages = pacman.read_pacman_packages(FIXTURES / "pacman" / "local")
    assert packages == [
        Package(
            name="firefox", version="132.0-1", publisher="Jan Alexander Steffens (heftig)", architecture="x86_64",
            install_date="2024-11-06T13:33:20Z", source="pacman", scope="system", is_system_component=False,
        ),
        Package(
            name="linux", version="6.11.6.arch1-1", publisher="Jan Alexander Steffens (heftig)",
            architecture="x86_64", install_date="2024-11-05T09:46:40Z", source="pacman", scope="system",
            is_system_component=True,
        ),
    ]  # fmt: skip


def test_pacman_desc_without_name_raises() -> None:
    with pytest.raises(ValueError):
        pacman.parse_pacman_desc("%VERSION%\n1.0\n")


def test_apk_installed() -> None:
    packages = pacman.parse_apk_installed(text("apk/alpine-3.20-installed.txt"))
    assert [(p.name, p.version, p.publisher, p.is_system_component) for p in packages] == [
        ("musl", "1.2.5-r0", "Natanael Copa", True),
        ("curl", "8.9.1-r1", "Ariadne Conill", False),
    ]


def test_apk_without_name_raises() -> None:
    with pytest.raises(ValueError):
        pacman.parse_apk_installed(text("apk/missing-name.txt"))


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("firefox-snap.yaml.txt", {"name": "firefox", "version": "132.0.1-1", "summary": "Mozilla Firefox web browser"}),
        ("core22-snap.yaml.txt", {"name": "core22", "version": "20241001", "type": "base",
                                  "summary": "Runtime environment based on Ubuntu 22.04"}),
    ],
)  # fmt: skip
def test_snap_yaml(fixture: str, expected: dict[str, str]) -> None:
    assert bundles.parse_snap_yaml(text(f"snap/{fixture}")) == expected


def test_snap_yaml_without_name_raises() -> None:
    with pytest.raises(ValueError):
        bundles.parse_snap_yaml(text("snap/missing-name.yaml.txt"))


def test_read_snaps(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "firefox/5187/meta/snap.yaml": text("snap/firefox-snap.yaml.txt"),
            "core22/1663/meta/snap.yaml": text("snap/core22-snap.yaml.txt"),
            "bin/firefox": "",
        },
    )
    (tmp_path / "firefox" / "current").symlink_to("5187")
    (tmp_path / "core22" / "current").symlink_to("1663")
    snaps = bundles.read_snap_packages(tmp_path)
    assert [(p.name, p.version, p.is_system_component) for p in snaps or []] == [
        ("core22", "20241001", True),
        ("firefox", "132.0.1-1", False),
    ]


def test_read_flatpaks(tmp_path: Path) -> None:
    deploy = "app/org.videolan.VLC/x86_64/stable/a1b2c3"
    write_tree(
        tmp_path,
        {
            f"{deploy}/files/share/metainfo/org.videolan.VLC.metainfo.xml": text(
                "flatpak/org.videolan.VLC.metainfo.xml"
            ),
            "runtime/org.kde.Platform/x86_64/5.15-23.08/d4e5f6/metadata": "[Runtime]\n",
        },
    )
    (tmp_path / "app/org.videolan.VLC/x86_64/stable/active").symlink_to("a1b2c3")
    (tmp_path / "runtime/org.kde.Platform/x86_64/5.15-23.08/active").symlink_to("d4e5f6")
    assert bundles.read_flatpak_packages(tmp_path) == [
        Package(name="org.videolan.VLC", version="3.0.21", architecture="x86_64", source="flatpak", scope="system"),
        Package(
            name="org.kde.Platform", version=None, architecture="x86_64", source="flatpak", scope="system",
            is_system_component=True,
        ),
    ]  # fmt: skip


def test_absent_package_managers_are_none(tmp_path: Path) -> None:
    assert dpkg.read_dpkg_packages(tmp_path / "status") is None
    assert pacman.read_pacman_packages(tmp_path / "local") is None
    assert pacman.read_apk_packages(tmp_path / "installed") is None
    assert bundles.read_snap_packages(tmp_path / "snap") is None
    assert bundles.read_flatpak_packages(tmp_path / "flatpak") is None
