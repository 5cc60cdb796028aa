"""Monitors, USB devices, printers and batteries from the CIM snapshot and the registry EDIDs."""

from __future__ import annotations

import pytest

from collector.platforms.windows.peripherals import (
    parse_batteries,
    parse_monitors,
    parse_printers,
    parse_usb_devices,
    usb_kind,
    wmi_text,
)
from collector.platforms.windows.powershell import rows
from collector.report import Battery, Monitor, Printer

from .loaders import cim, registry

DELL_P2422H = {
    "manufacturer": "DEL",
    "manufacturer_name": "Dell",
    "model": "DELL P2422H",
    "product_code": 0xA0F5,
    "width_mm": 527,
    "height_mm": 296,
    "diagonal_inches": 23.8,
    "manufacture_year": 2021,
    "edid_checksum_ok": True,
}

MONITOR_CASES = [
    (
        "dell-optiplex-7090",  # the HP monitor still in Enum\DISPLAY is not active any more
        [
            Monitor(**DELL_P2422H, serial="7YZ8K13", manufacture_week=33),
            Monitor(**DELL_P2422H, serial="8DFJK13", manufacture_week=34),
        ],
        [],
    ),
    (
        "lenovo-thinkpad-t14",  # the panel's EDID fails its checksum: its facts are kept, and flagged
        [
            Monitor(
                manufacturer="LEN",
                manufacturer_name="Lenovo",
                product_code=0x40A9,
                width_mm=302,
                height_mm=189,
                diagonal_inches=14.0,
                manufacture_year=2022,
                edid_checksum_ok=False,
            ),
            Monitor(
                manufacturer="LEN",
                manufacturer_name="Lenovo",
                model="LEN T27q-20",
                product_code=0x62A6,
                serial="V5A12345",
                width_mm=597,
                height_mm=336,
                diagonal_inches=27.0,
                edid_checksum_ok=True,
            ),
        ],
        [],
    ),
]


@pytest.mark.parametrize(("machine", "monitors", "problems"), MONITOR_CASES)
def test_parse_monitors(machine: str, monitors: list[Monitor], problems: list[str]) -> None:
    snapshot = cim(machine)
    assert parse_monitors(registry(machine)["displays"], rows(snapshot, "WmiMonitorID")) == (
        monitors,
        problems,
    )


def test_without_the_wmi_list_every_registry_monitor_is_kept() -> None:
    found, problems = parse_monitors(registry("dell-optiplex-7090")["displays"], None)
    assert [(item.manufacturer, item.model) for item in found] == [
        ("DEL", "DELL P2422H"),
        ("DEL", "DELL P2422H"),
        ("HWP", "HP LA2205"),
    ]
    assert problems == []


def test_wmi_text_stops_at_padding() -> None:
    assert wmi_text([68, 69, 76, 0, 0]) == "DEL"
    assert wmi_text([0, 0]) is None


# machine → (vendor:product, kind, serial) of each USB device
USB_CASES = {
    "dell-optiplex-7090": [
        ("413c:2113", "hid", None),
        ("0781:5581", "storage", "4C530001230815117354"),
        ("046d:0a8f", "headset", None),  # composite: audio + HID interfaces, a made-up "0000…" serial
        ("0bda:8153", None, "3C18A0B1C2D3"),  # "S/N:3C18A0B1C2D3_REV:3100": the decoration taken off
    ],
    "lenovo-thinkpad-t14": [
        ("17ef:30b5", "hub", None),
        ("17ef:a396", "dock", None),
        ("17ef:a387", None, "301000001"),
        ("5986:1177", "webcam", None),
        ("8087:0033", "bluetooth", None),
        ("0781:5581", "storage", "4C530001230815117354"),
    ],
    "hyperv-server-2022": [],
}


@pytest.mark.parametrize(("machine", "expected"), USB_CASES.items())
def test_parse_usb_devices(machine: str, expected: list[tuple]) -> None:
    devices = parse_usb_devices(rows(cim(machine), "PnPEntity"))
    assert [(f"{d.vendor_id}:{d.product_id}", d.kind, d.serial) for d in devices] == expected


@pytest.mark.parametrize(
    ("device_class", "interfaces", "name", "kind"),
    [
        ("09", [], "Generic USB Hub", "hub"),
        ("00", ["0e", "01"], "USB Composite Device", "webcam"),
        ("00", ["01"], "USB Audio", "audio"),
        ("ef", ["01", "03"], "Jabra Evolve2 65", "headset"),
        ("00", ["03"], "Dell Universal Dock D6000", "dock"),
        ("0b", [], "Smart card reader", "smartcard"),
        ("ff", [], "Vendor device", None),
    ],
)
def test_usb_kind(device_class: str, interfaces: list[str], name: str, kind: str | None) -> None:
    assert usb_kind(device_class, interfaces, name=name) == kind


def test_parse_printers() -> None:
    assert parse_printers(rows(cim("dell-optiplex-7090"), "Printer"))[1] == Printer(
        name="\\\\print01\\HR-Floor2",
        driver="HP Universal Printing PCL 6",
        port="10.20.40.15",
        location="Building A, floor 2",
        description="HP LaserJet M607",
        is_default=True,
        is_shared=False,
        is_network=True,
    )


BATTERY_CASES = {
    "lenovo-thinkpad-t14": [
        Battery(
            manufacturer="LGC",
            model="5B10W13931",
            serial="3456",
            chemistry="Li-ion",
            design_capacity_wh=52.5,
            full_charge_capacity_wh=47.81,
            cycle_count=212,
            health_percent=91.1,
        )
    ],
    "dell-optiplex-7090": [],
    "hyperv-server-2022": [],
}


@pytest.mark.parametrize(("machine", "expected"), BATTERY_CASES.items())
def test_parse_batteries(machine: str, expected: list[Battery]) -> None:
    assert parse_batteries(cim(machine)) == expected


def test_battery_from_win32_battery_alone() -> None:
    snapshot = {"Battery": [{"Name": "DELL 7FHHV98", "Chemistry": 6}]}
    assert parse_batteries(snapshot) == [Battery(model="DELL 7FHHV98", chemistry="Li-ion")]
