"""The security section: disk encryption, firewall, antivirus, Secure Boot, updates."""

from __future__ import annotations

from collector.gather.boundary import gather_from_platform
from collector.report import ReportError, SecuritySection


def gather_security(errors: list[ReportError]) -> SecuritySection:
    """Gather the security section; a failing source becomes an entry in errors."""
    return gather_from_platform("security", SecuritySection, errors)
