"""CPU packages from /proc/cpuinfo and cpufreq; py-cpuinfo (cached by boot id) only for a missing model."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from collector.junk import clean_string
from collector.platforms.linux.files import list_dir, read_int, read_raw, read_text
from collector.report import Cpu

CPU_DIR = Path("/sys/devices/system/cpu")
BOOT_ID = Path("/proc/sys/kernel/random/boot_id")
# ARM "CPU implementer" codes (Arm ARM, MIDR_EL1), for cpuinfo without a vendor_id line.
ARM_IMPLEMENTERS = {
    0x41: "ARM", 0x42: "Broadcom", 0x43: "Cavium", 0x46: "Fujitsu", 0x48: "HiSilicon", 0x4E: "NVIDIA",
    0x50: "Ampere", 0x51: "Qualcomm", 0x53: "Samsung", 0x61: "Apple", 0x69: "Intel", 0xC0: "Ampere",
}  # fmt: skip


def parse_cpuinfo_blocks(text: str) -> list[dict[str, str]]:
    """One dict per processor block of /proc/cpuinfo; raises ValueError on a line without a colon."""
    blocks: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            if current:
                blocks.append(current)
            current = {}
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise ValueError(f"not a cpuinfo line: {line!r}")
        current[key.strip()] = value.strip()
    if current:
        blocks.append(current)
    return [block for block in blocks if "processor" in block]


def _int(value: str | None, base: int = 10) -> int | None:
    try:
        return int(value, base) if value is not None else None
    except ValueError:
        return None


def parse_cpuinfo(text: str) -> list[Cpu]:
    """One Cpu per physical package, with its cores and logical processors."""
    packages: dict[int, list[dict[str, str]]] = {}
    for block in parse_cpuinfo_blocks(text):
        packages.setdefault(_int(block.get("physical id")) or 0, []).append(block)
    cpus = []
    for socket, blocks in sorted(packages.items()):
        first = blocks[0]
        core_ids = {block["core id"] for block in blocks if "core id" in block}
        vendor = first.get("vendor_id") or ARM_IMPLEMENTERS.get(_int(first.get("CPU implementer"), 16) or -1)
        cpus.append(
            Cpu(
                socket=socket,
                vendor=clean_string(vendor),
                model=clean_string(first.get("model name") or first.get("Model") or first.get("cpu model")),
                family=_int(first.get("cpu family")),
                model_number=_int(first.get("model")),
                stepping=_int(first.get("stepping")),
                physical_cores=len(core_ids) if core_ids else len(blocks),
                logical_processors=len(blocks),
            )
        )
    return cpus


def parse_cpu_flags(text: str) -> set[str]:
    """The feature flags of the first processor (x86 "flags", ARM "Features")."""
    for block in parse_cpuinfo_blocks(text):
        return set((block.get("flags") or block.get("Features") or "").split())
    return set()


def read_frequencies(cpu_dir: Path = CPU_DIR) -> dict[int, tuple[int | None, int | None]]:
    """(base, max) frequency in Hz per package id, from cpufreq (kHz files)."""
    result: dict[int, tuple[int | None, int | None]] = {}
    for entry in list_dir(cpu_dir):
        if not (entry.name.startswith("cpu") and entry.name[3:].isdigit()):
            continue
        package = read_int(entry / "topology" / "physical_package_id") or 0
        if package in result:
            continue
        base_khz = read_int(entry / "cpufreq" / "base_frequency")
        max_khz = read_int(entry / "cpufreq" / "cpuinfo_max_freq")
        result[package] = (base_khz * 1000 if base_khz else None, max_khz * 1000 if max_khz else None)
    return result


def read_cpus(cpuinfo_facts: Callable[[str], dict[str, Any]]) -> list[Cpu]:
    """The CPUs of this machine; py-cpuinfo's cached facts fill a model the kernel does not name."""
    cpus = parse_cpuinfo(read_raw(Path("/proc/cpuinfo")) or "")
    frequencies = read_frequencies()
    for cpu in cpus:
        cpu.base_speed_hz, cpu.max_speed_hz = frequencies.get(cpu.socket or 0, (None, None))
    if any(cpu.model is None for cpu in cpus):
        facts = cpuinfo_facts(read_text(BOOT_ID) or "")
        for cpu in cpus:
            cpu.model = cpu.model or clean_string(facts.get("brand_raw"))
            cpu.vendor = cpu.vendor or clean_string(facts.get("vendor_id_raw"))
    return cpus
