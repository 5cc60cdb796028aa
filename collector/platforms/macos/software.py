"""Parse app bundles' Info.plist, installer receipts, Homebrew folders, FileVault and firewall state."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from collector.junk import clean_string
from collector.report import Package

COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:©|\(c\))?\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?,?\s*)?(?P<holder>.+?)"
    r"(?:[.,]?\s*all rights reserved.*)?\.?$",
    re.IGNORECASE,
)
BUNDLE_PUBLISHERS = {
    "com.apple": "Apple",
    "com.microsoft": "Microsoft",
    "com.google": "Google",
    "org.mozilla": "Mozilla",
    "com.adobe": "Adobe",
    "us.zoom": "Zoom Video Communications",
    "com.tinyspeck": "Slack Technologies",
    "com.jetbrains": "JetBrains",
    "com.docker": "Docker",
}
SYSTEM_APP_DIRS = ("/System/Applications/",)


def publisher_of(info: dict[str, Any]) -> str | None:
    """The copyright holder of NSHumanReadableCopyright, else a known bundle id prefix's vendor."""
    notice = (
        clean_string(info.get("NSHumanReadableCopyright"))
        if isinstance(info.get("NSHumanReadableCopyright"), str)
        else None
    )
    match = COPYRIGHT.search(notice or "")
    if match and clean_string(match.group("holder")):
        return clean_string(match.group("holder").strip(" .,"))
    bundle = str(info.get("CFBundleIdentifier") or "")
    return next((name for prefix, name in BUNDLE_PUBLISHERS.items() if bundle.startswith(prefix + ".")), None)


def parse_app_bundles(bundles: list[dict[str, Any]]) -> list[Package]:
    """Applications in /Applications (and Apple's own in /System/Applications, as system components)."""
    packages = []
    for bundle in bundles:
        info = bundle.get("info") or {}
        path = str(bundle.get("path") or "")
        name = _text(info.get("CFBundleName")) or _text(info.get("CFBundleDisplayName"))
        name = name or (path.rsplit("/", 1)[-1].removesuffix(".app") or None)
        if name is None:
            continue
        packages.append(
            Package(
                name=name,
                version=_text(info.get("CFBundleShortVersionString")) or _text(info.get("CFBundleVersion")),
                publisher=publisher_of(info),
                source="app_bundle",
                scope="system",
                is_system_component=path.startswith(SYSTEM_APP_DIRS),
            )
        )
    return packages


def parse_receipts(receipts: list[dict[str, Any]]) -> list[Package]:
    """Installer receipts; Apple's configuration-data and security updates are system updates."""
    packages = []
    for receipt in receipts:
        identifier = _text(receipt.get("PackageIdentifier"))
        if identifier is None:
            continue
        apple = identifier.startswith("com.apple.")
        installed = receipt.get("InstallDate")
        packages.append(
            Package(
                name=identifier,
                version=_text(receipt.get("PackageVersion")),
                publisher="Apple" if apple else None,
                install_date=_iso(installed) if isinstance(installed, dt.datetime) else None,
                source="pkg",
                scope="system",
                is_system_component=apple,
                is_update=apple and bool(re.search(r"Update|XProtect|MRT|Gatekeeper|ConfigData", identifier)),
            )
        )
    return packages


def parse_homebrew(entries: list[dict[str, str]]) -> list[Package]:
    """Formulae (Cellar) and casks (Caskroom), one package per installed version."""
    return [
        Package(
            name=entry["name"],
            version=entry.get("version"),
            source="homebrew_cask" if entry.get("kind") == "cask" else "homebrew",
            scope="system",
        )
        for entry in entries
        if entry.get("name")
    ]


def parse_fdesetup(text: str) -> tuple[bool | None, str | None]:
    """(FileVault on, status) from `fdesetup status`."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    if "Encryption in progress" in text:
        return False, "encryption_in_progress"
    if "Decryption in progress" in text:
        return True, "decryption_in_progress"
    if first.startswith("FileVault is On"):
        return True, "on"
    if first.startswith("FileVault is Off"):
        return False, "off"
    raise ValueError(f"unexpected fdesetup output: {first[:80]!r}")


def parse_firewall(source: dict[str, Any]) -> bool | None:
    """Application firewall on: alf globalstate 1 (on) or 2 (block all), or socketfilterfw's sentence."""
    if "alf" in source:
        state = (source["alf"] or {}).get("globalstate")
        return state in (1, 2) if isinstance(state, int) else None
    text = str(source.get("socketfilterfw") or "")
    match = re.search(r"State = (\d)", text)
    if match:
        return match.group(1) in ("1", "2")
    if "enabled" in text.lower():
        return True
    return False if "disabled" in text.lower() else None


def _iso(moment: dt.datetime) -> str:
    """plistlib gives naive datetimes that are UTC."""
    return moment.replace(tzinfo=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(value: Any) -> str | None:
    return clean_string(value) if isinstance(value, str) else None
