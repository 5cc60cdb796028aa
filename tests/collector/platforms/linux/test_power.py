"""Batteries and AC power from power_supply uevents."""

import pytest

from collector.platforms.linux import power
from collector.report import Battery

from .fixtures import text


def _supply(fixture: str) -> tuple[str, dict[str, str]]:
    values = power.parse_uevent(text(f"power_supply/{fixture}"))
    return values["name"], values


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        (
            "thinkpad-t14-BAT0.txt",
            Battery(name="BAT0", manufacturer="SMP", model="5B10W51876", serial="1234", chemistry="Li-poly",
                    design_capacity_wh=52.5, full_charge_capacity_wh=46.83, cycle_count=187, health_percent=89.2),
        ),
        (
            "latitude-charge-based-BAT0.txt",
            Battery(name="BAT0", manufacturer="SMP", model="DELL 0RN4X", serial=None, chemistry="Li-ion",
                    design_capacity_wh=39.9, full_charge_capacity_wh=35.91, cycle_count=None, health_percent=90.0),
        ),
    ],
)  # fmt: skip
def test_parse_battery(fixture: str, expected: Battery) -> None:
    name, values = _supply(fixture)
    assert power.parse_battery(name, values) == expected


def test_garbled_battery_raises() -> None:
    name, values = _supply("garbled-BAT0.txt")
    with pytest.raises(ValueError):
        power.parse_battery(name, values)


def test_mouse_batteries_are_not_system_batteries() -> None:
    supplies = [_supply("thinkpad-t14-BAT0.txt"), _supply("wireless-mouse.txt"), _supply("AC.txt")]
    assert [name for name, _ in power.system_batteries(supplies)] == ["BAT0"]
    assert power.battery_status(supplies) == (81.0, True, True)
    assert power.battery_status([]) == (None, None, None)
