"""Platform dispatch: the package of OS-specific sources for the running system."""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

_PACKAGES = {"linux": "collector.platforms.linux", "win32": "collector.platforms.windows"}
_PACKAGES["darwin"] = "collector.platforms.macos"


def platform_package_name(platform: str = sys.platform) -> str:
    """The module name of the platform package for a `sys.platform` value."""
    key = "linux" if platform.startswith("linux") else platform
    if key not in _PACKAGES:
        raise RuntimeError(f"unsupported platform {platform!r}")
    return _PACKAGES[key]


def current() -> ModuleType:
    """The platform package, exporting collect_system … collect_identity."""
    return importlib.import_module(platform_package_name())
