"""Loaders of the hand-written Windows fixtures (what the PowerShell run and the registry reader return)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parents[2] / "fixtures" / "windows"
MACHINES = (
    "dell-optiplex-7090",
    "lenovo-thinkpad-t14",
    "hyperv-server-2022",
    "vmware-win10-32bit",
    "proxmox-win11-vm",
)


def cim(machine: str) -> dict[str, Any]:
    """The decoded PowerShell document of a fixture machine."""
    return json.loads((FIXTURES / "cim" / f"{machine}.json").read_text(encoding="utf-8"))


def registry(machine: str) -> dict[str, Any]:
    """The registry dump of a fixture machine."""
    return json.loads((FIXTURES / "registry" / f"{machine}.json").read_text(encoding="utf-8"))
