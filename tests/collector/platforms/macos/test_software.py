"""App bundles, receipts, Homebrew, FileVault and the application firewall."""

from __future__ import annotations

import pytest

from collector.platforms.macos.software import (
    parse_app_bundles,
    parse_fdesetup,
    parse_firewall,
    parse_homebrew,
    parse_receipts,
    publisher_of,
)
from collector.report import Package

from .loaders import firewall, fixture_bytes, software


def summary(packages: list[Package]) -> list[tuple]:
    return [
        (p.name, p.version, p.publisher, p.install_date, p.source, p.is_system_component, p.is_update)
        for p in packages
    ]


def test_parse_app_bundles() -> None:
    assert summary(parse_app_bundles(software("macbook-pro-m2")["app_bundles"])) == [
        ("Firefox", "125.0.2", "Mozilla", None, "app_bundle", False, False),
        ("Microsoft Word", "16.84", "Microsoft Corporation", None, "app_bundle", False, False),
        ("zoom.us", "6.0.2 (33403)", "Zoom Video Communications, Inc", None, "app_bundle", False, False),
        ("Broken", None, None, None, "app_bundle", False, False),  # damaged Info.plist: the folder name
        ("Calculator", "11.0", "Apple Inc", None, "app_bundle", True, False),
    ]


def test_parse_receipts() -> None:
    assert summary(parse_receipts(software("macbook-pro-m2")["receipts"])) == [
        (
            "com.microsoft.package.Microsoft_Word.app",
            "16.84.24041420",
            None,
            "2024-03-02T10:15:00Z",
            "pkg",
            False,
            False,
        ),
        (
            "com.apple.pkg.XProtectPayloads_10_15.16U4296",
            "2192",
            "Apple",
            "2024-03-02T10:15:00Z",
            "pkg",
            True,
            True,
        ),
        (
            "com.apple.pkg.RosettaUpdateAuto",
            "1.0.0.0.1.1710311213",
            "Apple",
            "2024-03-02T10:15:00Z",
            "pkg",
            True,
            True,
        ),
    ]


def test_parse_homebrew_keeps_each_installed_version() -> None:
    assert summary(parse_homebrew(software("imac-intel-2019")["homebrew"])) == [
        ("wget", "1.24.5", None, None, "homebrew", False, False),
        ("openssl@3", "3.2.1", None, None, "homebrew", False, False),
        ("openssl@3", "3.3.0", None, None, "homebrew", False, False),
    ]


@pytest.mark.parametrize(
    ("info", "publisher"),
    [
        ({"NSHumanReadableCopyright": "Copyright (c) 2024 JetBrains s.r.o."}, "JetBrains s.r.o"),
        ({"NSHumanReadableCopyright": "© 2019–2024 Figma, Inc."}, "Figma, Inc"),
        ({"CFBundleIdentifier": "com.google.Chrome"}, "Google"),
        ({"CFBundleIdentifier": "io.example.tool"}, None),
    ],
)
def test_publisher_of(info: dict, publisher: str | None) -> None:
    assert publisher_of(info) == publisher


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("on.txt", (True, "on")),
        ("off.txt", (False, "off")),
        ("in-progress.txt", (False, "encryption_in_progress")),
    ],
)
def test_parse_fdesetup(name: str, expected: tuple) -> None:
    assert parse_fdesetup(fixture_bytes("fdesetup", name).decode()) == expected


def test_garbled_fdesetup_is_refused() -> None:
    with pytest.raises(ValueError, match="unexpected fdesetup output"):
        parse_fdesetup(fixture_bytes("fdesetup", "garbled.txt").decode())


@pytest.mark.parametrize(
    ("name", "enabled"),
    [
        ("alf-globalstate-1.plist", True),
        ("socketfilterfw-enabled.txt", True),
        ("socketfilterfw-disabled.txt", False),
    ],
)
def test_parse_firewall(name: str, enabled: bool) -> None:
    assert parse_firewall(firewall(name)) is enabled


def test_block_all_and_unknown_firewall_states() -> None:
    assert parse_firewall({"alf": {"globalstate": 2}}) is True
    assert parse_firewall({"alf": {}}) is None
