"""Installed software from the Uninstall keys and Get-AppxPackage."""

from __future__ import annotations

import pytest

from collector.platforms.windows.powershell import rows
from collector.platforms.windows.software import (
    parse_appx,
    parse_install_date,
    parse_uninstall,
    publisher_from_dn,
)
from collector.report import Package

from .loaders import cim, registry

DESKTOP = [
    # (name, version, architecture, install date, source, scope, system component, update)
    ("7-Zip 23.01 (x64 edition)", "23.01.00.0", "x86_64", "2024-01-15", "msi", "system", False, False),
    ("Mozilla Firefox ESR (x64 en-US)", "128.5.1", "x86_64", None, "registry", "system", False, False),
    (
        "Office 16 Click-to-Run Extensibility Component",
        "16.0.17928.20156",
        "x86_64",
        "2024-10-02",
        "msi",
        "system",
        True,
        False,
    ),
    (
        "Security Update for Windows (KB5034441)",
        None,
        "x86_64",
        "2024-01-10",
        "registry",
        "system",
        True,
        True,
    ),
    ("Adobe Acrobat Reader", "24.004.20220", "x86", "2024-03-05", "msi", "system", False, False),
    ("Notepad++ (32-bit x86)", "8.6.2", "x86", None, "registry", "system", False, False),
    ("Zoom Workplace", "6.2.11 (52341)", None, "2024-11-18", "registry", "user", False, False),
    ("Microsoft Teams classic", "1.7.00.13456", None, None, "registry", "user", False, False),
]


def summary(packages: list[Package]) -> list[tuple]:
    return [
        (
            p.name,
            p.version,
            p.architecture,
            p.install_date,
            p.source,
            p.scope,
            p.is_system_component,
            p.is_update,
        )
        for p in packages
    ]


def test_parse_uninstall_desktop() -> None:
    assert summary(parse_uninstall(registry("dell-optiplex-7090")["uninstall"])) == DESKTOP


def test_32_bit_windows_sees_one_key_through_both_views() -> None:
    packages = parse_uninstall(registry("vmware-win10-32bit")["uninstall"], native="x86")
    assert summary(packages) == [
        ("VMware Tools", "12.3.5.22544099", "x86", "2024-02-12", "msi", "system", False, False)
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("20240115", "2024-01-15"),
        ("2024-01-15", "2024-01-15"),
        ("3/5/2024", "2024-03-05"),
        ("15.01.2024", "2024-01-15"),
        ("00000000", None),
        ("19000101", None),
        ("garbage", None),
        (20240115, "2024-01-15"),  # a REG_DWORD written by a careless installer
        (None, None),
    ],
)
def test_parse_install_date(value: object, expected: str | None) -> None:
    assert parse_install_date(value) == expected


def test_parse_appx() -> None:
    assert summary(parse_appx(rows(cim("dell-optiplex-7090"), "AppxPackage"))) == [
        ("Microsoft.WindowsCalculator", "11.2311.0.0", "x86_64", None, "appx", "user", False, False),
        ("Microsoft.VCLibs.140.00", "14.0.33519.0", "x86_64", None, "appx", "user", True, False),
        (
            "Microsoft.Windows.ShellExperienceHost",
            "10.0.22621.2506",
            "neutral",
            None,
            "appx",
            "system",
            True,
            False,
        ),
    ]


def test_appx_installed_for_two_users_is_one_package() -> None:
    assert len(parse_appx(rows(cim("lenovo-thinkpad-t14"), "AppxPackage"))) == 1


@pytest.mark.parametrize(
    ("dn", "publisher"),
    [
        (
            "CN=Microsoft Corporation, O=Microsoft Corporation, L=Redmond, S=Washington, C=US",
            "Microsoft Corporation",
        ),
        ("CN=5D6B2C3A-1F2E-4D3C-8B7A-6F5E4D3C2B1A", "5D6B2C3A-1F2E-4D3C-8B7A-6F5E4D3C2B1A"),
        ('O="Contoso, Ltd", CN=Contoso', "Contoso, Ltd"),
        (None, None),
    ],
)
def test_publisher_from_dn(dn: str | None, publisher: str | None) -> None:
    assert publisher_from_dn(dn) == publisher
