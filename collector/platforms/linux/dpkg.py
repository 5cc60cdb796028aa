"""Debian packages, read straight from dpkg's status database (no dpkg-query process)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from collector.platforms.common import iso_utc
from collector.report import Package

DPKG_STATUS = Path("/var/lib/dpkg/status")
DPKG_INFO = Path("/var/lib/dpkg/info")
SYSTEM_SECTIONS = {"libs", "oldlibs", "kernel"}
SYSTEM_PRIORITIES = {"required", "important"}
FIELDS = ("Package", "Status", "Priority", "Section", "Maintainer", "Architecture", "Version")
# One C-level scan instead of a Python loop over ~50 000 lines; anchoring on "\n" rather than a MULTILINE "^"
# lets the regex engine jump between newlines (3 ms instead of 9 on a desktop install).
_FIELD = re.compile(rf"\n({'|'.join(FIELDS)}):[ \t]*([^\n]*)")
_BAD_LINE = re.compile(r"\n[^ \t\n:][^:\n]*\n")  # neither "Key: value" nor a continuation line


def parse_dpkg_status(text: str) -> list[dict[str, str]]:
    """The inventory fields of each stanza of a dpkg status file; raises ValueError on a bad line."""
    text = "\n" + text + "\n"
    bad = _BAD_LINE.search(text)
    if bad:
        raise ValueError(f"not a dpkg status line: {bad.group(0).strip()[:80]!r}")
    stanzas: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for key, value in _FIELD.findall(text):
        if key == "Package":
            current = {}
            stanzas.append(current)
        current[key] = value.strip()  # strip: a CRLF file would leave "\r"
    return stanzas


def publisher_name(maintainer: str | None) -> str | None:
    """The maintainer's name without the e-mail address."""
    if not maintainer:
        return None
    return maintainer.split("<", 1)[0].strip() or None


def is_installed(stanza: dict[str, str]) -> bool:
    """Status "install ok installed" (or hold): unpacked and configured."""
    parts = stanza.get("Status", "").split()
    return len(parts) == 3 and parts[2] == "installed"


def dpkg_packages(stanzas: list[dict[str, str]], install_times: dict[str, float]) -> list[Package]:
    """Installed packages; libraries, kernels and required/important packages are system components."""
    packages = []
    for stanza in stanzas:
        if not is_installed(stanza) or "Package" not in stanza:
            continue
        name = stanza["Package"]
        section = stanza.get("Section", "").rsplit("/", 1)[-1]
        architecture = stanza.get("Architecture")
        packages.append(
            Package(
                name=name,
                version=stanza.get("Version"),
                publisher=publisher_name(stanza.get("Maintainer")),
                architecture=architecture,
                install_date=iso_utc(install_times.get(f"{name}:{architecture}", install_times.get(name))),
                source="dpkg",
                scope="system",
                is_system_component=section in SYSTEM_SECTIONS or stanza.get("Priority") in SYSTEM_PRIORITIES,
            )
        )
    return packages


def read_install_times(info_dir: Path = DPKG_INFO) -> dict[str, float]:
    """Install (last unpack) time per package from the mtime of dpkg's .list files."""
    times = {}
    try:
        with os.scandir(info_dir) as entries:
            for entry in entries:
                if entry.name.endswith(".list"):
                    times[entry.name[:-5]] = entry.stat().st_mtime
    except FileNotFoundError:
        return {}
    return times


def read_dpkg_packages(status: Path = DPKG_STATUS) -> list[Package] | None:
    """Installed Debian packages, or None on systems without dpkg."""
    try:
        text = status.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return None
    return dpkg_packages(parse_dpkg_status(text), read_install_times(status.parent / "info"))
