"""The peripherals section: monitors, USB devices, printers, batteries."""

from __future__ import annotations

from collector.gather.boundary import gather_from_platform
from collector.report import PeripheralsSection, ReportError


def gather_peripherals(errors: list[ReportError]) -> PeripheralsSection:
    """Gather the peripherals section; a failing source becomes an entry in errors."""
    return gather_from_platform("peripherals", PeripheralsSection, errors)
