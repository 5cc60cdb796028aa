"""SMBIOS system, board and BIOS facts from /sys/class/dmi/id (serials and UUID need root)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from collector.junk import clean_serial, clean_string, clean_uuid
from collector.platforms.linux.files import read_text

DMI_DIR = Path("/sys/class/dmi/id")
DMI_FILES = (
    "sys_vendor",
    "product_name",
    "product_version",
    "product_family",
    "product_sku",
    "product_serial",
    "product_uuid",
    "chassis_type",
    "board_vendor",
    "board_name",
    "board_serial",
    "bios_vendor",
    "bios_version",
    "bios_date",
)

# SMBIOS 3.7 section 7.4.1, "System Enclosure or Chassis Types".
CHASSIS_TYPES = (
    None, "Other", "Unknown", "Desktop", "Low Profile Desktop", "Pizza Box", "Mini Tower", "Tower",
    "Portable", "Laptop", "Notebook", "Hand Held", "Docking Station", "All in One", "Sub Notebook",
    "Space-saving", "Lunch Box", "Main Server Chassis", "Expansion Chassis", "SubChassis",
    "Bus Expansion Chassis", "Peripheral Chassis", "RAID Chassis", "Rack Mount Chassis", "Sealed-case PC",
    "Multi-system chassis", "Compact PCI", "Advanced TCA", "Blade", "Blade Enclosure", "Tablet",
    "Convertible", "Detachable", "IoT Gateway", "Embedded PC", "Mini PC", "Stick PC",
)  # fmt: skip

_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")


@dataclass(slots=True)
class DmiValues:
    """Raw DMI file contents by name, and the names that could not be read (permissions)."""

    values: dict[str, str] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)


def read_dmi(dmi_dir: Path = DMI_DIR) -> DmiValues:
    """Every readable DMI file; unprivileged runs cannot read serials and the UUID."""
    result = DmiValues()
    for name in DMI_FILES:
        try:
            text = read_text(dmi_dir / name)
        except PermissionError:
            result.unreadable.append(name)
            continue
        if text is not None:
            result.values[name] = text
    return result


def parse_chassis_type(value: str | None) -> str | None:
    """The chassis type name of an SMBIOS chassis type number (the lock bit masked off)."""
    if value is None or not value.strip():
        return None
    number = int(value.strip()) & 0x7F
    if 0 < number < len(CHASSIS_TYPES):
        return CHASSIS_TYPES[number]
    return None


def parse_bios_date(value: str | None) -> str | None:
    """An ISO date from the BIOS's MM/DD/YYYY; raises ValueError on another shape."""
    text = clean_string(value)
    if text is None:
        return None
    match = _US_DATE.match(text)
    if not match:
        raise ValueError(f"unexpected BIOS date {text!r}")
    month, day, year = (int(part) for part in match.groups())
    if year < 100:
        year += 1900 if year >= 80 else 2000
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise ValueError(f"unexpected BIOS date {text!r}")
    return f"{year:04d}-{month:02d}-{day:02d}"


def _bios_date_or_none(value: str | None) -> str | None:
    try:
        return parse_bios_date(value)
    except ValueError:
        return None  # some vendors put free text here; a date we cannot read is a missing date


def parse_dmi(values: dict[str, str]) -> dict[str, str | None]:
    """SystemSection field values from raw DMI file contents, junk values removed."""
    get = values.get
    return {
        "manufacturer": clean_string(get("sys_vendor")),
        "product": clean_string(get("product_name")),
        "product_version": clean_string(get("product_version")),
        "family": clean_string(get("product_family")),
        "sku": clean_string(get("product_sku")),
        "serial": clean_serial(get("product_serial")),
        "system_uuid": clean_uuid(get("product_uuid")),
        "chassis_type": parse_chassis_type(get("chassis_type")),
        "board_manufacturer": clean_string(get("board_vendor")),
        "board_product": clean_string(get("board_name")),
        "board_serial": clean_serial(get("board_serial")),
        "bios_vendor": clean_string(get("bios_vendor")),
        "bios_version": clean_string(get("bios_version")),
        "bios_date": _bios_date_or_none(get("bios_date")),
    }
