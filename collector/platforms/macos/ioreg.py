"""Parse `ioreg -a` plists: the platform's UUID and serial, and the displays' EDID blobs."""

from __future__ import annotations

import plistlib
import re
from collections.abc import Iterator
from typing import Any
from xml.parsers.expat import ExpatError

from collector.edid import PNP_VENDORS, monitor_from_edid, pnp_from_word
from collector.junk import clean_serial, clean_string, clean_uuid
from collector.report import Monitor

EDID_KEYS = ("IODisplayEDID", "EDID", "IODisplayEDIDOriginal")
PNP_ID = re.compile(r"[A-Z]{3}")


def load_plist(data: bytes) -> Any:
    """The plist document; ValueError for truncated or garbled output."""
    try:
        return plistlib.loads(data)
    except (plistlib.InvalidFileException, ExpatError, ValueError, TypeError) as exc:
        raise ValueError(f"ioreg output is not a plist: {exc}") from exc


def parse_platform(data: bytes) -> dict[str, str | None]:
    """IOPlatformUUID, serial number, model and manufacturer of the IOPlatformExpertDevice entry."""
    document = load_plist(data)
    entry = document[0] if isinstance(document, list) and document else document
    if not isinstance(entry, dict):
        raise ValueError("no IOPlatformExpertDevice entry in the ioreg output")
    return {
        "uuid": clean_uuid(entry.get("IOPlatformUUID")),
        "serial": clean_serial(entry.get("IOPlatformSerialNumber")),
        "model": _data_text(entry.get("model")),
        "manufacturer": _data_text(entry.get("manufacturer")),
    }


def parse_display_monitors(data: bytes) -> tuple[list[Monitor], list[str]]:
    """Monitors from every EDID blob in the tree, else from Apple silicon's ProductAttributes; and problems."""
    monitors, problems, seen = [], [], set()
    document = load_plist(data)
    for entry in _entries(document):
        blob = next((entry[key] for key in EDID_KEYS if isinstance(entry.get(key), bytes)), None)
        attributes = (entry.get("DisplayAttributes") or {}).get("ProductAttributes")
        if blob is not None:
            if blob in seen:
                continue
            seen.add(blob)
            try:
                monitors.append(monitor_from_edid(blob))
                continue
            except ValueError as exc:
                problems.append(str(exc))
        monitor = monitor_from_attributes(attributes) if isinstance(attributes, dict) else None
        if monitor is not None:
            monitors.append(monitor)
    return monitors, problems


def monitor_from_attributes(attributes: dict[str, Any]) -> Monitor | None:
    """A monitor from the decoded EDID facts macOS keeps in DisplayAttributes.ProductAttributes; None when
    they are all empty (an output with nothing attached, or asleep).

    Apple's built-in panels name their maker by its IEEE OUI ("00-10-fa"), not a PNP id: the PNP id then comes
    from LegacyManufacturerID, and ProductID, numbered in the OUI's space, is no EDID product code.
    """
    named = clean_string(attributes.get("ManufacturerID"))
    pnp_named = named if named and PNP_ID.fullmatch(named) else None
    legacy = attributes.get("LegacyManufacturerID")
    maker = pnp_named or (pnp_from_word(legacy) if isinstance(legacy, int) else None)
    product = attributes.get("ProductID")
    serial = clean_serial(attributes.get("AlphanumericSerialNumber")) or clean_serial(
        attributes.get("SerialNumber")
    )
    year, week = attributes.get("YearOfManufacture"), attributes.get("WeekOfManufacture")
    monitor = Monitor(
        manufacturer=maker,
        manufacturer_name=PNP_VENDORS.get(maker or ""),
        model=clean_string(attributes.get("ProductName")),
        product_code=product if pnp_named and isinstance(product, int) and product > 0 else None,
        serial=serial,
        manufacture_year=year if isinstance(year, int) and year > 1990 else None,
        manufacture_week=week if isinstance(week, int) and 1 <= week <= 54 else None,
    )
    return None if monitor == Monitor() else monitor


def _entries(node: Any) -> Iterator[dict[str, Any]]:
    """Every registry entry (dict) in the tree, children (IORegistryEntryChildren) included."""
    if isinstance(node, list):
        for item in node:
            yield from _entries(item)
    elif isinstance(node, dict):
        yield node
        yield from _entries(node.get("IORegistryEntryChildren") or [])


def _data_text(value: Any) -> str | None:
    """A NUL-terminated string stored as plist data."""
    if isinstance(value, bytes):
        return clean_string(value.split(b"\x00", 1)[0].decode("utf-8", "replace"))
    return clean_string(value) if isinstance(value, str) else None
