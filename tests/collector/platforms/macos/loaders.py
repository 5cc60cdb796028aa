"""Loaders of the macOS fixtures (recorded and hand-written), and fake Sources built from them."""

from __future__ import annotations

import json
import plistlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from collector.platforms.macos.collect import Sources
from collector.platforms.macos.hardware import parse_sysctl

FIXTURES = Path(__file__).parents[2] / "fixtures" / "macos"
# machine → (fdesetup answer, firewall source)
MACHINES = {
    "macbook-pro-m2": ("on.txt", "socketfilterfw-enabled.txt"),
    "imac-intel-2019": ("off.txt", "alf-globalstate-1.plist"),
    "virtualmac-vm": ("garbled.txt", "socketfilterfw-disabled.txt"),
}


def profile(machine: str) -> dict[str, Any]:
    """The system_profiler document of a fixture machine."""
    return json.loads((FIXTURES / "system_profiler" / f"{machine}.json").read_text(encoding="utf-8"))


def profile_from_xml(name: str) -> dict[str, Any]:
    """A `system_profiler -xml` recording in the layout `-json` prints: each data type's items under its name."""
    document = plistlib.loads(fixture_bytes("system_profiler", name))
    return {entry["_dataType"]: entry.get("_items", []) for entry in document}


def sysctl(machine: str) -> dict[str, str]:
    """The parsed `sysctl machdep.cpu hw` output of a fixture machine."""
    return parse_sysctl(fixture_bytes("sysctl", f"{machine}.txt").decode())


def fixture_bytes(*parts: str) -> bytes:
    """Raw bytes of a fixture file."""
    return FIXTURES.joinpath(*parts).read_bytes()


def software(machine: str) -> dict[str, Any]:
    """The app bundles, receipts and Homebrew lists of a fixture machine."""
    return plistlib.loads(fixture_bytes("software", f"{machine}.plist"))


def firewall(name: str) -> dict[str, Any]:
    """What read_firewall() returns for a firewall fixture."""
    if name.endswith(".plist"):
        return {"alf": plistlib.loads(fixture_bytes("firewall", name))}
    return {"socketfilterfw": fixture_bytes("firewall", name).decode()}


def fixture_sources(machine: str, **overrides: Callable[[], Any]) -> Sources:
    """Sources whose every reader answers from the fixture files (no process, no psutil)."""
    fdesetup, firewall_name = MACHINES[machine]
    displays = FIXTURES / "ioreg" / f"{machine}-displays.plist"
    interfaces = FIXTURES / "interfaces" / f"{machine}.json"
    lists = software(machine)
    return Sources(
        {
            "system_profiler": lambda: profile(machine),
            "sysctl": lambda: fixture_bytes("sysctl", f"{machine}.txt").decode(),
            "ioreg:IOPlatformExpertDevice": lambda: fixture_bytes("ioreg", f"{machine}-platform.plist"),
            "ioreg:displays": lambda: displays.read_bytes() if displays.exists() else plistlib.dumps([]),
            "fdesetup": lambda: fixture_bytes("fdesetup", fdesetup).decode(),
            "firewall": lambda: firewall(firewall_name),
            "interfaces": lambda: json.loads(interfaces.read_text()) if interfaces.exists() else {},
            "app_bundles": lambda: lists["app_bundles"],
            "receipts": lambda: lists["receipts"],
            "homebrew": lambda: lists["homebrew"],
            "software_update": lambda: {"AutomaticCheckEnabled": True},
            "loginwindow": lambda: {"lastUserName": "maria"},
            "localtime": lambda: "/var/db/timezone/zoneinfo/Europe/Berlin",
            "boot_time": lambda: 1764000000.0,
            "cpu_count": lambda: 12,
            "hostname": lambda: f"{machine}-host",
        }
        | overrides
    )
