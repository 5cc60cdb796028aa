"""Read the registry keys the Windows collector needs into one JSON-ready dict (the parsers' input)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
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
CURRENT_VERSION_VALUES = ("ProductName", "DisplayVersion", "ReleaseId", "CurrentBuild", "UBR", "EditionID")


def read_registry() -> dict[str, Any]:
    """MachineGuid, last logon, CurrentVersion values, every Uninstall entry and every display's EDID."""
    if winreg is None:
        raise OSError("the Windows registry is not available on this OS")
    errors: dict[str, str] = {}
    dump: dict[str, Any] = {
        "machine_guid": None,
        "last_logged_on_user": None,
        "current_version": {},
        "uninstall": [],
        "displays": [],
    }
    try:
        dump["machine_guid"] = _values(winreg.HKEY_LOCAL_MACHINE, CRYPTOGRAPHY, winreg.KEY_WOW64_64KEY).get(
            "MachineGuid"
        )
    except OSError as exc:
        errors["machine_guid"] = str(exc)
    try:
        logon = _values(winreg.HKEY_LOCAL_MACHINE, LOGON_UI, winreg.KEY_WOW64_64KEY)
        dump["last_logged_on_user"] = logon.get("LastLoggedOnUser")
    except OSError as exc:
        errors["last_logged_on_user"] = str(exc)
    try:
        values = _values(winreg.HKEY_LOCAL_MACHINE, CURRENT_VERSION, winreg.KEY_WOW64_64KEY)
        dump["current_version"] = {name: values[name] for name in CURRENT_VERSION_VALUES if name in values}
    except OSError as exc:
        errors["current_version"] = str(exc)
    for hive_name, hive, path, view, flag in _uninstall_roots(errors):
        try:
            for key_name, values in _subkey_values(hive, path, flag):
                dump["uninstall"].append({"hive": hive_name, "view": view, "key": key_name, "values": values})
        except FileNotFoundError:
            continue  # a user hive without an Uninstall key
        except OSError as exc:
            errors[f"uninstall:{hive_name}:{view}"] = str(exc)
    try:
        dump["displays"] = list(_display_edids())
    except OSError as exc:
        errors["displays"] = str(exc)
    dump["_errors"] = errors
    return dump


def _uninstall_roots(errors: dict[str, str]) -> Iterator[tuple[str, Any, str, str | None, int]]:
    """(hive name, hive, key path, view, access flag) for HKLM in both views and each loaded user hive."""
    yield "HKLM", winreg.HKEY_LOCAL_MACHINE, UNINSTALL, "64", winreg.KEY_WOW64_64KEY
    yield "HKLM", winreg.HKEY_LOCAL_MACHINE, UNINSTALL, "32", winreg.KEY_WOW64_32KEY
    try:
        sids = _subkeys(winreg.HKEY_USERS, "", 0)
    except OSError as exc:
        errors["uninstall:HKU"] = str(exc)
        return
    for sid in sids:
        if sid.endswith("_Classes") or sid == ".DEFAULT":
            continue
        yield f"HKU\\{sid}", winreg.HKEY_USERS, f"{sid}\\{UNINSTALL}", None, 0


def _subkeys(hive: Any, path: str, flag: int) -> list[str]:
    """Names of the subkeys of one key."""
    with winreg.OpenKey(hive, path, 0, winreg.KEY_READ | flag) as key:
        count = winreg.QueryInfoKey(key)[0]
        return [winreg.EnumKey(key, index) for index in range(count)]


def _values(hive: Any, path: str, flag: int) -> dict[str, Any]:
    """The values of one key; binary data as lowercase hex so the dump stays JSON."""
    with winreg.OpenKey(hive, path, 0, winreg.KEY_READ | flag) as key:
        count = winreg.QueryInfoKey(key)[1]
        values = {}
        for index in range(count):
            name, data, _kind = winreg.EnumValue(key, index)
            values[name] = data.hex() if isinstance(data, bytes) else data
        return values


def _subkey_values(hive: Any, path: str, flag: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """(subkey name, its values) for each subkey that can be opened."""
    for name in _subkeys(hive, path, flag):
        try:
            yield name, _values(hive, f"{path}\\{name}", flag)
        except OSError:
            continue  # removed between enumeration and opening, or ACL'd away from us


def _display_edids() -> Iterator[dict[str, str]]:
    """{"instance": "DISPLAY\\<model>\\<instance>", "edid": hex} for every display Windows has seen."""
    for model in _subkeys(winreg.HKEY_LOCAL_MACHINE, DISPLAY_ENUM, 0):
        for instance in _subkeys(winreg.HKEY_LOCAL_MACHINE, f"{DISPLAY_ENUM}\\{model}", 0):
            path = f"{DISPLAY_ENUM}\\{model}\\{instance}\\Device Parameters"
            try:
                edid = _values(winreg.HKEY_LOCAL_MACHINE, path, 0).get("EDID")
            except OSError:
                continue
            if isinstance(edid, str):
                yield {"instance": f"DISPLAY\\{model}\\{instance}", "edid": edid}
