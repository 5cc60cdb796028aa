"""RPM packages from `rpm -qa` with a tab-separated query format."""

from __future__ import annotations

import shutil
from pathlib import Path

from collector.platforms.common import iso_utc
from collector.report import Package

RPM_DB_DIRS = (Path("/var/lib/rpm"), Path("/usr/lib/sysimage/rpm"))
QUERY_FORMAT = "%{NAME}\\t%|EPOCH?{%{EPOCH}:}|%{VERSION}-%{RELEASE}\\t%{ARCH}\\t%{VENDOR}\\t%{INSTALLTIME}\\n"
RPM_TIMEOUT_SECONDS = 20
SYSTEM_NAMES = ("kernel", "glibc", "linux-", "filesystem", "setup", "basesystem", "systemd")


def is_system_package(name: str) -> bool:
    """Kernels, firmware, the C library and shared libraries are system components."""
    if name in ("linux", "linux-lts", "linux-zen") or name.startswith(SYSTEM_NAMES):
        return True
    return name.endswith(("-libs", "-firmware")) or name.startswith("lib")


def parse_rpm_query(text: str) -> list[Package]:
    """Packages of `rpm -qa --queryformat QUERY_FORMAT` output; raises ValueError on a short line."""
    packages = []
    for line in text.splitlines():
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != 5:
            raise ValueError(f"not an rpm query line: {line[:80]!r}")
        name, version, arch, vendor, installed = fields
        packages.append(
            Package(
                name=name,
                version=version,
                publisher=None if vendor == "(none)" else vendor,
                architecture=None if arch == "(none)" else arch,
                install_date=iso_utc(int(installed)) if installed.isdigit() else None,
                source="rpm",
                scope="system",
                is_system_component=is_system_package(name),
            )
        )
    return packages


def read_rpm_packages() -> list[Package] | None:
    """Installed RPM packages, or None when there is no rpm database."""
    rpm = shutil.which("rpm")
    if rpm is None or not any(
        (d / name).exists() for d in RPM_DB_DIRS for name in ("rpmdb.sqlite", "Packages")
    ):
        return None
    import subprocess  # only when the tool is there: the import costs 3 ms of every run

    completed = subprocess.run(
        [rpm, "-qa", "--queryformat", QUERY_FORMAT],
        capture_output=True,
        text=True,
        timeout=RPM_TIMEOUT_SECONDS,
        check=True,
    )
    return parse_rpm_query(completed.stdout)
