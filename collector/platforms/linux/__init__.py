"""Linux sources: procfs, sysfs, package databases; each collect_* returns one report section."""

from collector.platforms.linux.collect import (
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
