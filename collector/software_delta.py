"""The software section as a package delta: the packages added and removed since the acknowledged section."""

from __future__ import annotations

from collections import Counter
from typing import Any

from collector.report_codec import canonical_text

# A delta is sent when it names (added + removed) at most DELTA_FLOOR_PACKAGES packages or a quarter of the new
# section's, whichever is more, and fewer packages than the new section itself; else the section goes in full.
DELTA_FLOOR_PACKAGES = 50
DELTA_SHARE_DIVISOR = 4

WirePackage = dict[str, Any]  # a package as to_dict renders it


def diff_packages(
    base: list[WirePackage], new: list[WirePackage]
) -> tuple[list[WirePackage], list[WirePackage]]:
    """The packages added (in new, not in base) and removed (in base, not in new), compared whole as multisets.

    Packages are compared by their canonical JSON, so one changed in any field is removed as it was and added as
    it is, and two identical packages count twice. Each list keeps the order of the section it comes from.
    """
    base_keys = [canonical_text(package) for package in base]
    new_keys = [canonical_text(package) for package in new]
    base_counts, new_counts = Counter(base_keys), Counter(new_keys)
    added = _pick(new, new_keys, new_counts - base_counts)
    removed = _pick(base, base_keys, base_counts - new_counts)
    return added, removed


def _pick(packages: list[WirePackage], keys: list[str], counts: Counter[str]) -> list[WirePackage]:
    picked = []
    for package, key in zip(packages, keys, strict=True):
        if counts[key] > 0:
            counts[key] -= 1
            picked.append(package)
    return picked


def delta_limit(package_count: int) -> int:
    """The most packages (added + removed) a delta may name, for a new section of package_count packages."""
    return min(package_count - 1, max(DELTA_FLOOR_PACKAGES, package_count // DELTA_SHARE_DIVISOR))


def build_software_delta(
    base_hash: str, base: list[WirePackage], new: list[WirePackage]
) -> dict[str, Any] | None:
    """The wire software_delta from the acknowledged section to the new one, or None when too much changed."""
    added, removed = diff_packages(base, new)
    if len(added) + len(removed) > delta_limit(len(new)):
        return None
    return {"base": base_hash, "added": added, "removed": removed}
