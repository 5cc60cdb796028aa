"""read_registry() on a fake registry with winreg's interface: views, user hives, EDIDs, denied keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from collector.platforms.windows.registry import read_registry


@dataclass
class Node:
    """One registry key: subkeys and values; `denied` keys raise PermissionError when opened."""

    keys: dict[str, Node] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    denied: bool = False

    def __enter__(self) -> Node:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class FakeWinreg:
    """The part of winreg that read_registry uses (its CamelCase names); HKLM\\Software's 32-bit view is WOW6432Node."""

    HKEY_LOCAL_MACHINE, HKEY_USERS = "HKLM", "HKU"
    KEY_READ, KEY_WOW64_64KEY, KEY_WOW64_32KEY = 0x20019, 0x0100, 0x0200

    def __init__(self, hives: dict[str, Node]) -> None:
        self.hives = hives

    def OpenKey(self, hive: str, path: str, reserved: int, access: int) -> Node:
        parts = [part for part in path.split("\\") if part]
        if (
            hive == self.HKEY_LOCAL_MACHINE
            and access & self.KEY_WOW64_32KEY
            and parts[0].lower() == "software"
        ):
            parts.insert(1, "WOW6432Node")
        node = self.hives[hive]
        for part in parts:
            match = next((child for name, child in node.keys.items() if name.lower() == part.lower()), None)
            if match is None:
                raise FileNotFoundError(2, "The system cannot find the file specified")
            node = match
        if node.denied:
            raise PermissionError(5, "Access is denied")
        return node

    def QueryInfoKey(self, key: Node) -> tuple[int, int, int]:
        return len(key.keys), len(key.values), 0

    def EnumKey(self, key: Node, index: int) -> str:
        return list(key.keys)[index]

    def EnumValue(self, key: Node, index: int) -> tuple[str, Any, int]:
        name = list(key.values)[index]
        return name, key.values[name], 1


def path(*names: str, leaf: Node) -> Node:
    """A chain of keys ending in `leaf`, as the root's subtree."""
    node = leaf
    for name in reversed(names):
        node = Node(keys={name: node})
    return node


def merge(*trees: Node) -> Node:
    """Union of key trees."""
    merged = Node()
    for tree in trees:
        for name, child in tree.keys.items():
            merged.keys[name] = merge(merged.keys[name], child) if name in merged.keys else child
        merged.values.update(tree.values)
    return merged


UNINSTALL = ("Microsoft", "Windows", "CurrentVersion", "Uninstall")
EDID = bytes.fromhex("00ffffffffffff00")
SID = "S-1-5-21-1-2-3-1001"

HKLM = merge(
    path(
        "SOFTWARE",
        "Microsoft",
        "Cryptography",
        leaf=Node(values={"MachineGuid": "3f2504e0-4f89-41d3-9a0c-0305e82c3301"}),
    ),
    path(
        "SOFTWARE",
        "Microsoft",
        "Windows NT",
        "CurrentVersion",
        leaf=Node(values={"DisplayVersion": "23H2", "UBR": 4460, "ProductId": "x"}),
    ),
    path(
        "SOFTWARE",
        *UNINSTALL,
        leaf=Node(keys={"7-Zip": Node(values={"DisplayName": "7-Zip", "InstallDate": "20240115"})}),
    ),
    path(
        "SOFTWARE",
        "WOW6432Node",
        *UNINSTALL,
        leaf=Node(
            keys={
                "Reader": Node(values={"DisplayName": "Adobe Acrobat Reader"}),
                "Locked": Node(denied=True),
            }
        ),
    ),
    path(
        "SYSTEM",
        "CurrentControlSet",
        "Enum",
        "DISPLAY",
        leaf=Node(
            keys={
                "DELA0F5": Node(
                    keys={
                        "5&1&0&UID1": Node(keys={"Device Parameters": Node(values={"EDID": EDID})}),
                        "5&1&0&UID2": Node(),  # no Device Parameters
                    }
                ),
            }
        ),
    ),
    path(
        "SYSTEM",
        "CurrentControlSet",
        "Control",
        "Class",
        "{4d36e968-e325-11ce-bfc1-08002be10318}",
        leaf=Node(
            keys={
                "0000": Node(
                    values={
                        "MatchingDeviceId": "pci\\ven_10de&dev_2484",
                        "DriverDesc": "NVIDIA GeForce RTX 3070",
                        "HardwareInformation.qwMemorySize": 8589934592,
                        "HardwareInformation.ChipType": "NVIDIA GeForce RTX 3070",
                    }
                ),
                "Configuration": Node(keys={"x": Node()}),
                "Properties": Node(denied=True),
            }
        ),
    ),
)
HKU = Node(
    keys={
        ".DEFAULT": path(
            "Software", *UNINSTALL, leaf=Node(keys={"Ignored": Node(values={"DisplayName": "x"})})
        ),
        SID: path(
            "Software",
            *UNINSTALL,
            leaf=Node(keys={"Zoom": Node(values={"DisplayName": "Zoom Workplace", "Blob": b"\x01\x02"})}),
        ),
        f"{SID}_Classes": Node(),
        "S-1-5-18": Node(),  # a loaded hive without an Uninstall key
        "S-1-5-21-1-2-3-1002": path("Software", *UNINSTALL, leaf=Node(denied=True)),
    }
)


def test_read_registry() -> None:
    dump = read_registry(FakeWinreg({"HKLM": HKLM, "HKU": HKU}))
    assert dump == {
        "machine_guid": "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
        "last_logged_on_user": None,
        "current_version": {"DisplayVersion": "23H2", "UBR": 4460},
        "uninstall": [
            {
                "hive": "HKLM",
                "view": "64",
                "key": "7-Zip",
                "values": {"DisplayName": "7-Zip", "InstallDate": "20240115"},
            },
            {
                "hive": "HKLM",
                "view": "32",
                "key": "Reader",
                "values": {"DisplayName": "Adobe Acrobat Reader"},
            },
            {
                "hive": f"HKU\\{SID}",
                "view": None,
                "key": "Zoom",
                "values": {"DisplayName": "Zoom Workplace", "Blob": "0102"},
            },
        ],
        "displays": [{"instance": "DISPLAY\\DELA0F5\\5&1&0&UID1", "edid": "00ffffffffffff00"}],
        "display_adapters": [
            {
                "MatchingDeviceId": "pci\\ven_10de&dev_2484",
                "DriverDesc": "NVIDIA GeForce RTX 3070",
                "HardwareInformation.qwMemorySize": 8589934592,
            }
        ],
        "_errors": {
            "last_logged_on_user": "[Errno 2] The system cannot find the file specified",
            "uninstall:HKU\\S-1-5-21-1-2-3-1002": "[Errno 5] Access is denied",
        },
    }


def test_without_winreg_the_reader_refuses() -> None:
    with pytest.raises(OSError, match="not available"):
        read_registry(None)
