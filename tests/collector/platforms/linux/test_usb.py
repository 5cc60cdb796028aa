"""USB devices and their kind (dock, webcam, headset …)."""

import json
from pathlib import Path

import pytest

from collector.platforms.linux.usb import parse_usb_device, read_usb_devices
from collector.report import UsbDevice, to_dict

from .fixtures import text, write_tree

CASES = json.loads(text("usb/laptop-with-dock-headset-webcam.json"))


@pytest.mark.parametrize("case", CASES, ids=[case["path"] for case in CASES])
def test_parse_usb_device(case: dict) -> None:
    assert to_dict(parse_usb_device(case["values"], case["interfaces"])) == case["expected"]


def test_bad_ids_raise() -> None:
    with pytest.raises(ValueError):
        parse_usb_device({"idVendor": "46d", "idProduct": "c52b"}, [])


def test_read_usb_devices_skips_root_hubs(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "usb1/idVendor": "1d6b\n",
            "usb1/idProduct": "0002\n",
            "usb1/bDeviceClass": "09\n",
            "1-4/idVendor": "046d\n",
            "1-4/idProduct": "085e\n",
            "1-4/product": "Logitech BRIO\n",
            "1-4/bDeviceClass": "ef\n",
            "1-4:1.0/bInterfaceClass": "0e\n",
            "1-4:1.2/bInterfaceClass": "01\n",
            "1-0:1.0/bInterfaceClass": "09\n",
        },
    )
    assert read_usb_devices(tmp_path) == [
        UsbDevice(
            vendor_id="046d", product_id="085e", product="Logitech BRIO", device_class="ef",
            interface_classes=["01", "0e"], kind="webcam",
        )
    ]  # fmt: skip
