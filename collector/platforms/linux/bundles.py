"""Snap and Flatpak applications, from their mounted metadata (no snapd or flatpak process)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from collector.platforms.linux.files import list_dir, read_raw
from collector.report import Package

SNAP_ROOT = Path("/snap")
FLATPAK_ROOT = Path("/var/lib/flatpak")
SNAP_SYSTEM_TYPES = {"base", "core", "os", "snapd", "kernel", "gadget"}
_YAML_FIELD = re.compile(r"^(name|version|type|summary):\s*['\"]?(.*?)['\"]?\s*$")
_RELEASE = re.compile(r"<release\b[^>]*\bversion=\"([^\"]+)\"")


def parse_snap_yaml(text: str) -> dict[str, str]:
    """Top-level name, version and type of a snap's meta/snap.yaml (no YAML library needed)."""
    fields = {}
    for line in text.splitlines():
        match = _YAML_FIELD.match(line)
        if match:
            fields.setdefault(match.group(1), match.group(2))
    if "name" not in fields:
        raise ValueError("snap.yaml without a name")
    return fields


def read_snap_packages(root: Path = SNAP_ROOT) -> list[Package] | None:
    """Installed snaps (their current revision), or None without /snap."""
    if not root.is_dir():
        return None
    packages = []
    for entry in list_dir(root):
        text = read_raw(entry / "current" / "meta" / "snap.yaml")
        if text is None:
            continue  # /snap/bin and snaps without a current revision
        fields = parse_snap_yaml(text)
        snap_type = fields.get("type", "app")
        packages.append(
            Package(
                name=fields["name"],
                version=fields.get("version"),
                source="snap",
                scope="system",
                is_system_component=snap_type in SNAP_SYSTEM_TYPES or fields["name"].startswith("gnome-"),
            )
        )
    return packages


def parse_metainfo_version(text: str) -> str | None:
    """The newest release version in an AppStream metainfo file (releases are listed newest first)."""
    match = _RELEASE.search(text)
    return match.group(1) if match else None


def flatpak_refs(root: Path) -> list[tuple[str, str, str, Path]]:
    """(kind, id, arch, active deployment) of every installed Flatpak app and runtime."""
    refs = []
    for kind in ("app", "runtime"):
        for ident in list_dir(root / kind):
            for arch in list_dir(ident):
                for branch in list_dir(arch):
                    active = branch / "active"
                    if active.exists():
                        refs.append((kind, ident.name, arch.name, Path(os.path.realpath(active))))
    return refs


def read_flatpak_packages(root: Path = FLATPAK_ROOT) -> list[Package] | None:
    """System-wide Flatpak apps and runtimes (runtimes are system components), or None without Flatpak."""
    if not root.is_dir():
        return None
    packages = []
    for kind, ident, arch, active in flatpak_refs(root):
        metainfo = read_raw(active / "files" / "share" / "metainfo" / f"{ident}.metainfo.xml") or ""
        packages.append(
            Package(
                name=ident,
                version=parse_metainfo_version(metainfo),
                architecture=arch,
                source="flatpak",
                scope="system",
                is_system_component=kind == "runtime",
            )
        )
    return packages
