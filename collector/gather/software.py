"""The software section: installed packages of every source."""

from __future__ import annotations

from collector.gather.boundary import gather_from_platform
from collector.report import ReportError, SoftwareSection


def gather_software(errors: list[ReportError]) -> SoftwareSection:
    """Gather the software section; a failing source becomes an entry in errors."""
    return gather_from_platform("software", SoftwareSection, errors)
