"""Monitors, USB devices, printers and the battery from ioreg and system_profiler."""

from __future__ import annotations

import plistlib

import pytest

from collector.platforms.macos.devices import (
    parse_battery,
    parse_printers,
    parse_profiler_monitors,
    parse_usb_devices,
    usb_kind,
)
from collector.platforms.macos.ioreg import parse_display_monitors
from collector.report import Battery, Monitor, Printer

from .loaders import fixture_bytes, profile

DELL_U2723QE = Monitor(
    manufacturer="DEL",
    manufacturer_name="Dell",
    model="DELL U2723QE",
    product_code=0x42AD,
    serial="5WXY3H3",
    width_mm=597,
    height_mm=336,
    diagonal_inches=27.0,
    manufacture_year=2023,
    manufacture_week=12,
    edid_checksum_ok=True,
)

IOREG_CASES = {
    "macbook-pro-m2": [
        DELL_U2723QE,
        # the built-in panel: no EDID bytes, only the decoded ProductAttributes, its maker named by Apple's OUI
        # ("00-10-fa") and its PNP id in LegacyManufacturerID; the empty attributes of dispext1 are no monitor
        Monitor(manufacturer="APP", manufacturer_name="Apple", model="Built-in Liquid Retina XDR Display"),
    ],
    "imac-intel-2019": [
        Monitor(
            manufacturer="APP",
            manufacturer_name="Apple",
            model="iMac",
            product_code=0xAE22,
            width_mm=597,
            height_mm=336,
            diagonal_inches=27.0,
            manufacture_year=2019,
            manufacture_week=20,
            edid_checksum_ok=True,
        )
    ],
}


@pytest.mark.parametrize(("machine", "expected"), IOREG_CASES.items())
def test_parse_display_monitors(machine: str, expected: list[Monitor]) -> None:
    assert parse_display_monitors(fixture_bytes("ioreg", f"{machine}-displays.plist")) == (expected, [])


def test_broken_edid_falls_back_to_product_attributes() -> None:
    data = plistlib.dumps(
        [
            {
                "EDID": b"\x00\xff\xff" + bytes(125),
                "DisplayAttributes": {"ProductAttributes": {"ManufacturerID": "GSM"}},
            }
        ]
    )
    monitors, problems = parse_display_monitors(data)
    assert monitors == [Monitor(manufacturer="GSM", manufacturer_name="LG")]
    assert problems == ["EDID header pattern missing"]


def test_monitors_from_system_profiler() -> None:
    assert parse_profiler_monitors(profile("macbook-pro-m2")) == [
        Monitor(
            connector="spdisplays_internal",
            manufacturer="APP",
            manufacturer_name="Apple",
            model="Color LCD",
            product_code=0xA050,
            serial="4251086178",
        ),
        Monitor(
            manufacturer="DEL",
            manufacturer_name="Dell",
            model="DELL U2723QE",
            product_code=0x42AD,
            serial="1280002627",
            manufacture_year=2023,
            manufacture_week=12,
        ),
    ]


USB_CASES = {
    "macbook-pro-m2": [
        ("2188:0139", "CalDigit Thunderbolt 4 Dock", "dock", "C4TS1A2B3C"),
        ("0bda:8156", "USB 10/100/1G/2.5G LAN", None, "401000001"),
        ("0b0e:02e6", "Jabra Evolve2 65", None, "70BF92A1B2C3"),
        ("046d:085e", "Logitech BRIO", None, None),  # serial "0" is junk
        ("05ac:029c", "Magic Keyboard with Touch ID", "hid", "F0T1234567890ABC"),
    ],
    "imac-intel-2019": [
        ("05ac:8514", "FaceTime HD Camera (Built-in)", "webcam", "CC2B2A0BKDKF3KJ"),
        ("046d:c52b", "USB Receiver", "hid", None),
        ("0a5c:4500", "BRCM20702 Hub", "hub", None),
        ("05ac:8289", "Bluetooth USB Host Controller", "bluetooth", None),
    ],
    "virtualmac-vm": [("05ac:8104", "USB Keyboard", "hid", None)],  # macOS 15 SPUSBHostDataType keys
}


@pytest.mark.parametrize(("machine", "expected"), USB_CASES.items())
def test_parse_usb_devices(machine: str, expected: list[tuple]) -> None:
    devices = parse_usb_devices(profile(machine))
    assert [(f"{d.vendor_id}:{d.product_id}", d.product, d.kind, d.serial) for d in devices] == expected


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("ThinkPad Thunderbolt 3 Dock", "dock"),
        ("USB2.0 Hub", "hub"),
        ("Poly BT700 headset", "headset"),
        ("Widget", None),
    ],
)
def test_usb_kind(name: str, kind: str | None) -> None:
    assert usb_kind(name) == kind


PRINTER_CASES = {
    "macbook-pro-m2": [
        Printer(
            name="HP_LaserJet_M607",
            driver="HP LaserJet Enterprise M607",
            port="ipps://printer-7.corp.example.com:631/ipp/print",
            is_default=True,
            is_shared=False,
            is_network=True,
        )
    ],
    "imac-intel-2019": [
        Printer(
            name="Brother_HL_L2350DW",
            driver="Brother HL-L2350DW series CUPS",
            port="usb://Brother/HL-L2350DW%20series?serial=E78123A4N123456",
            is_default=True,
            is_shared=True,
            is_network=False,
        )
    ],
    "virtualmac-vm": [],
}


@pytest.mark.parametrize(("machine", "expected"), PRINTER_CASES.items())
def test_parse_printers(machine: str, expected: list[Printer]) -> None:
    assert parse_printers(profile(machine)) == expected


BATTERY_CASES = {
    "macbook-pro-m2": (
        [
            Battery(
                manufacturer="SMP",
                model="bq40z651",
                serial="F8Y3291A1B2C3D4E5",
                cycle_count=187,
                health_percent=92.0,
            )
        ],
        {"charging": True, "on_ac_power": True},
    ),
    "imac-intel-2019": ([], {"charging": None, "on_ac_power": None}),
    "virtualmac-vm": ([], {"charging": None, "on_ac_power": None}),
}


@pytest.mark.parametrize(("machine", "expected"), BATTERY_CASES.items())
def test_parse_battery(machine: str, expected: tuple) -> None:
    assert parse_battery(profile(machine)) == expected


def test_maximum_capacity_with_a_no_break_space() -> None:
    power = {
        "SPPowerDataType": [
            {
                "_name": "spbattery_information",
                "sppower_battery_health_info": {"sppower_battery_health_maximum_capacity": "84\u00a0%"},
            }
        ]
    }
    assert parse_battery(power)[0][0].health_percent == 84.0
