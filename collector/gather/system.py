"""The system section: OS, SMBIOS system and BIOS, virtualization."""

from __future__ import annotations

from collector.gather.boundary import gather_from_platform
from collector.report import ReportError, SystemSection


def gather_system(errors: list[ReportError]) -> SystemSection:
    """Gather the system section; a failing source becomes an entry in errors."""
    return gather_from_platform("system", SystemSection, errors)
