"""macOS sources: system_profiler, ioreg, fdesetup and plist files, a handful of processes per run."""

from collector.platforms.macos.collect import (
    collect_hardware,
    collect_identity,
    collect_network,
    collect_peripherals,
    collect_security,
    collect_software,
    collect_status,
    collect_system,
)

__all__ = [
    "collect_hardware",
    "collect_identity",
    "collect_network",
    "collect_peripherals",
    "collect_security",
    "collect_software",
    "collect_status",
    "collect_system",
]
