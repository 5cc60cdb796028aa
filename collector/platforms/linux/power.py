"""Batteries and AC power from /sys/class/power_supply."""

from __future__ import annotations

from pathlib import Path

from collector.junk import clean_serial, clean_string
from collector.platforms.linux.files import list_dir, read_text
from collector.report import Battery

POWER_SUPPLY = Path("/sys/class/power_supply")
MICRO = 1_000_000


def _number(values: dict[str, str], key: str) -> int | None:
    value = values.get(key)
    if value is None or value == "":
        return None
    return int(value)


def parse_battery(name: str, values: dict[str, str]) -> Battery:
    """A battery from its uevent properties (POWER_SUPPLY_* without the prefix, lowercase)."""
    design_wh = full_wh = None
    if "energy_full_design" in values:  # µWh
        design_wh = (_number(values, "energy_full_design") or 0) / MICRO or None
        full_wh = (_number(values, "energy_full") or 0) / MICRO or None
    elif "charge_full_design" in values:  # µAh, times the design voltage in µV
        volts = (_number(values, "voltage_min_design") or 0) / MICRO
        design_wh = (_number(values, "charge_full_design") or 0) / MICRO * volts or None
        full_wh = (_number(values, "charge_full") or 0) / MICRO * volts or None
    health = round(full_wh / design_wh * 100, 1) if design_wh and full_wh else None
    cycles = _number(values, "cycle_count")
    return Battery(
        name=name,
        manufacturer=clean_string(values.get("manufacturer")),
        model=clean_string(values.get("model_name")),
        serial=clean_serial(values.get("serial_number")),
        chemistry=clean_string(values.get("technology")),
        design_capacity_wh=round(design_wh, 2) if design_wh else None,
        full_charge_capacity_wh=round(full_wh, 2) if full_wh else None,
        cycle_count=cycles if cycles else None,  # 0 means "not reported" on most firmware
        health_percent=health,
    )


def parse_uevent(text: str) -> dict[str, str]:
    """POWER_SUPPLY_* properties of a power_supply uevent, keys lowercased without the prefix."""
    values = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.startswith("POWER_SUPPLY_"):
            values[key.removeprefix("POWER_SUPPLY_").lower()] = value
    return values


def read_power_supplies(root: Path = POWER_SUPPLY) -> list[tuple[str, dict[str, str]]]:
    """(name, properties) of every power supply."""
    return [(entry.name, parse_uevent(read_text(entry / "uevent") or "")) for entry in list_dir(root)]


def system_batteries(supplies: list[tuple[str, dict[str, str]]]) -> list[tuple[str, dict[str, str]]]:
    """The machine's own batteries, not those of wireless mice and keyboards (scope Device)."""
    return [(n, v) for n, v in supplies if v.get("type") == "Battery" and v.get("scope") != "Device"]


def read_batteries() -> list[Battery]:
    """Internal batteries of this machine."""
    return [parse_battery(name, values) for name, values in system_batteries(read_power_supplies())]


def battery_status(
    supplies: list[tuple[str, dict[str, str]]],
) -> tuple[float | None, bool | None, bool | None]:
    """(charge percent, charging, on AC power) across system batteries and mains supplies."""
    batteries = system_batteries(supplies)
    percents = [int(v["capacity"]) for _, v in batteries if v.get("capacity", "").isdigit()]
    percent = round(sum(percents) / len(percents), 1) if percents else None
    charging = any(v.get("status") == "Charging" for _, v in batteries) if batteries else None
    mains = [v.get("online") == "1" for _, v in supplies if v.get("type") == "Mains"]
    return percent, charging, (any(mains) if mains else None)
