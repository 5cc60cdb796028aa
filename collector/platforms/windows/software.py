"""Parse installed software from the registry Uninstall keys and Get-AppxPackage."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from collector.junk import clean_string
from collector.report import Package

KB_NUMBER = re.compile(r"\bKB\d{6,7}\b", re.IGNORECASE)
UPDATE_RELEASE_TYPES = {"update", "security update", "hotfix", "service pack", "update rollup"}
APPX_ARCHITECTURES = {"x64": "x86_64", "x86": "x86", "arm64": "arm64", "arm": "arm", "neutral": "neutral"}
DATE_FORMATS = ("%Y%m%d", "%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y")


def parse_uninstall(entries: list[dict[str, Any]], *, native: str | None = "x86_64") -> list[Package]:
    """One package per Uninstall entry with a DisplayName; `native` is the OS architecture (the 64-bit view's)."""
    views = {"64": native, "32": "x86"}
    packages: dict[tuple[Any, ...], Package] = {}
    for entry in entries:
        values = entry.get("values") or {}
        name = clean_string(values.get("DisplayName")) if isinstance(values.get("DisplayName"), str) else None
        if name is None:
            continue
        user_hive = str(entry.get("hive", "")).startswith("HKU")
        release = str(values.get("ReleaseType") or "").lower()
        is_update = release in UPDATE_RELEASE_TYPES or bool(KB_NUMBER.search(f"{entry.get('key')} {name}"))
        package = Package(
            name=name,
            version=_text(values.get("DisplayVersion")),
            publisher=_text(values.get("Publisher")),
            architecture=None if user_hive else views.get(str(entry.get("view"))),
            install_date=parse_install_date(values.get("InstallDate")),
            source="msi" if values.get("WindowsInstaller") == 1 else "registry",
            scope="user" if user_hive else "system",
            is_system_component=values.get("SystemComponent") == 1 or bool(values.get("ParentKeyName")),
            is_update=is_update,
        )
        # On 32-bit Windows both views open the same key; the same entry then shows up twice.
        key = (entry.get("hive"), entry.get("key"), name, package.version)
        packages.setdefault(key, package)
    return list(packages.values())


def parse_install_date(value: Any) -> str | None:
    """InstallDate as an ISO date; installers write YYYYMMDD, a few a locale date; junk is None."""
    text = _text(value)
    if text is None:
        return None
    for pattern in DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, pattern)
        except ValueError:
            continue
        return parsed.date().isoformat() if 1980 <= parsed.year <= 2100 else None
    return None


def parse_appx(packages: list[dict[str, Any]]) -> list[Package]:
    """Store (AppX/MSIX) packages; frameworks and system-signed packages are system components."""
    parsed = {}
    for row in packages:
        name = clean_string(row.get("Name")) if isinstance(row.get("Name"), str) else None
        if name is None:
            continue
        signature = str(row.get("SignatureKind") or "")
        package = Package(
            name=name,
            version=_text(row.get("Version")),
            publisher=publisher_from_dn(row.get("Publisher")),
            architecture=APPX_ARCHITECTURES.get(str(row.get("Architecture") or "").lower()),
            install_date=None,
            source="appx",
            scope="system" if signature == "System" else "user",
            is_system_component=bool(row.get("IsFramework"))
            or signature == "System"
            or bool(row.get("NonRemovable")),
            is_update=False,
        )
        parsed.setdefault((name, package.version, package.architecture), package)
    return list(parsed.values())


def publisher_from_dn(value: Any) -> str | None:
    """The organisation (O=) or common name (CN=) of a package signer's distinguished name."""
    text = _text(value)
    if text is None:
        return None
    fields = dict(part.split("=", 1) for part in re.split(r",\s*(?=[A-Z]+=)", text) if "=" in part)
    return clean_string((fields.get("O") or fields.get("CN") or text).strip('"'))


def _text(value: Any) -> str | None:
    return clean_string(str(value)) if value is not None else None
