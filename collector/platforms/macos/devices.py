"""Parse displays, USB devices, printers, batteries and network services out of system_profiler JSON."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from collector.edid import PNP_VENDORS, pnp_from_word
from collector.junk import clean_serial, clean_string
from collector.platforms.macos.hardware import items
from collector.report import Battery, Monitor, Printer, UsbDevice

OLD_USB_KEY = re.compile(r"^[a-z]_(?=[a-z])")
NETWORK_PRINTER_SCHEMES = ("ipp", "ipps", "http", "https", "lpd", "socket", "dnssd", "smb")
USB_KINDS = (
    ("dock", "dock"),
    ("hub", "hub"),
    ("camera", "webcam"),
    ("webcam", "webcam"),
    ("facetime", "webcam"),
    ("headset", "headset"),
    ("audio", "audio"),
    ("keyboard", "hid"),
    ("mouse", "hid"),
    ("receiver", "hid"),
    ("bluetooth", "bluetooth"),
    ("ethernet", "network"),
    ("card reader", "storage"),
    ("flash", "storage"),
    ("ssd", "storage"),
    ("disk", "storage"),
)


def parse_profiler_monitors(profile: dict[str, Any]) -> list[Monitor]:
    """Monitors from SPDisplaysDataType's display records (used when ioreg gives no EDID)."""
    monitors = []
    for gpu in items(profile, "SPDisplaysDataType"):
        for display in gpu.get("spdisplays_ndrvs") or []:
            if not isinstance(display, dict):
                continue
            vendor = _hex(display.get("_spdisplays_display-vendor-id"))
            maker = pnp_from_word(vendor) if vendor is not None else None
            year = _int(display.get("_spdisplays_display-year"))
            week = _int(display.get("_spdisplays_display-week"))
            serial = _hex(display.get("_spdisplays_display-serial-number"))
            monitors.append(
                Monitor(
                    connector=clean_string(display.get("spdisplays_connection_type")),
                    manufacturer=maker,
                    manufacturer_name=PNP_VENDORS.get(maker or ""),
                    model=clean_string(display.get("_name")),
                    product_code=_hex(display.get("_spdisplays_display-product-id")),
                    serial=clean_serial(str(serial)) if serial else None,
                    manufacture_year=year if year and year > 1990 else None,
                    manufacture_week=week if week and 1 <= week <= 54 else None,
                )
            )
    return monitors


def _hex(value: Any) -> int | None:
    text = str(value or "").strip().lower().removeprefix("0x")
    return int(text, 16) if re.fullmatch(r"[0-9a-f]{1,8}", text) else None


def _int(value: Any) -> int | None:
    text = str(value if value is not None else "").strip()
    return int(text) if text.isdigit() else None


def parse_usb_devices(profile: dict[str, Any]) -> list[UsbDevice]:
    """Every device in the USB tree (buses themselves left out); macOS 15 keys understood too."""
    devices = []
    for node in _usb_tree(items(profile, "SPUSBDataType") + items(profile, "SPUSBHostDataType")):
        # OS X 10.7 prefixed the keys to order them ("a_product_id", "b_vendor_id", "d_serial_num"; recorded
        # in the fixture macbookpro8-2-osx10-7)
        record = {OLD_USB_KEY.sub("", key): value for key, value in node.items()}
        vendor = record.get("vendor_id") or record.get("USBDeviceKeyVendorID")
        product = record.get("product_id") or record.get("USBDeviceKeyProductID")
        vendor_id = "05ac" if vendor == "apple_vendor_id" else _usb_id(vendor)
        product_id = _usb_id(product)
        if vendor_id is None or product_id is None:
            continue
        name = clean_string(record.get("_name")) or clean_string(record.get("USBDeviceKeyProductName"))
        maker = record.get("manufacturer") or record.get("USBDeviceKeyVendorName")
        devices.append(
            UsbDevice(
                vendor_id=vendor_id,
                product_id=product_id,
                manufacturer=clean_string(maker) if isinstance(maker, str) else None,
                product=name,
                serial=clean_serial(record.get("serial_num") or record.get("USBDeviceKeySerialNumber")),
                kind=usb_kind(name),
            )
        )
    return devices


def _usb_tree(records: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for record in records:
        yield record
        yield from _usb_tree([item for item in record.get("_items") or [] if isinstance(item, dict)])


def _usb_id(value: Any) -> str | None:
    match = re.match(r"\s*0x([0-9a-fA-F]{1,4})", str(value or ""))
    return match.group(1).lower().zfill(4) if match else None


def usb_kind(name: str | None) -> str | None:
    """What a USB device is, from its name: system_profiler shows no class codes."""
    lowered = (name or "").lower()
    return next((kind for word, kind in USB_KINDS if word in lowered), None)


def parse_printers(profile: dict[str, Any]) -> list[Printer]:
    """CUPS queues as system_profiler shows them."""
    printers = []
    for record in items(profile, "SPPrintersDataType"):
        name = clean_string(record.get("_name"))
        if name is None:
            continue
        uri = clean_string(record.get("uri"))
        printers.append(
            Printer(
                name=name,
                driver=clean_string(record.get("ppd")),
                port=uri,
                is_default=_yes(record.get("default")),
                is_shared=_yes(record.get("shared")),
                is_network=uri.split(":", 1)[0].lower() in NETWORK_PRINTER_SCHEMES if uri else None,
            )
        )
    return printers


def _yes(value: Any) -> bool | None:
    return (
        {"yes": True, "no": False, "true": True, "false": False}.get(str(value).lower())
        if value is not None
        else None
    )


def parse_battery(profile: dict[str, Any]) -> tuple[list[Battery], dict[str, bool | None]]:
    """The battery (health as "Maximum Capacity") and the charging / AC state for status."""
    batteries, state = [], {"charging": None, "on_ac_power": None}
    for record in items(profile, "SPPowerDataType"):
        if record.get("_name") == "spbattery_information":
            model = record.get("sppower_battery_model_info") or {}
            health = record.get("sppower_battery_health_info") or {}
            charge = record.get("sppower_battery_charge_info") or {}
            maximum = re.match(  # "92%", or "92 %" with a no-break space in some locales
                r"\s*(\d+(?:\.\d+)?)\s*%", str(health.get("sppower_battery_health_maximum_capacity") or "")
            )
            cycles = health.get("sppower_battery_cycle_count")
            batteries.append(
                Battery(
                    manufacturer=clean_string(model.get("sppower_battery_manufacturer")),
                    model=clean_string(model.get("sppower_battery_device_name")),
                    serial=clean_serial(model.get("sppower_battery_serial_number")),
                    cycle_count=cycles if isinstance(cycles, int) else None,
                    health_percent=float(maximum.group(1)) if maximum else None,
                )
            )
            state["charging"] = _yes(charge.get("sppower_battery_is_charging"))
        if record.get("_name") == "sppower_ac_charger_information":
            state["on_ac_power"] = _yes(record.get("sppower_battery_charger_connected"))
    return batteries, state


def parse_network_services(profile: dict[str, Any]) -> dict[str, Any]:
    """Per BSD interface: service kind; plus the routers and DNS servers of the network services."""
    kinds, gateways, dns = {}, [], []
    for record in items(profile, "SPNetworkDataType"):
        interface = record.get("interface")
        if not isinstance(interface, str):
            continue
        kind = str(record.get("type") or record.get("hardware") or "").lower()
        kinds[interface] = (
            "wireless" if kind in ("airport", "wi-fi") else "ethernet" if kind == "ethernet" else "other"
        )
        router = (record.get("IPv4") or {}).get("Router")
        if isinstance(router, str):
            gateways.append((router, interface))
        for server in (record.get("DNS") or {}).get("ServerAddresses") or []:
            if server not in dns:
                dns.append(server)
    return {"kinds": kinds, "gateways": gateways, "dns_servers": dns}
