"""The one PowerShell process per run: every CIM query at once, printed as one JSON document."""

from __future__ import annotations

import base64
import json
import subprocess
from typing import Any

TIMEOUT_SECONDS = 60

# Each query runs in its own try block so one missing namespace (SecurityCenter2 on Server, root\wmi
# battery classes on desktops) costs one entry under "_errors", not the whole document. Dates are
# turned into ISO 8601 UTC strings here, in the invariant culture (no Buddhist-calendar years, no "."
# time separators): Windows PowerShell 5.1 would print them as "\/Date(ms)\/". CIM turns the BIOS date
# ("20230515000000.000000+000") into local time: back to UTC before the date is cut, or it is a day early west
# of Greenwich. Stdout is switched to
# UTF-8, as a redirected 5.1 console otherwise writes the OEM code page. The firewall profiles come
# from the active store, so a policy pushed by GPO counts.
SCRIPT = r"""
$ErrorActionPreference = 'Stop'
[Console]::OutputEncoding = [System.Text.Encoding]::UTF8
$ProgressPreference = 'SilentlyContinue'
$out = [ordered]@{}
$errs = [ordered]@{}
$inv = [Globalization.CultureInfo]::InvariantCulture
function D($d) { if ($d) { $d.ToUniversalTime().ToString("yyyy-MM-dd'T'HH':'mm':'ss'Z'", $inv) } }
function Q([string]$key, [scriptblock]$block) {
  try { $out[$key] = @(& $block) } catch { $errs[$key] = $_.Exception.Message }
}
function C([string]$ns, [string]$class, [string[]]$props, [string]$filter) {
  if ($filter) { $rows = Get-CimInstance -Namespace $ns -ClassName $class -Filter $filter }
  else { $rows = Get-CimInstance -Namespace $ns -ClassName $class }
  $rows | Select-Object -Property $props
}
Q ComputerSystem { C root\cimv2 Win32_ComputerSystem Name,DNSHostName,Domain,PartOfDomain,Manufacturer,Model,SystemFamily,SystemSKUNumber,TotalPhysicalMemory,NumberOfProcessors,UserName,HypervisorPresent,PCSystemType }
Q ComputerSystemProduct { C root\cimv2 Win32_ComputerSystemProduct UUID,IdentifyingNumber,Vendor,Name,Version }
Q BIOS { Get-CimInstance Win32_BIOS | Select-Object Manufacturer,SMBIOSBIOSVersion,Version,SerialNumber,@{n='ReleaseDate';e={if ($_.ReleaseDate) { $_.ReleaseDate.ToUniversalTime().ToString('yyyy-MM-dd', $inv) }}} }
Q SystemEnclosure { C root\cimv2 Win32_SystemEnclosure ChassisTypes,SerialNumber }
Q BaseBoard { C root\cimv2 Win32_BaseBoard Manufacturer,Product,SerialNumber }
Q OperatingSystem { Get-CimInstance Win32_OperatingSystem | Select-Object Caption,Version,BuildNumber,OSArchitecture,@{n='InstallDate';e={D $_.InstallDate}},@{n='LastBootUpTime';e={D $_.LastBootUpTime}},@{n='LocalDateTime';e={D $_.LocalDateTime}} }
Q TimeZone { Get-TimeZone | Select-Object Id }
Q Processor { C root\cimv2 Win32_Processor DeviceID,SocketDesignation,Architecture,Manufacturer,Name,Description,NumberOfCores,NumberOfLogicalProcessors,MaxClockSpeed }
Q PhysicalMemory { C root\cimv2 Win32_PhysicalMemory DeviceLocator,BankLabel,Capacity,SMBIOSMemoryType,FormFactor,Speed,ConfiguredClockSpeed,Manufacturer,PartNumber,SerialNumber }
Q DiskDrive { C root\cimv2 Win32_DiskDrive Index,DeviceID,Model,SerialNumber,FirmwareRevision,Size,InterfaceType,MediaType }
Q PhysicalDisk { C root\Microsoft\Windows\Storage MSFT_PhysicalDisk DeviceId,FriendlyName,SerialNumber,AdapterSerialNumber,MediaType,BusType,Size }
Q LogicalDisk { C root\cimv2 Win32_LogicalDisk DeviceID,DriveType,FileSystem,Size,FreeSpace,VolumeName }
Q Volume { C root\cimv2 Win32_Volume DeviceID,Name,DriveLetter,DriveType,FileSystem,Capacity,FreeSpace 'DriveLetter IS NULL' }
Q NetworkAdapter { C root\cimv2 Win32_NetworkAdapter Index,Name,NetConnectionID,MACAddress,PhysicalAdapter,NetEnabled,NetConnectionStatus,Speed,PNPDeviceID,ServiceName 'MACAddress IS NOT NULL' }
Q NetworkAdapterConfiguration { C root\cimv2 Win32_NetworkAdapterConfiguration Index,IPAddress,IPSubnet,DefaultIPGateway,DNSServerSearchOrder,DNSDomainSuffixSearchOrder,MTU 'IPEnabled = TRUE' }
Q VideoController { C root\cimv2 Win32_VideoController Name,AdapterCompatibility,PNPDeviceID,DriverVersion,AdapterRAM }
Q Battery { C root\cimv2 Win32_Battery DeviceID,Name,EstimatedChargeRemaining,BatteryStatus,Chemistry }
Q BatteryStaticData { C root\wmi BatteryStaticData InstanceName,DeviceName,ManufactureName,SerialNumber,DesignedCapacity,Chemistry }
Q BatteryFullChargedCapacity { C root\wmi BatteryFullChargedCapacity InstanceName,FullChargedCapacity }
Q BatteryCycleCount { C root\wmi BatteryCycleCount InstanceName,CycleCount }
Q BatteryStatus { C root\wmi BatteryStatus InstanceName,PowerOnline,Charging,Discharging }
Q PnPEntity { C root\cimv2 Win32_PnPEntity Name,Manufacturer,PNPDeviceID,PNPClass,CompatibleID "PNPDeviceID LIKE 'USB\\%'" }
Q Printer { C root\cimv2 Win32_Printer Name,DriverName,PortName,Location,Comment,Default,Shared,Network }
Q AntiVirusProduct { C root\SecurityCenter2 AntiVirusProduct displayName,productState }
Q FirewallProduct { C root\SecurityCenter2 FirewallProduct displayName,productState }
Q EncryptableVolume { C root\cimv2\Security\MicrosoftVolumeEncryption Win32_EncryptableVolume DriveLetter,ProtectionStatus,ConversionStatus,EncryptionMethod }
Q NetFirewallProfile { Get-NetFirewallProfile -PolicyStore ActiveStore | Select-Object Name,@{n='Enabled';e={[int]$_.Enabled}} }
Q SecureBoot { Confirm-SecureBootUEFI }
Q Tpm { C root\cimv2\Security\MicrosoftTpm Win32_Tpm SpecVersion,IsEnabled_InitialValue }
Q WmiMonitorID { C root\wmi WmiMonitorID InstanceName,Active,ManufacturerName,ProductCodeID,SerialNumberID,UserFriendlyName,YearOfManufacture,WeekOfManufacture }
Q AppxPackage {
  try { $pkgs = Get-AppxPackage -AllUsers } catch { $pkgs = Get-AppxPackage }
  $pkgs | Select-Object Name,Version,Publisher,IsFramework,NonRemovable,@{n='Architecture';e={"$($_.Architecture)"}},@{n='SignatureKind';e={"$($_.SignatureKind)"}}
}
$out['_errors'] = $errs
$out | ConvertTo-Json -Depth 4 -Compress
"""


def powershell_command(script: str = SCRIPT) -> list[str]:
    """The argv that runs `script` in Windows PowerShell without profile or prompts."""
    encoded = base64.b64encode(script.encode("utf-16-le")).decode("ascii")
    return [
        "powershell.exe",
        "-NoProfile",
        "-NonInteractive",
        "-ExecutionPolicy",
        "Bypass",
        "-EncodedCommand",
        encoded,
    ]


def run_cim_snapshot(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the script once (or `argv`) and decode its JSON document; OSError or ValueError when it fails."""
    completed = subprocess.run(
        argv or powershell_command(),
        capture_output=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
        creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
    )
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip()[:500]
        raise OSError(f"powershell exited with {completed.returncode}: {message}")
    return parse_cim_snapshot(completed.stdout.decode("utf-8-sig", "replace"))


def parse_cim_snapshot(text: str) -> dict[str, Any]:
    """The script's JSON document as a dict; ValueError for truncated or garbled output."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"PowerShell output is not JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise ValueError("PowerShell output is not a JSON object")
    return document


def rows(snapshot: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The objects a query returned, as a list of dicts whatever ConvertTo-Json made of them."""
    value = snapshot.get(key)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, dict)]


def query_errors(snapshot: dict[str, Any], keys: tuple[str, ...]) -> list[tuple[str, str]]:
    """(query, message) for each of `keys` that failed inside the script."""
    failed = snapshot.get("_errors") or {}
    if not isinstance(failed, dict):
        return []
    return [(key, str(failed[key])) for key in keys if key in failed]


def as_int(value: Any) -> int | None:
    """An integer property, or None when it is missing or not a number (bools excluded)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_bool(value: Any) -> bool | None:
    """A boolean property, or None."""
    return value if isinstance(value, bool) else None
