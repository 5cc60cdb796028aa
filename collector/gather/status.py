"""The status section: facts that change on every run (never hashed)."""

from __future__ import annotations

from collector.gather.boundary import gather_from_platform
from collector.report import ReportError, Status


def gather_status(errors: list[ReportError]) -> Status:
    """Gather the status section; a failing source becomes an entry in errors."""
    return gather_from_platform("status", Status, errors)
