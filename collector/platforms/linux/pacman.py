"""Arch Linux packages from pacman's local database and Alpine packages from apk's."""

from __future__ import annotations

from pathlib import Path

from collector.platforms.common import iso_utc
from collector.platforms.linux.files import list_dir, read_raw
from collector.platforms.linux.rpm import is_system_package
from collector.report import Package

PACMAN_LOCAL = Path("/var/lib/pacman/local")
APK_INSTALLED = Path("/lib/apk/db/installed")


def parse_pacman_desc(text: str) -> Package:
    """One package's desc file (%NAME%, %VERSION%, … blocks); raises ValueError without a name."""
    fields: dict[str, list[str]] = {}
    key = None
    for line in text.splitlines():
        if line.startswith("%") and line.endswith("%") and len(line) > 2:
            key = line.strip("%")
            fields[key] = []
        elif line and key is not None:
            fields[key].append(line)
    name = (fields.get("NAME") or [None])[0]
    if not name:
        raise ValueError("pacman desc without %NAME%")
    installed = (fields.get("INSTALLDATE") or [""])[0]
    packager = (fields.get("PACKAGER") or [None])[0]
    return Package(
        name=name,
        version=(fields.get("VERSION") or [None])[0],
        publisher=packager.split("<", 1)[0].strip() if packager else None,
        architecture=(fields.get("ARCH") or [None])[0],
        install_date=iso_utc(int(installed)) if installed.isdigit() else None,
        source="pacman",
        scope="system",
        is_system_component=is_system_package(name),
    )


def read_pacman_packages(local: Path = PACMAN_LOCAL) -> list[Package] | None:
    """Installed pacman packages, or None without a pacman database."""
    if not local.is_dir():
        return None
    return [parse_pacman_desc(read_raw(entry / "desc") or "") for entry in list_dir(local) if entry.is_dir()]


def parse_apk_installed(text: str) -> list[Package]:
    """Packages of apk's installed database (P:, V:, A:, m:, t: lines per blank-separated block)."""
    packages = []
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.splitlines():
            if len(line) > 2 and line[1] == ":":
                fields.setdefault(line[0], line[2:])
        if not fields:
            continue
        if "P" not in fields:
            raise ValueError("apk database entry without a P: line")
        maintainer = fields.get("m")
        packages.append(
            Package(
                name=fields["P"],
                version=fields.get("V"),
                publisher=maintainer.split("<", 1)[0].strip() if maintainer else None,
                architecture=fields.get("A"),
                source="apk",
                scope="system",
                is_system_component=is_system_package(fields["P"]) or fields["P"].startswith("musl"),
            )
        )
    return packages


def read_apk_packages(installed: Path = APK_INSTALLED) -> list[Package] | None:
    """Installed Alpine packages, or None without an apk database."""
    text = read_raw(installed)
    return parse_apk_installed(text) if text is not None else None
