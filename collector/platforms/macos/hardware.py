"""Parse system, CPU, memory and GPU facts out of `system_profiler -json` output."""

from __future__ import annotations

import re
from typing import Any

from collector.junk import clean_serial, clean_string
from collector.report import Cpu, Gpu, MemoryModule, OperatingSystem, SystemSection

# JEDEC manufacturer ids as Intel Macs print them in SPMemoryDataType.
JEDEC_MAKERS = {
    "0x80CE": "Samsung",
    "0x80AD": "SK Hynix",
    "0x802C": "Micron",
    "0x0198": "Kingston",
    "0x859B": "Crucial",
}
GPU_VENDORS = {"amd": "AMD", "ati": "AMD", "intel": "Intel", "nvidia": "NVIDIA", "apple": "Apple"}
UNITS = {"KB": 2**10, "MB": 2**20, "GB": 2**30, "TB": 2**40}
OS_VERSION = re.compile(r"^(?P<name>.+?)\s+(?P<version>\d+(?:\.\d+)*)\s*\((?P<build>[^)]+)\)")
# Model identifier prefixes of virtual Macs: Apple's Virtualization framework, VMware Fusion, Parallels.
HYPERVISORS = (("VirtualMac", "apple"), ("VMware", "vmware"), ("Parallels", "parallels"))
CHASSIS = (
    ("MacBook", "Notebook"),
    ("iMac", "All in One"),
    ("Mac mini", "Mini PC"),
    ("Mac Studio", "Desktop"),
    ("Mac Pro", "Tower"),
)


def items(profile: dict[str, Any], data_type: str) -> list[dict[str, Any]]:
    """The records of one data type (an absent or malformed type is an empty list)."""
    value = profile.get(data_type)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def size_bytes(text: Any) -> int | None:
    """ "16 GB" → bytes (binary units, as About This Mac counts memory); None for "empty" or junk."""
    match = re.fullmatch(r"\s*([\d.]+)\s*([KMGT]B)\s*", str(text or ""))
    return int(float(match.group(1)) * UNITS[match.group(2)]) if match else None


def parse_system(profile: dict[str, Any], platform_info: dict[str, Any]) -> SystemSection:
    """The system section; serial and UUID come from ioreg, the source the identity section shares."""
    hardware = (items(profile, "SPHardwareDataType") or [{}])[0]
    model = clean_string(hardware.get("machine_model")) or platform_info.get("model")
    name = clean_string(hardware.get("machine_name"))
    virtual = next((kind for prefix, kind in HYPERVISORS if (model or "").startswith(prefix)), None)
    return SystemSection(
        os=parse_operating_system(profile),
        manufacturer=platform_info.get("manufacturer") or "Apple Inc.",
        product=model,
        family=name,
        sku=clean_string(hardware.get("model_number")),
        serial=platform_info.get("serial"),
        system_uuid=platform_info.get("uuid"),
        chassis_type=None
        if virtual
        else next((kind for prefix, kind in CHASSIS if (name or "").startswith(prefix)), None),
        bios_vendor="Apple Inc.",
        bios_version=clean_string(hardware.get("boot_rom_version")),
        virtualization=virtual or "physical",
    )


def parse_operating_system(profile: dict[str, Any]) -> OperatingSystem:
    """ "macOS 14.4.1 (23E224)" and "Darwin 23.4.0" split into their parts."""
    software = (items(profile, "SPSoftwareDataType") or [{}])[0]
    hardware = (items(profile, "SPHardwareDataType") or [{}])[0]
    match = OS_VERSION.match(str(software.get("os_version") or ""))
    kernel = str(software.get("kernel_version") or "").split()
    user = re.search(r"\(([^)]+)\)\s*$", str(software.get("user_name") or ""))
    return OperatingSystem(
        family="macos",
        name=match.group("name") if match else clean_string(software.get("os_version")),
        version=match.group("version") if match else None,
        build=match.group("build") if match else None,
        kernel_name=kernel[0] if kernel else None,
        kernel_version=kernel[1] if len(kernel) > 1 else None,
        architecture=("arm64" if hardware.get("chip_type") else "x86_64") if hardware else None,
        last_user=user.group(1) if user else None,
    )


def parse_sysctl(text: str) -> dict[str, str]:
    """`sysctl name…` output ("machdep.cpu.brand_string: Intel(R) Core(TM) i5-9600K CPU @ 3.70GHz") as a dict."""
    values = {}
    for line in text.splitlines():
        name, colon, value = line.partition(": ")
        if colon and name and " " not in name:
            values[name] = value.strip()
    return values


def parse_cpu(profile: dict[str, Any], sysctl: dict[str, str] | None = None) -> Cpu | None:
    """The CPU from sysctl (brand string, family/model/stepping, cores and threads), system_profiler filling in
    what it lacks: on Apple silicon the chip and "proc 12:8:4" (all:performance:efficiency cores), on Intel the
    marketing name ("6-Core Intel Core i5") and the speed, printed with the locale's decimal separator."""
    ctl = sysctl or {}
    hardware = (items(profile, "SPHardwareDataType") or [{}])[0]
    chip = clean_string(hardware.get("chip_type"))
    brand = clean_string(ctl.get("machdep.cpu.brand_string"))
    cores = hardware.get("number_processors")
    if chip or (brand or "").startswith("Apple"):
        counts = re.match(r"proc (\d+)", str(cores or ""))
        total = int(counts.group(1)) if counts else None
        return Cpu(
            socket=0,
            vendor="Apple",
            model=brand or chip,
            physical_cores=_int(ctl.get("hw.physicalcpu")) or total,
            logical_processors=_int(ctl.get("hw.logicalcpu")) or total,
        )
    model = brand or clean_string(hardware.get("cpu_type"))
    if model is None:
        return None
    speed = re.fullmatch(r"(\d+(?:[.,]\d+)?) GHz", str(hardware.get("current_processor_speed") or "").strip())
    return Cpu(
        socket=0,
        vendor="Intel"
        if "intel" in model.lower() or ctl.get("machdep.cpu.vendor") == "GenuineIntel"
        else None,
        model=model,
        family=_int(ctl.get("machdep.cpu.family")),
        model_number=_int(ctl.get("machdep.cpu.model")),
        stepping=_int(ctl.get("machdep.cpu.stepping")),
        physical_cores=_int(ctl.get("machdep.cpu.core_count")) or (cores if isinstance(cores, int) else None),
        logical_processors=_int(ctl.get("machdep.cpu.thread_count")),
        base_speed_hz=_int(ctl.get("hw.cpufrequency"))
        or (round(float(speed.group(1).replace(",", ".")) * 1_000_000_000) if speed else None),
    )


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.strip().isdigit() else None


def parse_memory(profile: dict[str, Any]) -> tuple[int | None, list[MemoryModule]]:
    """Total memory and the modules: one soldered package on Apple silicon, slots on Intel."""
    hardware = (items(profile, "SPHardwareDataType") or [{}])[0]
    total = size_bytes(hardware.get("physical_memory"))
    modules = []
    for record in items(profile, "SPMemoryDataType"):
        slots = [slot for slot in record.get("_items") or [] if isinstance(slot, dict)]
        if not slots and record.get("dimm_type"):  # Apple silicon: the unified memory as one record
            slots = [{**record, "_name": None, "dimm_size": record.get("SPMemoryDataType")}]
        for slot in slots:
            size = size_bytes(slot.get("dimm_size"))
            if size is None:
                continue  # an empty slot
            speed = re.match(r"(\d+) MHz", str(slot.get("dimm_speed") or ""))
            modules.append(
                MemoryModule(
                    slot=clean_string(slot.get("_name")),
                    size_bytes=size,
                    type=clean_string(slot.get("dimm_type")),
                    speed_mts=int(speed.group(1)) if speed else None,
                    manufacturer=_maker(slot.get("dimm_manufacturer")),
                    part_number=hex_text(slot.get("dimm_part_number")),
                    serial=clean_serial(slot.get("dimm_serial_number")),
                )
            )
    return total, modules


def _maker(value: Any) -> str | None:
    text = clean_string(value) if isinstance(value, str) else None
    return (jedec_maker(text) or text) if text else None


def jedec_maker(code: str) -> str | None:
    """Memory maker of a JEDEC id as SPD tools print it: "0x80CE" (macOS) or "80CE000080CE" (Windows)."""
    match = re.fullmatch(r"(?:0x)?([0-9A-Fa-f]{4})(?:[0-9A-Fa-f]{8})?", code.strip())
    return JEDEC_MAKERS.get(f"0x{match.group(1).upper()}") if match else None


def hex_text(value: Any) -> str | None:
    """system_profiler prints some SPD strings as hex ("0x4D3437…"): decode those, keep others."""
    text = clean_string(value) if isinstance(value, str) else None
    if text and re.fullmatch(r"0x(?:[0-9A-Fa-f]{2})+", text):
        decoded = bytes.fromhex(text[2:]).decode("ascii", "replace")
        return clean_string(decoded.replace("\ufffd", ""))
    return text


def parse_gpus(profile: dict[str, Any]) -> list[Gpu]:
    """Graphics processors; ids are present on PCIe GPUs (Intel Macs) only."""
    gpus = []
    for record in items(profile, "SPDisplaysDataType"):
        vendor = str(record.get("spdisplays_vendor") or "")
        vendor = re.sub(r"^sppci_vendor_", "", vendor)
        # OS X 10.7 printed the vendor as "ATI (0x1002)" (recorded in the fixture macbookpro8-2-osx10-7)
        named = re.fullmatch(r"(.+?)\s*\((0x[0-9a-fA-F]{4})\)", vendor)
        vendor = named.group(1) if named else vendor
        vendor = GPU_VENDORS.get(vendor.lower(), vendor)
        gpus.append(
            Gpu(
                vendor=clean_string(vendor),
                model=clean_string(record.get("sppci_model")) or clean_string(record.get("_name")),
                vendor_id=_pci_id(record.get("spdisplays_vendor-id") or (named.group(2) if named else None)),
                device_id=_pci_id(record.get("spdisplays_device-id")),
                memory_bytes=size_bytes(record.get("spdisplays_vram"))
                or size_bytes(record.get("spdisplays_vram_shared")),
            )
        )
    return gpus


def _pci_id(value: Any) -> str | None:
    match = re.fullmatch(r"0x([0-9a-fA-F]{4})", str(value or ""))
    return match.group(1).lower() if match else None
