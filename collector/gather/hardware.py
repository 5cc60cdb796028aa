"""The hardware section: CPUs, memory, disks, volumes, GPUs."""

from __future__ import annotations

from collector.gather.boundary import gather_from_platform
from collector.report import HardwareSection, ReportError


def gather_hardware(errors: list[ReportError]) -> HardwareSection:
    """Gather the hardware section; a failing source becomes an entry in errors."""
    return gather_from_platform("hardware", HardwareSection, errors)
