"""Read the registry keys the Windows collector needs into one JSON-ready dict (the parsers' input)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

if sys.platform == "win32":
    import winreg
else:  # the module must import on Linux and macOS, where the parsers are tested
    winreg = None  # type: ignore[assignment]

UNINSTALL = r"Software\Microsoft\Windows\CurrentVersion\Uninstall"
CURRENT_VERSION = r"SOFTWARE\Microsoft\Windows NT\CurrentVersion"
CRYPTOGRAPHY = r"SOFTWARE\Microsoft\Cryptography"
DISPLAY_ENUM = r"SYSTEM\CurrentControlSet\Enum\DISPLAY"
LOGON_UI = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Authentication\LogonUI"
# The display adapter device class: one numbered subkey per adapter driver instance.
DISPLAY_CLASS = r"SYSTEM\CurrentControlSet\Control\Class\{4d36e968-e325-11ce-bfc1-08002be10318}"
DISPLAY_ADAPTER_VALUES = ("MatchingDeviceId", "DriverDesc", "HardwareInformation.qwMemorySize")
CURRENT_VERSION_VALUES = ("ProductName", "DisplayVersion", "ReleaseId", "CurrentBuild", "UBR", "EditionID")


def read_registry(reg: ModuleType | Any = winreg) -> dict[str, Any]:
    """MachineGuid, last logon, CurrentVersion values, every Uninstall entry, every display's EDID and the
    display adapters' memory sizes.

    `reg` is the winreg module, or anything with its functions and constants (the tests pass a fake).
    """
    if reg is None:
        raise OSError("the Windows registry is not available on this OS")
    errors: dict[str, str] = {}
    machine = {
        name: _machine_values(reg, path, errors, name)
        for name, path in (
            ("machine_guid", CRYPTOGRAPHY),
            ("last_logged_on_user", LOGON_UI),
            ("current_version", CURRENT_VERSION),
        )
    }
    dump: dict[str, Any] = {
        "machine_guid": machine["machine_guid"].get("MachineGuid"),
        "last_logged_on_user": machine["last_logged_on_user"].get("LastLoggedOnUser"),
        "current_version": {
            k: v for k, v in machine["current_version"].items() if k in CURRENT_VERSION_VALUES
        },
        "uninstall": [],
        "displays": [],
        "display_adapters": [],
    }
    for hive_name, hive, path, view, flag in _uninstall_roots(reg, errors):
        source = f"uninstall:{hive_name}" + (f":{view}" if view else "")
        try:
            for key_name, values in _subkey_values(reg, hive, path, flag):
                dump["uninstall"].append({"hive": hive_name, "view": view, "key": key_name, "values": values})
        except FileNotFoundError:
            continue  # a user hive without an Uninstall key
        except OSError as exc:
            errors[source] = str(exc)
    try:
        dump["displays"] = list(_display_edids(reg))
    except OSError as exc:
        errors["displays"] = str(exc)
    try:
        dump["display_adapters"] = [
            {name: value for name, value in values.items() if name in DISPLAY_ADAPTER_VALUES}
            for key, values in _subkey_values(reg, reg.HKEY_LOCAL_MACHINE, DISPLAY_CLASS, reg.KEY_WOW64_64KEY)
            if key.isdigit()  # "Configuration" and "Properties" are not adapters
        ]
    except OSError as exc:
        errors["display_adapters"] = str(exc)
    dump["_errors"] = errors
    return dump


def _machine_values(reg: Any, path: str, errors: dict[str, str], name: str) -> dict[str, Any]:
    """The values of an HKLM key in the 64-bit view; {} plus an error entry when it cannot be read."""
    try:
        return _values(reg, reg.HKEY_LOCAL_MACHINE, path, reg.KEY_WOW64_64KEY)
    except OSError as exc:
        errors[name] = str(exc)
        return {}


def _uninstall_roots(reg: Any, errors: dict[str, str]) -> Iterator[tuple[str, Any, str, str | None, int]]:
    """(hive name, hive, key path, view, access flag) for HKLM in both views and each loaded user hive."""
    yield "HKLM", reg.HKEY_LOCAL_MACHINE, UNINSTALL, "64", reg.KEY_WOW64_64KEY
    yield "HKLM", reg.HKEY_LOCAL_MACHINE, UNINSTALL, "32", reg.KEY_WOW64_32KEY
    try:
        sids = _subkeys(reg, reg.HKEY_USERS, "", 0)
    except OSError as exc:
        errors["uninstall:HKU"] = str(exc)
        return
    for sid in sids:
        if sid.endswith("_Classes") or sid == ".DEFAULT":
            continue  # file associations, and the logon screen's profile
        yield f"HKU\\{sid}", reg.HKEY_USERS, f"{sid}\\{UNINSTALL}", None, 0


def _subkeys(reg: Any, hive: Any, path: str, flag: int) -> list[str]:
    """Names of the subkeys of one key."""
    with reg.OpenKey(hive, path, 0, reg.KEY_READ | flag) as key:
        count = reg.QueryInfoKey(key)[0]
        return [reg.EnumKey(key, index) for index in range(count)]


def _values(reg: Any, hive: Any, path: str, flag: int) -> dict[str, Any]:
    """The values of one key; binary data as lowercase hex so the dump stays JSON."""
    with reg.OpenKey(hive, path, 0, reg.KEY_READ | flag) as key:
        count = reg.QueryInfoKey(key)[1]
        values = {}
        for index in range(count):
            name, data, _kind = reg.EnumValue(key, index)
            values[name] = data.hex() if isinstance(data, bytes) else data
        return values


def _subkey_values(reg: Any, hive: Any, path: str, flag: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """(subkey name, its values) for each subkey that can be opened."""
    for name in _subkeys(reg, hive, path, flag):
        try:
            yield name, _values(reg, hive, f"{path}\\{name}", flag)
        except OSError:
            continue  # removed between enumeration and opening, or ACL'd away from us


def _display_edids(reg: Any) -> Iterator[dict[str, str]]:
    """{"instance": "DISPLAY\\<model>\\<instance>", "edid": hex} for every display Windows has seen."""
    hklm = reg.HKEY_LOCAL_MACHINE
    for model in _subkeys(reg, hklm, DISPLAY_ENUM, 0):
        for instance in _subkeys(reg, hklm, f"{DISPLAY_ENUM}\\{model}", 0):
            try:
                edid = _values(reg, hklm, f"{DISPLAY_ENUM}\\{model}\\{instance}\\Device Parameters", 0).get(
                    "EDID"
                )
            except OSError:
                continue  # an instance without Device Parameters
            if isinstance(edid, str):
                yield {"instance": f"DISPLAY\\{model}\\{instance}", "edid": edid}
