"""An agent's inventory (the GLPI agent JSON format's `content`; FusionInventory XML read into the same shape) as
our report: pure, no I/O. Each agent quirk is handled here once, for both formats."""

from __future__ import annotations

import hashlib
import ipaddress
import marshal
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from collector.junk import clean_serial, clean_string, clean_uuid
from collector.report import (
    Antivirus,
    Battery,
    Cpu,
    Disk,
    Gateway,
    Gpu,
    HardwareSection,
    Identity,
    IpAddress,
    MemoryModule,
    Monitor,
    NetworkInterface,
    NetworkSection,
    OperatingSystem,
    Package,
    PeripheralsSection,
    Printer,
    Report,
    SecuritySection,
    SoftwareSection,
    Status,
    SystemSection,
    UsbDevice,
    Volume,
    VolumeEncryption,
    VolumeUsage,
)

MIB = 1024 * 1024
#: Our sections and the agent categories each is built from; a partial inventory changes a section only when it
#: carries all of them, or the section's categories are merged with the ones kept from the agent's last inventory.
SECTION_CATEGORIES = {
    "system": ("hardware", "bios", "operatingsystem"),
    "hardware": ("cpus", "memories", "storages", "drives", "videos"),
    "network": ("networks",),
    "peripherals": ("monitors", "usbdevices", "printers", "batteries"),
    "security": ("firewalls", "firewall", "antivirus"),
    "software": ("softwares",),
}
#: Every category the mapping reads: what is kept of an inventory to complete the next partial one.
CATEGORIES = tuple(key for keys in SECTION_CATEGORIES.values() for key in keys)
#: Part of the software section's hash: bump it when the mapping of packages changes what the same agent input
#: maps to, so that each agent's packages are built and applied again on its next inventory.
SOFTWARE_MAPPING_VERSION = "1"
#: vmsystem values that name a container rather than a hypervisor.
CONTAINERS = {
    "docker": "docker",
    "lxc": "lxc",
    "podman": "podman",
    "systemd-nspawn": "systemd-nspawn",
    "wsl": "wsl",
}
#: Package sources as our collector names them.
SOURCES = {"deb": "dpkg", "rpm": "rpm", "pacman": "pacman", "apk": "apk", "snap": "snap", "flatpak": "flatpak",
           "registry": "msi", "msi": "msi", "appx": "appx", "application": "app_bundle", "pkg": "pkg"}  # fmt: skip
#: What `last` prints when wtmp is empty, read by the agent as the last user ("wtmp begins …", seen on Debian 12).
JUNK_USERS = frozenset({"wtmp", "reboot", "shutdown", "(unknown)"})


# --- small readers: the XML gives strings, the JSON numbers and booleans --------------------------------------


def text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    return clean_string(str(value))


def number(value: Any) -> int | None:
    """An integer from 12, "12", "12.0", "1867 MHz"; None for negatives (the agent's -1 for unknown) and junk."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        found = float(value)
    else:
        match = re.match(r"^\s*(\d+(?:\.\d+)?)", str(value))
        if match is None:
            return None
        found = float(match.group(1))
    return int(found) if found >= 0 else None


def flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    word = (text(value) or "").lower()
    if word in ("1", "true", "yes", "on", "enabled"):
        return True
    if word in ("0", "false", "no", "off", "disabled"):
        return False
    return None


def mib(value: Any) -> int | None:
    """The agents' "MB" (memory, volumes, video memory) is MiB."""
    found = number(value)
    return found * MIB if found else None


def records(content: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = content.get(key)
    if isinstance(value, dict):
        return [value]
    return [r for r in value or [] if isinstance(r, dict)]


def one(content: dict[str, Any], key: str) -> dict[str, Any]:
    found = records(content, key)
    return found[0] if found else {}


def offset_of(content: dict[str, Any]) -> timedelta:
    """The agent's local time offset ("+0200"), for the times it writes in local time."""
    zone = one(one(content, "operatingsystem"), "timezone")
    match = re.match(r"^([+-])(\d{2}):?(\d{2})$", text(zone.get("offset")) or "")
    if match is None:
        return timedelta(0)
    delta = timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))
    return -delta if match.group(1) == "-" else delta


def iso_time(value: Any, offset: timedelta = timedelta(0)) -> str | None:
    """ "2026-12-03 21:18:34" or "2026/12/03 21:18:34" (local time) → "2026-12-03T19:18:34Z"; None when not a
    time."""
    raw = text(value)
    if raw is None:
        return None
    if raw[4:5] == raw[7:8] == "/":  # the OCS agent's "2025/04/20 00:00:00"
        raw = raw[:10].replace("/", "-") + raw[10:]
    try:
        if raw[4:5] != "-" or raw[10:11] not in (" ", "T") or len(raw) < 19:
            raise ValueError(raw)  # a date alone, or another order
        moment = datetime.fromisoformat(raw[:19])  # C, where strptime costs ~10 µs a package
    except ValueError:
        day = iso_date(raw)
        return f"{day}T00:00:00Z" if day else None
    return (moment - offset).replace(tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_date(value: Any) -> str | None:
    """The agents' dates: "2016-02-06", "02/06/2016" (BIOS: month first), "06/02/2016" (dpkg: day first, told
    apart only when the day is past 12) and "20160206" (Windows registry) → "2016-02-06"."""
    raw = text(value)
    if raw is None:
        return None
    for pattern, order in (
        (r"^(\d{4})-(\d{2})-(\d{2})", "ymd"),
        (r"^(\d{4})(\d{2})(\d{2})$", "ymd"),
        (r"^(\d{1,2})/(\d{1,2})/(\d{4})", "mdy"),
    ):
        match = re.match(pattern, raw)
        if match is None:
            continue
        parts = dict(zip(order, map(int, match.groups()), strict=True))
        if order == "mdy" and parts["m"] > 12:
            parts["m"], parts["d"] = parts["d"], parts["m"]
        try:
            return datetime(parts["y"], parts["m"], parts["d"]).strftime("%Y-%m-%d")
        except ValueError:
            return None
    return None


# --- identity and system ------------------------------------------------------------------------------------


def os_family(kernel: str | None, name: str | None) -> str | None:
    word = f"{kernel or ''} {name or ''}".lower()
    if "windows" in word or "mswin" in word:
        return "windows"
    if "darwin" in word or "macos" in word or "mac os" in word:
        return "macos"
    if "linux" in word:
        return "linux"
    return None


def physical_macs(content: dict[str, Any]) -> list[str]:
    """The MACs of the interfaces the agent calls physical (our matching drops locally administered ones)."""
    macs = set()
    for net in records(content, "networks"):
        mac = text(net.get("macaddr") or net.get("mac"))
        if mac and not flag(net.get("virtualdev")) and (text(net.get("type")) or "") != "loopback":
            macs.add(mac.lower())
    return sorted(macs)


def build_identity(content: dict[str, Any]) -> Identity:
    hardware, bios, system = one(content, "hardware"), one(content, "bios"), one(content, "operatingsystem")
    hostname = text(hardware.get("name")) or text(system.get("fqdn"))
    return Identity(
        hostname=hostname.split(".")[0] if hostname else None,
        fqdn=text(system.get("fqdn")),
        system_uuid=clean_uuid(text(hardware.get("uuid"))),
        serial=clean_serial(text(bios.get("ssn"))),
        manufacturer=text(bios.get("smanufacturer")) or text(bios.get("mmanufacturer")),
        product=text(bios.get("smodel")),
        physical_macs=physical_macs(content),
    )


def build_system(content: dict[str, Any]) -> SystemSection:
    hardware, bios, system = one(content, "hardware"), one(content, "bios"), one(content, "operatingsystem")
    offset = offset_of(content)
    vm = (text(hardware.get("vmsystem")) or "").lower()
    user = text(hardware.get("lastloggeduser"))
    domain = None
    if user and "\\" in user:
        domain, user = user.split("\\", 1)
    kernel = text(system.get("kernel_name"))
    return SystemSection(
        os=OperatingSystem(
            family=os_family(kernel, text(system.get("name"))),
            name=text(system.get("name")) or text(hardware.get("osname")),
            version=text(system.get("version")),
            build=text(system.get("service_pack")),
            kernel_name=kernel,
            kernel_version=text(system.get("kernel_version")) or text(hardware.get("osversion")),
            architecture=text(system.get("arch")),
            install_date=iso_time(system.get("install_date"), offset),
            boot_time=iso_time(system.get("boot_time"), offset),
            timezone=text(one(system, "timezone").get("name")),
            last_user=None if (user or "").lower() in JUNK_USERS else user,
            last_user_domain=domain,
        ),
        manufacturer=text(bios.get("smanufacturer")),
        product=text(bios.get("smodel")),
        sku=text(bios.get("skunumber")),
        serial=clean_serial(text(bios.get("ssn"))),
        system_uuid=clean_uuid(text(hardware.get("uuid"))),
        chassis_type=text(hardware.get("chassis_type")) or text(bios.get("type")),
        board_manufacturer=text(bios.get("mmanufacturer")),
        board_product=text(bios.get("mmodel")),
        board_serial=clean_serial(text(bios.get("msn"))),
        bios_vendor=text(bios.get("bmanufacturer")),
        bios_version=text(bios.get("bversion")),
        bios_date=iso_date(bios.get("bdate")),
        virtualization=None if vm in CONTAINERS or not vm else vm,
        container=CONTAINERS.get(vm),
    )


# --- hardware ---------------------------------------------------------------------------------------------


def build_hardware(content: dict[str, Any]) -> HardwareSection:
    cpus = [
        Cpu(
            socket=index,
            vendor=text(cpu.get("manufacturer")),
            model=text(cpu.get("name")),
            family=number(cpu.get("familynumber")),
            model_number=number(cpu.get("model")),
            stepping=number(cpu.get("stepping")),
            physical_cores=number(cpu.get("core")),
            logical_processors=number(cpu.get("thread")),
            base_speed_hz=(number(cpu.get("speed")) or 0) * 1_000_000 or None,
        )
        for index, cpu in enumerate(records(content, "cpus"))
    ]
    modules = [
        MemoryModule(
            slot=text(m.get("caption")) or text(m.get("numslots")),
            size_bytes=mib(m.get("capacity")),
            type=text(m.get("type")),
            form_factor=text(m.get("description")),
            speed_mts=number(m.get("speed")),
            manufacturer=text(m.get("manufacturer")),
            part_number=text(m.get("model")),
            serial=clean_serial(text(m.get("serialnumber"))),
        )
        for m in records(content, "memories")
        if number(m.get("capacity"))  # empty slots come as capacity 0 or "No Module Installed"
    ]
    disks = [
        Disk(
            name=text(s.get("name")) or text(s.get("model")) or f"disk{index}",
            model=text(s.get("model")),
            vendor=text(s.get("manufacturer")),
            serial=clean_serial(text(s.get("serialnumber") or s.get("serial"))),
            firmware=text(s.get("firmware")),
            # DISKSIZE is decimal megabytes (the kernel's sectors × 512 / 10^6), unlike every other "MB".
            size_bytes=(number(s.get("disksize")) or 0) * 1_000_000 or None,
            bus=(text(s.get("interface")) or "").lower() or None,
        )
        for index, s in enumerate(records(content, "storages"))
        if (text(s.get("type")) or "disk").lower() not in ("cdrom", "dvd")
    ]
    volumes = [
        Volume(
            mount_point=mount,
            device=text(d.get("volumn")),
            filesystem=text(d.get("filesystem")),
            size_bytes=mib(d.get("total")),
            encrypted=flag(d.get("encrypt_status")),
            encryption=text(d.get("encrypt_name")),
        )
        for d in records(content, "drives")
        if (mount := volume_name(d))
    ]
    gpus = [
        Gpu(model=text(v.get("name")) or text(v.get("chipset")), memory_bytes=mib(v.get("memory")))
        for v in records(content, "videos")
    ]
    return HardwareSection(
        cpus=cpus,
        memory_total_bytes=mib(one(content, "hardware").get("memory")),
        memory_modules=modules,
        disks=disks,
        volumes=volumes,
        gpus=gpus,
    )


def volume_name(drive: dict[str, Any]) -> str | None:
    """The mount point (Unix agents write it in TYPE) or the drive letter (Windows)."""
    letter = text(drive.get("letter"))
    if letter:
        return letter
    mount = text(drive.get("type"))
    return mount if mount and (mount.startswith("/") or re.match(r"^[A-Z]:", mount)) else None


# --- network ----------------------------------------------------------------------------------------------


def prefix_length(address: str, mask: str | None) -> int | None:
    """The prefix of a dotted or colon-hex mask; None when it is not contiguous (the agent writes fff0:: for ::1)."""
    if not mask:
        return None
    try:
        value, width = int(ipaddress.ip_address(mask)), ipaddress.ip_address(address).max_prefixlen
    except ValueError:
        return None
    bits = format(value, f"0{width}b")
    return bits.count("1") if "01" not in bits else None


def build_network(content: dict[str, Any]) -> NetworkSection:
    """Interfaces from the agent's records: one record per address, merged back into one interface each."""
    interfaces: dict[str, NetworkInterface] = {}
    for net in records(content, "networks"):
        name = text(net.get("description")) or text(net.get("name"))
        if name is None:
            continue
        iface = interfaces.get(name)
        if iface is None:
            mac = text(net.get("macaddr") or net.get("mac"))
            kind = (text(net.get("type")) or "").lower()
            speed = number(net.get("speed"))
            iface = interfaces[name] = NetworkInterface(
                name=name,
                mac=mac.lower() if mac and mac != "00:00:00:00:00:00" else None,
                kind={"wifi": "wireless", "ethernet": "ethernet", "loopback": "loopback"}.get(
                    kind, kind or None
                ),
                is_physical=None if net.get("virtualdev") in (None, "") else not flag(net.get("virtualdev")),
                state=(text(net.get("status")) or "").lower() or None,
                link_speed_mbps=speed or None,
                mtu=number(net.get("mtu")),
                driver=text(net.get("driver")),
            )
        for key, mask, family in (("ipaddress", "ipmask", "ipv4"), ("ipaddress6", "ipmask6", "ipv6")):
            address = text(net.get(key))
            if address and all(a.address != address for a in iface.addresses):
                length = prefix_length(address, text(net.get(mask)))
                iface.addresses.append(IpAddress(address=address, prefix_length=length, family=family))
    hardware = one(content, "hardware")
    gateway = text(hardware.get("defaultgateway"))
    dns = [d.strip() for d in re.split(r"[/,\s]+", text(hardware.get("dns")) or "") if d.strip()]
    return NetworkSection(
        interfaces=list(interfaces.values()),
        gateways=[Gateway(address=gateway, family="ipv6" if ":" in gateway else "ipv4")] if gateway else [],
        dns_servers=dns,
    )


# --- peripherals, security, software ----------------------------------------------------------------------


def build_peripherals(content: dict[str, Any]) -> PeripheralsSection:
    return PeripheralsSection(
        monitors=[
            Monitor(
                manufacturer_name=text(m.get("manufacturer")),
                model=text(m.get("caption")) or text(m.get("name")),
                serial=clean_serial(text(m.get("serial"))),
            )
            for m in records(content, "monitors")
        ],
        usb_devices=[
            UsbDevice(
                vendor_id=(text(u.get("vendorid")) or "0000").lower(),
                product_id=(text(u.get("productid")) or "0000").lower(),
                manufacturer=text(u.get("manufacturer")),
                product=text(u.get("name")) or text(u.get("caption")),
                serial=clean_serial(text(u.get("serial"))),
            )
            for u in records(content, "usbdevices")
        ],
        printers=[
            Printer(
                name=name,
                driver=text(p.get("driver")),
                port=text(p.get("port")),
                description=text(p.get("description")),
                is_default=flag(p.get("default")),
                is_shared=flag(p.get("shared")),
                is_network=flag(p.get("network")),
            )
            for p in records(content, "printers")
            if (name := text(p.get("name")))
        ],
        batteries=[
            Battery(
                name=text(b.get("name")),
                manufacturer=text(b.get("manufacturer")),
                serial=clean_serial(text(b.get("serial"))),
                chemistry=text(b.get("chemistry")),
            )
            for b in records(content, "batteries")
        ],
    )


def build_security(content: dict[str, Any]) -> SecuritySection:
    firewalls = records(content, "firewalls") or records(content, "firewall")
    states = [flag(f.get("status")) for f in firewalls]
    return SecuritySection(
        disk_encryption=[
            VolumeEncryption(
                volume=name, encrypted=flag(d.get("encrypt_status")), method=text(d.get("encrypt_name"))
            )
            for d in records(content, "drives")
            if (name := volume_name(d)) and d.get("encrypt_status") not in (None, "")
        ],
        firewall_enabled=any(states) if any(s is not None for s in states) else None,
        firewall_product=next(
            (text(f.get("description")) for f in firewalls if text(f.get("description"))), None
        ),
        antivirus=[
            Antivirus(name=name, enabled=flag(a.get("enabled")), up_to_date=flag(a.get("uptodate")))
            for a in records(content, "antivirus")
            if (name := text(a.get("name")))
        ],
    )


def package_name(name: str, arch: str | None) -> tuple[str, str | None]:
    """dpkg's "libc6:amd64" (a multi-arch package as some agents write it) → ("libc6", "amd64")."""
    base, colon, suffix = name.rpartition(":")
    if colon and base and re.match(r"^(amd64|i386|arm64|armhf|armel|ppc64el|s390x|all|x86_64)$", suffix):
        return base, arch or suffix
    return name, arch


def build_software(content: dict[str, Any]) -> SoftwareSection:
    offset = offset_of(content)
    packages = []
    for soft in records(content, "softwares"):
        raw = text(soft.get("name"))
        if raw is None:
            continue
        name, arch = package_name(raw, text(soft.get("arch")))
        source = (text(soft.get("from")) or "").lower()
        installed = soft.get("install_date") or soft.get("installdate")
        packages.append(
            Package(
                name=name,
                version=text(soft.get("version")),
                publisher=text(soft.get("publisher")),
                architecture=arch,
                install_date=iso_time(installed, offset),
                source=SOURCES.get(source, source or None),
                scope="user" if text(soft.get("userid")) or text(soft.get("username")) else "system",
                is_system_component=flag(soft.get("system_component")) or False,
                is_update=flag(soft.get("is_update")) or False,
            )
        )
    return SoftwareSection(packages=packages)


BUILDERS = {
    "system": build_system,
    "hardware": build_hardware,
    "network": build_network,
    "peripherals": build_peripherals,
    "security": build_security,
    "software": build_software,
}


def build_status(content: dict[str, Any]) -> Status:
    user = text(one(content, "hardware").get("lastloggeduser"))
    return Status(
        logged_in_user=None if (user or "").lower() in JUNK_USERS else user,
        volumes=[
            VolumeUsage(mount_point=name, size_bytes=mib(d.get("total")), free_bytes=mib(d.get("free")))
            for d in records(content, "drives")
            if (name := volume_name(d))
        ],
        ip_addresses=sorted(
            {
                a
                for n in records(content, "networks")
                for a in (text(n.get("ipaddress")), text(n.get("ipaddress6")))
                if a and not a.startswith("127.") and a != "::1"
            }
        ),
    )


def from_ocs(content: dict[str, Any]) -> dict[str, Any]:
    """An OCS Inventory agent's CONTENT in the FusionInventory shape it descends from: the operating system from
    HARDWARE (OCS has no OPERATINGSYSTEM section) and the packages' ARCHITECTURE as ARCH."""
    if records(content, "operatingsystem"):
        return content
    hardware, cpu = one(content, "hardware"), one(content, "cpus")
    name = text(hardware.get("osname"))
    system = {
        "name": name, "full_name": text(hardware.get("oscomments")), "version": text(hardware.get("osversion")),
        "kernel_name": os_family(None, name), "arch": text(cpu.get("cpuarch")),
    }  # fmt: skip
    softwares = [
        {**soft, "arch": soft.get("arch") or soft.get("architecture")}
        for soft in records(content, "softwares")
    ]
    return {**content, "operatingsystem": system, "softwares": softwares}


def category_digests(content: dict[str, Any]) -> dict[str, str]:
    """SHA-256 of each category the mapping reads (absent: None), over marshal's bytes of its parsed value: half
    the CPU of JSON's with sorted keys for ~900 packages. Marshal's bytes read back to the value, so equal bytes
    are equal values; version 2 writes no back-references (3 does, for an object held twice), so equal values
    built alike give equal bytes. Other bytes for the same values (another key order) only rebuild a section."""
    return {key: hashlib.sha256(marshal.dumps(content.get(key), 2)).hexdigest() for key in CATEGORIES}


def software_digest(content: dict[str, Any], softwares: str) -> str:
    """The software section's hash: a digest of what it is built from (the agent's packages, digest `softwares`,
    and the offset of its install times) and of the mapping's version, not of the section built. The same input
    maps to the same packages, so an unchanged list is known before it is built: mapping ~900 packages and hashing
    the result cost more than the rest of an unchanged inventory. The other sections, small, are hashed built: a
    drive's free space, say, changes their input but not them."""
    parts = (f"agent software {SOFTWARE_MAPPING_VERSION}", softwares, str(offset_of(content)))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def carried_sections(content: dict[str, Any]) -> list[str]:
    """Our sections an agent inventory has something for."""
    return [name for name, keys in SECTION_CATEGORIES.items() if any(k in content for k in keys)]


def to_report(
    content: dict[str, Any], *, report_id: str, collected_at: str, agent_version: str, sections: list[str]
) -> Report:
    """The agent's inventory as our report, with `sections` built and the others left out (unchanged)."""
    report = Report(
        report_id=report_id,
        collected_at=collected_at,
        collector_version=agent_version[:50],
        identity=build_identity(content),
        status=build_status(content),
    )
    for name in sections:
        setattr(report, name, BUILDERS[name](content))
    return report
