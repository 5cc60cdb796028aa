"""Virtualization (physical, or which hypervisor) and container detection from kernel-provided facts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from collector.platforms.linux.files import read_raw, read_text

# (substring of DMI sys_vendor / product_name / bios_vendor, hypervisor); checked in order.
DMI_HYPERVISORS = (
    ("vmware", "vmware"),
    ("virtualbox", "virtualbox"),
    ("innotek", "virtualbox"),
    ("xen", "xen"),
    ("microsoft corporation virtual machine", "hyperv"),
    ("parallels", "parallels"),
    ("bochs", "bochs"),
    ("kvm", "kvm"),
    ("amazon ec2", "kvm"),
    ("google compute engine", "kvm"),
    ("openstack", "kvm"),
    ("qemu", "qemu"),
)
# Clock sources that only a paravirtualized guest kernel offers.
CLOCKSOURCE_HYPERVISORS = {"kvm-clock": "kvm", "hyperv_clocksource_tsc_page": "hyperv", "xen": "xen"}
CLOCKSOURCE_DIR = Path("/sys/devices/system/clocksource/clocksource0")
CGROUP_CONTAINERS = (("kubepods", "kubernetes"), ("docker", "docker"), ("libpod", "podman"), ("lxc", "lxc"))


@dataclass(slots=True, kw_only=True)
class VirtFacts:
    """The raw facts virtualization is decided from."""

    cpu_hypervisor_flag: bool = False
    dmi_text: str = ""  # sys_vendor, product_name and bios_vendor joined, lowercase
    clocksources: str = ""
    xen_type: str | None = None  # /sys/hypervisor/type
    run_container: str | None = None  # /run/systemd/container
    podman_env: bool = False  # /run/.containerenv
    cgroup_pid1: str = ""
    dockerenv: bool = False
    kernel_release: str = ""
    root_fs_type: str | None = None


def detect_hypervisor(facts: VirtFacts) -> str:
    """ "physical", or the hypervisor's name ("other" when the CPU says virtual but not which)."""
    if facts.xen_type == "xen":
        return "xen"
    clocks = facts.clocksources.split()
    for needle, name in DMI_HYPERVISORS:
        if needle in facts.dmi_text:
            return "kvm" if name == "qemu" and "kvm-clock" in clocks else name
    for clocksource in clocks:
        if clocksource in CLOCKSOURCE_HYPERVISORS:
            return CLOCKSOURCE_HYPERVISORS[clocksource]
    if "microsoft" in facts.kernel_release.lower():
        return "hyperv"  # WSL 2 runs in a Hyper-V utility VM
    return "other" if facts.cpu_hypervisor_flag else "physical"


def detect_container(facts: VirtFacts) -> str | None:
    """The container technology PID 1 runs in, or None; /.dockerenv only confirms an overlay root."""
    if facts.run_container:
        return facts.run_container
    if facts.podman_env:
        return "podman"
    if "microsoft" in facts.kernel_release.lower():
        return "wsl"
    for needle, name in CGROUP_CONTAINERS:
        if needle in facts.cgroup_pid1:
            return name
    if facts.dockerenv and facts.root_fs_type == "overlay":
        return "docker"
    return None


def root_fs_type(mounts: str) -> str | None:
    """The file system type mounted at / (the last mount there wins)."""
    found = None
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] == "/":
            found = parts[2]
    return found


def read_virt_facts(cpu_flags: set[str], dmi: dict[str, str]) -> VirtFacts:
    """Gather the facts from /proc and /sys of this machine."""
    dmi_text = " ".join(dmi.get(key, "") for key in ("sys_vendor", "product_name", "bios_vendor"))
    return VirtFacts(
        cpu_hypervisor_flag="hypervisor" in cpu_flags,
        dmi_text=dmi_text.lower(),
        clocksources=read_text(CLOCKSOURCE_DIR / "available_clocksource") or "",
        xen_type=read_text(Path("/sys/hypervisor/type")),
        run_container=read_text(Path("/run/systemd/container")) or None,
        podman_env=Path("/run/.containerenv").exists(),
        cgroup_pid1=read_raw(Path("/proc/1/cgroup")) or "",
        dockerenv=Path("/.dockerenv").exists(),
        kernel_release=read_text(Path("/proc/sys/kernel/osrelease")) or "",
        root_fs_type=root_fs_type(read_raw(Path("/proc/self/mounts")) or ""),
    )
