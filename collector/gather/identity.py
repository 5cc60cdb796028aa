"""The identity section: facts the server matches the asset on."""

from __future__ import annotations

from collector.gather.boundary import gather_from_platform
from collector.report import Identity, ReportError


def gather_identity(errors: list[ReportError]) -> Identity:
    """Gather the identity section; a failing source becomes an entry in errors."""
    return gather_from_platform("identity", Identity, errors)
