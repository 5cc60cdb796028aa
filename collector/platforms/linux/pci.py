"""Display adapters from /sys/bus/pci/devices (class 0x03xxxx), named from pci.ids when installed."""

from __future__ import annotations

import os
from pathlib import Path

from collector.platforms.linux.files import list_dir, read_text
from collector.report import Gpu

PCI_DEVICES = Path("/sys/bus/pci/devices")
PCI_IDS = (Path("/usr/share/misc/pci.ids"), Path("/usr/share/hwdata/pci.ids"), Path("/usr/share/pci.ids"))
DISPLAY_CLASS = 0x03


def lookup_pci_names(
    lines: list[str], wanted: set[tuple[str, str]]
) -> dict[tuple[str, str], tuple[str, str]]:
    """(vendor name, device name) for each wanted (vendor_id, device_id) in pci.ids lines."""
    vendors = {vendor for vendor, _ in wanted}
    names: dict[tuple[str, str], tuple[str, str]] = {}
    vendor_id, vendor_name = None, ""
    for line in lines:
        if not line or line.startswith("#"):
            continue
        if line.startswith("C "):
            break  # the device class list follows the vendors
        if not line.startswith("\t"):
            vendor_id, _, vendor_name = line.partition("  ")
            vendor_id = vendor_id.lower() if vendor_id.lower() in vendors else None
            if vendor_id:
                for key in wanted:
                    if key[0] == vendor_id:
                        names.setdefault(key, (vendor_name.strip(), ""))
            continue
        if vendor_id and not line.startswith("\t\t"):
            device_id, _, device_name = line[1:].partition("  ")
            key = (vendor_id, device_id.lower())
            if key in wanted:
                names[key] = (vendor_name.strip(), device_name.strip())
    return names


def read_pci_ids_lines() -> list[str]:
    """The lines of the first pci.ids found, or none."""
    for path in PCI_IDS:
        try:
            return path.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            continue
    return []


def read_gpus(devices_dir: Path = PCI_DEVICES) -> list[Gpu]:
    """Every PCI display controller (VGA, 3D, other display)."""
    gpus = []
    for device in list_dir(devices_dir):
        pci_class = read_text(device / "class")
        if not pci_class or int(pci_class, 16) >> 16 != DISPLAY_CLASS:
            continue
        driver = (
            os.path.basename(os.path.realpath(device / "driver")) if (device / "driver").exists() else None
        )
        gpus.append(
            Gpu(
                vendor_id=(read_text(device / "vendor") or "").removeprefix("0x").lower() or None,
                device_id=(read_text(device / "device") or "").removeprefix("0x").lower() or None,
                bus_address=device.name,
                driver=driver,
            )
        )
    wanted = {(g.vendor_id, g.device_id) for g in gpus if g.vendor_id and g.device_id}
    names = lookup_pci_names(read_pci_ids_lines(), wanted) if wanted else {}
    for gpu in gpus:
        gpu.vendor, gpu.model = names.get((gpu.vendor_id or "", gpu.device_id or ""), (None, None))
        gpu.model = gpu.model or None
    return gpus
