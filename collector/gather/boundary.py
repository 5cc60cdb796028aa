"""The gather boundary: a platform collector that raises still yields an (empty) section and an error."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from collector import platforms
from collector.report import ReportError

T = TypeVar("T")


def gather_from_platform(area: str, empty: Callable[[], T], errors: list[ReportError]) -> T:
    """Call the platform's collect_<area>(errors); never raises."""
    source = f"collect_{area}"
    try:
        collect = getattr(platforms.current(), source)
        return collect(errors)
    except Exception as exc:  # the gather boundary: the rest of the report must still go out
        errors.append(ReportError(section=area, source=source, message=f"{type(exc).__name__}: {exc}"))
        return empty()
