"""Parse monitors, USB devices, printers and batteries out of the CIM snapshot and registry EDIDs."""

from __future__ import annotations

import re
from typing import Any

from collector.edid import PNP_VENDORS, monitor_from_edid
from collector.junk import clean_serial, clean_string
from collector.platforms.windows.powershell import as_bool, as_int, rows
from collector.report import Battery, Monitor, Printer, UsbDevice

USB_ID = re.compile(r"^USB\\VID_([0-9A-F]{4})&PID_([0-9A-F]{4})(&MI_[0-9A-F]{2})?\\(.+)$", re.IGNORECASE)
# Some devices decorate their serial string: "S/N:3C18A0B1C2D3_REV:3100".
USB_SERIAL_DECORATION = re.compile(r"S/?N\s*[:=]\s*([^_\s]+)", re.IGNORECASE)
USB_CLASS = re.compile(r"^USB\\(?:Dev)?Class_([0-9A-F]{2})", re.IGNORECASE)
# Win32_Battery.Chemistry, and the 4-letter codes of root\wmi BatteryStaticData.Chemistry
CHEMISTRIES = {3: "Lead acid", 4: "NiCd", 5: "NiMH", 6: "Li-ion", 7: "Zinc air", 8: "Li-polymer"}
CHEMISTRY_CODES = {
    "LION": "Li-ion",
    "LI-I": "Li-ion",
    "LIP": "Li-polymer",
    "NIMH": "NiMH",
    "PBAC": "Lead acid",
}


def parse_monitors(
    displays: list[dict[str, str]], wmi_monitors: list[dict[str, Any]] | None
) -> tuple[list[Monitor], list[str]]:
    """Active monitors and the problems met: registry EDIDs of the instances WmiMonitorID lists.

    Enum\\DISPLAY keeps every monitor ever attached, so without the WMI list (None) all of them are kept.
    A monitor whose EDID is missing or broken falls back to WmiMonitorID's strings.
    """
    edids = {entry["instance"].upper(): entry["edid"] for entry in displays if "instance" in entry}
    if wmi_monitors is None:
        active: list[tuple[str, dict[str, Any] | None]] = [(instance, None) for instance in sorted(edids)]
    else:
        active = [
            (re.sub(r"_\d+$", "", str(row.get("InstanceName", ""))).upper(), row)
            for row in wmi_monitors
            if row.get("Active", True)
        ]
    monitors, problems = [], []
    for instance, wmi in active:
        edid = edids.get(instance)
        try:
            if edid is None:
                raise ValueError("no EDID in the registry")
            monitors.append(monitor_from_edid(bytes.fromhex(edid)))
        except ValueError as exc:
            problems.append(f"{instance}: {exc}")
            if wmi is not None:
                monitors.append(monitor_from_wmi(wmi))
    return monitors, problems


def monitor_from_wmi(row: dict[str, Any]) -> Monitor:
    """A monitor from WmiMonitorID's UTF-16 code arrays, when its EDID is missing or broken."""
    product = wmi_text(row.get("ProductCodeID"))
    year, week = row.get("YearOfManufacture"), row.get("WeekOfManufacture")
    maker = wmi_text(row.get("ManufacturerName"))
    return Monitor(
        manufacturer=maker,
        manufacturer_name=PNP_VENDORS.get(maker or ""),
        model=wmi_text(row.get("UserFriendlyName")),
        product_code=int(product, 16) if product and re.fullmatch(r"[0-9A-Fa-f]{1,4}", product) else None,
        serial=clean_serial(wmi_text(row.get("SerialNumberID"))),
        manufacture_year=year if isinstance(year, int) and year > 1990 else None,
        manufacture_week=week if isinstance(week, int) and 1 <= week <= 54 else None,
    )


def wmi_text(codes: Any) -> str | None:
    """Text of a zero-padded array of character codes."""
    if not isinstance(codes, list):
        return None
    return clean_string("".join(chr(code) for code in codes if isinstance(code, int) and code > 0))


def parse_usb_devices(entities: list[dict[str, Any]]) -> list[UsbDevice]:
    """USB devices from Win32_PnPEntity; interface entries (&MI_xx) lend their classes to the device."""
    interfaces: dict[tuple[str, str], list[str]] = {}
    devices: list[tuple[str, str, str, dict[str, Any]]] = []
    for row in entities:
        match = USB_ID.match(str(row.get("PNPDeviceID") or ""))
        if not match:
            continue  # root hubs and host controllers carry no VID/PID
        vendor, product, interface, instance = match.groups()
        key = (vendor.lower(), product.lower())
        if interface:
            interfaces.setdefault(key, []).extend(_classes(row))
        else:
            devices.append((key[0], key[1], instance, row))
    parsed = []
    for vendor, product, instance, row in devices:
        own = _classes(row)
        classes = sorted(set(interfaces.get((vendor, product), [])))
        name = clean_string(row.get("Name"))
        manufacturer = clean_string(row.get("Manufacturer"))
        parsed.append(
            UsbDevice(
                vendor_id=vendor,
                product_id=product,
                # "(Standard USB Host Controller)" and the like name the driver's provider, not the maker.
                manufacturer=None if manufacturer is None or manufacturer.startswith("(") else manufacturer,
                product=name,
                # Windows makes up an instance id containing "&" for a device without a serial number.
                serial=None if "&" in instance else usb_serial(instance),
                device_class=own[0] if own else None,
                interface_classes=classes,
                kind=usb_kind(own[0] if own else None, classes, name=name),
            )
        )
    return parsed


def usb_serial(instance: str) -> str | None:
    """The serial of a USB instance id, without the decoration some vendors wrap it in."""
    decorated = USB_SERIAL_DECORATION.search(instance)
    return clean_serial(decorated.group(1) if decorated else instance)


def _classes(row: dict[str, Any]) -> list[str]:
    """USB class codes named by a PnP entity's compatible ids."""
    found = []
    for compatible in row.get("CompatibleID") or []:
        match = USB_CLASS.match(str(compatible))
        if match and match.group(1).lower() not in found:
            found.append(match.group(1).lower())
    return found


def usb_kind(device_class: str | None, interface_classes: list[str], *, name: str | None) -> str | None:
    """What a USB device is, from its class codes and, for docks, its name."""
    classes = set(interface_classes) | ({device_class} if device_class else set())
    if "dock" in (name or "").lower():
        return "dock"
    for code, kind in (("09", "hub"), ("0e", "webcam"), ("08", "storage"), ("07", "printer")):
        if code in classes:
            return kind
    if "01" in classes:
        return "headset" if "03" in classes else "audio"
    for code, kind in (("e0", "bluetooth"), ("02", "network"), ("0b", "smartcard"), ("03", "hid")):
        if code in classes:
            return kind
    return None


def parse_printers(printers: list[dict[str, Any]]) -> list[Printer]:
    """Win32_Printer queues."""
    return [
        Printer(
            name=str(row["Name"]),
            driver=clean_string(row.get("DriverName")),
            port=clean_string(row.get("PortName")),
            location=clean_string(row.get("Location")),
            description=clean_string(row.get("Comment")),
            is_default=as_bool(row.get("Default")),
            is_shared=as_bool(row.get("Shared")),
            is_network=as_bool(row.get("Network")),
        )
        for row in printers
        if row.get("Name")
    ]


def parse_batteries(snapshot: dict[str, Any]) -> list[Battery]:
    """Batteries from root\\wmi (capacities in mWh, joined by InstanceName), else from Win32_Battery."""
    full = {
        row.get("InstanceName"): row.get("FullChargedCapacity")
        for row in rows(snapshot, "BatteryFullChargedCapacity")
    }
    cycles = {row.get("InstanceName"): row.get("CycleCount") for row in rows(snapshot, "BatteryCycleCount")}
    batteries = []
    for row in rows(snapshot, "BatteryStaticData"):
        design = _wh(row.get("DesignedCapacity"))
        charged = _wh(full.get(row.get("InstanceName")))
        batteries.append(
            Battery(
                manufacturer=clean_string(row.get("ManufactureName")),
                model=clean_string(row.get("DeviceName")),
                serial=clean_serial(row.get("SerialNumber")),
                chemistry=_chemistry_code(row.get("Chemistry")),
                design_capacity_wh=design,
                full_charge_capacity_wh=charged,
                cycle_count=as_int(cycles.get(row.get("InstanceName"))),
                health_percent=round(charged / design * 100, 1) if design and charged else None,
            )
        )
    if batteries:
        return batteries
    return [
        Battery(model=clean_string(row.get("Name")), chemistry=CHEMISTRIES.get(row.get("Chemistry")))
        for row in rows(snapshot, "Battery")
    ]


def _wh(milliwatt_hours: Any) -> float | None:
    return (
        round(milliwatt_hours / 1000, 3) if isinstance(milliwatt_hours, int) and milliwatt_hours > 0 else None
    )


def _chemistry_code(value: Any) -> str | None:
    """BatteryStaticData.Chemistry packs up to four ASCII letters into a little-endian uint32."""
    if not isinstance(value, int) or value <= 0:
        return None
    code = value.to_bytes(4, "little").decode("ascii", "replace").strip("\x00 ").upper()
    return CHEMISTRY_CODES.get(code, clean_string(code))
