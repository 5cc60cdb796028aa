"""Windows sources: one PowerShell (CIM) process and the registry per run."""

from collector.platforms.windows.collect import (
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
