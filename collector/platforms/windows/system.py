"""Parse the system and identity facts out of the CIM snapshot and the registry dump."""

from __future__ import annotations

from typing import Any

from collector.junk import clean_serial, clean_string, clean_uuid
from collector.platforms.windows.powershell import rows
from collector.report import Identity, OperatingSystem, SystemSection

# SMBIOS system enclosure types (DSP0134 7.4.1), as Win32_SystemEnclosure.ChassisTypes reports them.
CHASSIS_TYPES = {
    3: "Desktop",
    4: "Low Profile Desktop",
    5: "Pizza Box",
    6: "Mini Tower",
    7: "Tower",
    8: "Portable",
    9: "Laptop",
    10: "Notebook",
    11: "Hand Held",
    12: "Docking Station",
    13: "All in One",
    14: "Sub Notebook",
    15: "Space-saving",
    16: "Lunch Box",
    17: "Main Server Chassis",
    23: "Rack Mount Chassis",
    24: "Sealed-case PC",
    28: "Blade",
    30: "Tablet",
    31: "Convertible",
    32: "Detachable",
    34: "Embedded PC",
    35: "Mini PC",
    36: "Stick PC",
}

# Win32_Processor.Architecture
ARCHITECTURES = {0: "x86", 5: "arm", 9: "x86_64", 12: "arm64"}

# (substring of "manufacturer model", lowercase) → hypervisor, first match wins. HypervisorPresent is
# not used: it is also true on physical machines running Hyper-V or virtualization-based security.
# Sources: the SMBIOS type 1 strings each hypervisor's firmware sets (QEMU's SeaBIOS/OVMF "QEMU" and
# "Standard PC (Q35 + ICH9, 2009)", Bochs/older Proxmox "BOCHS_" / "BXPC____", Xen HVM "Xen" / "HVM domU",
# Parallels "Parallels Software International", VirtualBox "innotek GmbH" / "VirtualBox", Hyper-V
# "Microsoft Corporation" / "Virtual Machine", VMware "VMware, Inc.", and the clouds' own makers).
HYPERVISORS = (
    ("microsoft corporation virtual machine", "hyperv"),
    ("vmware", "vmware"),
    ("virtualbox", "virtualbox"),
    ("innotek", "virtualbox"),
    ("proxmox", "qemu"),
    ("qemu", "qemu"),
    ("bochs", "qemu"),
    ("bxpc", "qemu"),
    ("standard pc (q35", "qemu"),
    ("standard pc (i440fx", "qemu"),
    ("kvm", "kvm"),
    ("nutanix", "kvm"),  # AHV is KVM underneath; its SMBIOS says "Nutanix" / "AHV"
    ("xen", "xen"),
    ("hvm domu", "xen"),
    ("amazon ec2", "kvm"),
    ("google compute engine", "kvm"),
    ("openstack", "kvm"),
    ("digitalocean", "kvm"),
    ("hetzner", "kvm"),
    ("alibaba cloud", "kvm"),
    ("parallels", "parallels"),
)


def first(snapshot: dict[str, Any], key: str) -> dict[str, Any]:
    """The first object a query returned, or an empty dict."""
    found = rows(snapshot, key)
    return found[0] if found else {}


def parse_system(snapshot: dict[str, Any], registry: dict[str, Any]) -> SystemSection:
    """The system section from Win32_ComputerSystem(Product), BIOS, enclosure, board and OS."""
    computer = first(snapshot, "ComputerSystem")
    product = first(snapshot, "ComputerSystemProduct")
    bios = first(snapshot, "BIOS")
    board = first(snapshot, "BaseBoard")
    return SystemSection(
        os=parse_operating_system(snapshot, registry),
        manufacturer=clean_string(computer.get("Manufacturer")),
        product=clean_string(computer.get("Model")),
        product_version=clean_string(product.get("Version")),
        family=clean_string(computer.get("SystemFamily")),
        sku=clean_string(computer.get("SystemSKUNumber")),
        serial=system_serial(snapshot),
        system_uuid=clean_uuid(product.get("UUID")),
        chassis_type=chassis_type(first(snapshot, "SystemEnclosure").get("ChassisTypes")),
        board_manufacturer=clean_string(board.get("Manufacturer")),
        board_product=clean_string(board.get("Product")),
        board_serial=clean_serial(board.get("SerialNumber")),
        bios_vendor=clean_string(bios.get("Manufacturer")),
        # VM firmware often leaves SMBIOSBIOSVersion empty; Version is the ACPI OEM revision ("BOCHS  - 1").
        bios_version=clean_string(bios.get("SMBIOSBIOSVersion")) or clean_string(bios.get("Version")),
        bios_date=clean_string(bios.get("ReleaseDate")),
        virtualization=virtualization(computer.get("Manufacturer"), computer.get("Model"))
        if computer
        else None,
        container=None,
    )


def parse_operating_system(snapshot: dict[str, Any], registry: dict[str, Any]) -> OperatingSystem:
    """Windows edition, feature release, build with update revision, install and boot times."""
    system = first(snapshot, "OperatingSystem")
    current = registry.get("current_version") or {}
    build = current.get("CurrentBuild") or system.get("BuildNumber")
    if build is not None and isinstance(current.get("UBR"), int):
        build = f"{build}.{current['UBR']}"
    cpu = first(snapshot, "Processor")
    account, domain = split_account(registry.get("last_logged_on_user"))
    architecture = ARCHITECTURES.get(cpu.get("Architecture")) if cpu else None
    if architecture and "32" in str(system.get("OSArchitecture") or ""):
        architecture = "x86"  # a 32-bit Windows on a 64-bit CPU
    return OperatingSystem(
        family="windows",
        name=clean_string(system.get("Caption")) or clean_string(current.get("ProductName")),
        version=clean_string(current.get("DisplayVersion")) or clean_string(current.get("ReleaseId")),
        build=str(build) if build is not None else None,
        kernel_name="Windows NT",
        kernel_version=clean_string(system.get("Version")),
        architecture=architecture,
        install_date=clean_string(system.get("InstallDate")),
        boot_time=clean_string(system.get("LastBootUpTime")),
        timezone=clean_string(first(snapshot, "TimeZone").get("Id")),
        last_user=account,
        last_user_domain=domain,
    )


def split_account(value: Any) -> tuple[str | None, str | None]:
    """(account, domain) of a Windows sign-in name: "CORP\\jdoe", "AzureAD\\MariaLopez", "maria@example.com";
    ".\\maria" is a local account (no domain)."""
    text = clean_string(value)
    if text is None:
        return None, None
    domain, backslash, account = text.rpartition("\\")
    if not backslash:
        account, at, domain = text.partition("@")
        if not at:
            return text, None
    account, domain = account.strip(), domain.strip()
    return account or None, None if domain in ("", ".") else domain


def parse_identity(snapshot: dict[str, Any], registry: dict[str, Any], *, macs: list[str]) -> Identity:
    """Identity: host names, MachineGuid, SMBIOS UUID and serial, and the physical NICs' MACs."""
    computer = first(snapshot, "ComputerSystem")
    hostname = clean_string(computer.get("DNSHostName")) or clean_string(computer.get("Name"))
    domain = clean_string(computer.get("Domain"))
    fqdn = f"{hostname}.{domain}" if hostname and domain and computer.get("PartOfDomain") else None
    guid = registry.get("machine_guid")
    return Identity(
        hostname=hostname,
        fqdn=fqdn,
        machine_id=clean_uuid(guid) if isinstance(guid, str) else None,
        system_uuid=clean_uuid(first(snapshot, "ComputerSystemProduct").get("UUID")),
        serial=system_serial(snapshot),
        manufacturer=clean_string(computer.get("Manufacturer")),
        product=clean_string(computer.get("Model")),
        physical_macs=sorted(set(macs)),
    )


def system_serial(snapshot: dict[str, Any]) -> str | None:
    """The SMBIOS system serial: Win32_BIOS first, Win32_ComputerSystemProduct as the fallback."""
    return clean_serial(first(snapshot, "BIOS").get("SerialNumber")) or clean_serial(
        first(snapshot, "ComputerSystemProduct").get("IdentifyingNumber")
    )


def chassis_type(codes: Any) -> str | None:
    """Name of the first known SMBIOS enclosure type in the list."""
    for code in codes if isinstance(codes, list) else [codes]:
        if code in CHASSIS_TYPES:
            return CHASSIS_TYPES[code]
    return None


def virtualization(manufacturer: Any, model: Any) -> str:
    """Which hypervisor the SMBIOS strings name, else physical."""
    text = f"{manufacturer or ''} {model or ''}".lower()
    for needle, name in HYPERVISORS:
        if needle in text:
            return name
    return "physical"
