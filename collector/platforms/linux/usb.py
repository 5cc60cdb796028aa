"""USB devices from /sys/bus/usb/devices, with a kind guessed from device and interface classes."""

from __future__ import annotations

from pathlib import Path

from collector.junk import clean_serial, clean_string
from collector.platforms.linux.files import list_dir, read_text
from collector.report import UsbDevice

USB_DEVICES = Path("/sys/bus/usb/devices")
LINUX_FOUNDATION = "1d6b"  # the kernel's virtual root hubs
DOCK_VENDORS = {"17e9"}  # DisplayLink, the chip in most USB docking stations
# USB-IF base class codes, checked in this order on a device's interfaces.
INTERFACE_KINDS = (
    ("0e", "webcam"),
    ("07", "printer"),
    ("08", "storage"),
    ("0b", "smartcard"),
    ("e0", "bluetooth"),
    ("02", "network"),
    ("01", "audio"),
    ("03", "hid"),
    ("09", "hub"),
)


def usb_kind(
    *, device_class: str | None, interface_classes: list[str], vendor_id: str, names: str
) -> str | None:
    """dock, webcam, headset, hub, storage, hid … from classes and names; None when nothing fits."""
    text = names.lower()
    if "dock" in text or vendor_id in DOCK_VENDORS:
        return "dock"
    if "01" in interface_classes and ("03" in interface_classes or "headset" in text):
        return "headset"  # audio streaming plus HID buttons (volume, mute, answer)
    if device_class == "09":
        return "hub"
    for code, kind in INTERFACE_KINDS:
        if code in interface_classes:
            return kind
    return "other" if interface_classes else None


def parse_usb_device(values: dict[str, str | None], interface_classes: list[str]) -> UsbDevice:
    """A device from its sysfs attribute values (idVendor, idProduct, manufacturer, product, serial …)."""
    vendor_id = (values.get("idVendor") or "").lower()
    product_id = (values.get("idProduct") or "").lower()
    if len(vendor_id) != 4 or len(product_id) != 4:
        raise ValueError(f"bad USB ids {vendor_id!r}:{product_id!r}")
    manufacturer = clean_string(values.get("manufacturer"))
    product = clean_string(values.get("product"))
    device_class = (values.get("bDeviceClass") or "").lower() or None
    classes = sorted(set(interface_classes))
    return UsbDevice(
        vendor_id=vendor_id,
        product_id=product_id,
        manufacturer=manufacturer,
        product=product,
        serial=clean_serial(values.get("serial")),
        device_class=device_class,
        interface_classes=classes,
        kind=usb_kind(
            device_class=device_class,
            interface_classes=classes,
            vendor_id=vendor_id,
            names=f"{manufacturer or ''} {product or ''}",
        ),
    )


def read_usb_devices(devices_dir: Path = USB_DEVICES) -> list[UsbDevice]:
    """Every USB device but the root hubs."""
    entries = list_dir(devices_dir)
    interfaces: dict[str, list[str]] = {}
    for entry in entries:
        if ":" in entry.name:
            code = read_text(entry / "bInterfaceClass")
            if code:
                interfaces.setdefault(entry.name.split(":", 1)[0], []).append(code.lower())
    devices = []
    for entry in entries:
        if ":" in entry.name or not (entry / "idVendor").exists():
            continue
        names = ("idVendor", "idProduct", "manufacturer", "product", "serial", "bDeviceClass")
        values = {name: read_text(entry / name) for name in names}
        if (values["idVendor"] or "").lower() == LINUX_FOUNDATION:
            continue
        devices.append(parse_usb_device(values, interfaces.get(entry.name, [])))
    return devices
