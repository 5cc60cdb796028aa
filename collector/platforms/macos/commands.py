"""Run the few macOS commands and read the plist files the collector needs (I/O only, no parsing)."""

from __future__ import annotations

import json
import platform
import plistlib
import subprocess
from pathlib import Path
from typing import Any
from xml.parsers.expat import ExpatError

TIMEOUT_SECONDS = 60
PROFILER_TYPES = (
    "SPHardwareDataType",
    "SPSoftwareDataType",
    "SPDisplaysDataType",
    "SPUSBDataType",
    "SPPowerDataType",
    "SPNetworkDataType",
    "SPStorageDataType",
    "SPPrintersDataType",
    "SPMemoryDataType",
    "SPNVMeDataType",  # drive size, firmware and BSD name, in the same run
    "SPSerialATADataType",
)
APP_DIRS = (
    "/Applications",
    "/Applications/Utilities",
    "/System/Applications",
    "/System/Applications/Utilities",
)
RECEIPTS_DIR = "/var/db/receipts"
BREW_PREFIXES = ("/opt/homebrew", "/usr/local")
ALF_PLIST = "/Library/Preferences/com.apple.alf.plist"
SOFTWARE_UPDATE_PLIST = "/Library/Preferences/com.apple.SoftwareUpdate.plist"
LOGINWINDOW_PLIST = "/Library/Preferences/com.apple.loginwindow.plist"


def run(argv: list[str]) -> bytes:
    """stdout of a command; OSError when it cannot start or exits non-zero."""
    completed = subprocess.run(argv, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip()[:300]
        raise OSError(f"{argv[0]} exited with {completed.returncode}: {message}")
    return completed.stdout


def run_system_profiler() -> dict[str, Any]:
    """One system_profiler run for every data type, as JSON, at the full detail level: `mini` leaves out the
    drives' serials and the console user (docs/collector.md, "detail level")."""
    return json.loads(run(["system_profiler", "-json", "-detailLevel", "full", *PROFILER_TYPES]))


def run_sysctl() -> str:
    """The CPU's brand string, family, model, stepping and counts (`machdep.cpu.*`, `hw.*`) in one call; whole
    prefixes are asked for, since a name the machine lacks (Intel-only keys on Apple silicon) fails the call."""
    return run(["sysctl", "machdep.cpu", "hw"]).decode("utf-8", "replace")


def run_ioreg_platform() -> bytes:
    """The IOPlatformExpertDevice entry (UUID, serial, model) as a plist."""
    return run(["ioreg", "-a", "-r", "-c", "IOPlatformExpertDevice", "-d", "2"])


def run_ioreg_displays() -> bytes:
    """Display entries with their EDID: AppleCLCD2 on Apple silicon, IODisplayConnect on Intel."""
    display_class = "AppleCLCD2" if platform.machine() == "arm64" else "IODisplayConnect"
    return run(["ioreg", "-a", "-l", "-r", "-c", display_class])


def run_fdesetup() -> str:
    """`fdesetup status` text."""
    return run(["fdesetup", "status"]).decode("utf-8", "replace")


def read_firewall() -> dict[str, Any]:
    """The application firewall's preferences; macOS 15 dropped the file, then socketfilterfw answers."""
    path = Path(ALF_PLIST)
    if path.exists():
        return {"alf": plistlib.loads(path.read_bytes())}
    tool = "/usr/libexec/ApplicationFirewall/socketfilterfw"
    return {"socketfilterfw": run([tool, "--getglobalstate"]).decode("utf-8", "replace")}


def read_plist(path: str) -> dict[str, Any] | None:
    """A plist file as a dict, None when it does not exist."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return None
    loaded = plistlib.loads(data)
    return loaded if isinstance(loaded, dict) else None


def read_app_bundles(folders: tuple[str, ...] = APP_DIRS) -> list[dict[str, Any]]:
    """{"path": bundle path, "info": Info.plist} for each .app directly in the application folders."""
    bundles = []
    for folder in folders:
        for info in sorted(Path(folder).glob("*.app/Contents/Info.plist")):
            try:
                plist = plistlib.loads(info.read_bytes())
            except (OSError, plistlib.InvalidFileException, ExpatError, ValueError):
                plist = None  # a damaged bundle is reported by the parser as nameless, not fatal
            bundles.append({"path": str(info.parents[1]), "info": plist if isinstance(plist, dict) else {}})
    return bundles


def read_receipts(folder: str = RECEIPTS_DIR) -> list[dict[str, Any]]:
    """The installer receipts (one plist per package)."""
    receipts = []
    for path in sorted(Path(folder).glob("*.plist")):
        try:
            plist = plistlib.loads(path.read_bytes())
        except (OSError, plistlib.InvalidFileException, ExpatError, ValueError):
            continue
        if isinstance(plist, dict):
            receipts.append(plist)
    return receipts


def read_homebrew(prefixes: tuple[str, ...] = BREW_PREFIXES) -> list[dict[str, str]]:
    """{"kind": "formula"|"cask", "name", "version", "prefix"} from the Cellar and Caskroom folders."""
    found = []
    for prefix in prefixes:
        for kind, folder in (("formula", "Cellar"), ("cask", "Caskroom")):
            for version_dir in sorted(Path(prefix, folder).glob("*/*")):
                if version_dir.is_dir() and not version_dir.name.startswith("."):
                    found.append(
                        {
                            "kind": kind,
                            "name": version_dir.parent.name,
                            "version": version_dir.name,
                            "prefix": prefix,
                        }
                    )
    return found
