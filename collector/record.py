"""`record`: save this machine's raw source outputs in the test fixtures' layout, so that the Windows and macOS
parsers can be tested on what a real machine printed (tests/collector/fixtures/<os>/README.md)."""

from __future__ import annotations

import json
import plistlib
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Keys whose values identify a machine or a person: replaced when asked to redact.
SENSITIVE_KEY = re.compile(r"serial|uuid|guid|macaddress|hostname|username|lastuser|logged_on_user", re.I)
REDACTED = "REDACTED"

#: (source, fixture path under <dir>/<os>/ with {name} for the machine's name, encoding)
WINDOWS_LAYOUT = (
    ("cim", "cim/{name}.json", "json"),
    ("registry", "registry/{name}.json", "json"),
)
MACOS_LAYOUT = (
    ("system_profiler", "system_profiler/{name}.json", "json"),
    ("sysctl", "sysctl/{name}.txt", "text"),
    ("ioreg:IOPlatformExpertDevice", "ioreg/{name}-platform.plist", "plist-bytes"),
    ("ioreg:displays", "ioreg/{name}-displays.plist", "plist-bytes"),
    ("fdesetup", "fdesetup/{name}.txt", "text"),
    ("interfaces", "interfaces/{name}.json", "json"),
    ("software", "software/{name}.plist", "plist"),
)


def windows_readers() -> dict[str, Callable[[], Any]]:
    """The Windows sources: the one PowerShell document and the registry dump."""
    from collector.platforms.windows.powershell import run_cim_snapshot
    from collector.platforms.windows.registry import read_registry

    return {"cim": run_cim_snapshot, "registry": read_registry}


def macos_readers() -> dict[str, Callable[[], Any]]:
    """The macOS sources, as the collector reads them (the three software lists as one plist)."""
    from collector.platforms.macos import commands, network

    def software() -> dict[str, Any]:
        return {
            "app_bundles": commands.read_app_bundles(),
            "receipts": commands.read_receipts(),
            "homebrew": commands.read_homebrew(),
        }

    return {
        "system_profiler": commands.run_system_profiler,
        "sysctl": commands.run_sysctl,
        "ioreg:IOPlatformExpertDevice": commands.run_ioreg_platform,
        "ioreg:displays": commands.run_ioreg_displays,
        "fdesetup": commands.run_fdesetup,
        "interfaces": network.read_interfaces,
        "software": software,
    }


def redact(value: Any) -> Any:
    """A copy of a document with the values of identifying keys replaced."""
    if isinstance(value, dict):
        return {
            key: REDACTED if SENSITIVE_KEY.search(str(key)) and item not in (None, "") else redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def encode(value: Any, encoding: str, *, hide: bool) -> bytes:
    """One source's output as the bytes of its fixture file."""
    if encoding == "text":
        return str(value).encode("utf-8")
    if encoding == "plist-bytes":
        value = plistlib.loads(value)
        encoding = "plist"
    document = redact(value) if hide else value
    if encoding == "plist":
        return plistlib.dumps(document)
    return (json.dumps(document, indent=1, ensure_ascii=False, default=str) + "\n").encode("utf-8")


def record(
    directory: Path,
    name: str,
    *,
    readers: dict[str, Callable[[], Any]],
    layout: tuple[tuple[str, str, str], ...],
    hide: bool,
) -> tuple[list[Path], list[str]]:
    """Run each source once and write its output where its fixture lives; (files written, failures)."""
    written, failures = [], []
    for source, pattern, encoding in layout:
        try:
            data = encode(readers[source](), encoding, hide=hide)
        except Exception as exc:  # a source that fails is reported, the others are still recorded
            failures.append(f"{source}: {type(exc).__name__}: {exc}")
            continue
        path = directory / pattern.format(name=name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written, failures


def run_record(directory: Path, name: str, *, hide: bool, platform: str = sys.platform) -> int:
    """`record DIR --name NAME [--redact]` on this machine; 1 when the OS has nothing to record."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        print("inventory-collector: --name is a fixture name: lowercase letters, digits and dashes")
        return 1
    if platform == "win32":
        readers, layout, folder = windows_readers(), WINDOWS_LAYOUT, "windows"
    elif platform == "darwin":
        readers, layout, folder = macos_readers(), MACOS_LAYOUT, "macos"
    else:
        print(
            "inventory-collector: nothing to record here: the Linux parsers are tested on the machine itself"
        )
        return 1
    written, failures = record(directory / folder, name, readers=readers, layout=layout, hide=hide)
    for path in written:
        print(f"wrote {path}")
    for failure in failures:
        print(f"failed {failure}")
    return 0 if written else 1
