"""Display adapters from PCI sysfs, named from pci.ids."""

from pathlib import Path

from collector.platforms.linux import pci
from collector.report import Gpu

from .fixtures import write_tree

PCI_IDS_EXCERPT = """\
# excerpt in the pci.ids layout
8086  Intel Corporation
\t0d57  Ethernet controller
\t9a49  TigerLake-LP GT2 [Iris Xe Graphics]
\t\t17aa 22d8  ThinkPad T14 Gen 2i
10de  NVIDIA Corporation
\t1eb8  TU104GL [Tesla T4]
C 03  Display controller
\t00  VGA compatible controller
"""


def test_lookup_pci_names() -> None:
    names = pci.lookup_pci_names(PCI_IDS_EXCERPT.splitlines(), {("8086", "9a49"), ("10de", "ffff")})
    assert names == {
        ("8086", "9a49"): ("Intel Corporation", "TigerLake-LP GT2 [Iris Xe Graphics]"),
        ("10de", "ffff"): ("NVIDIA Corporation", ""),
    }


def test_read_gpus(tmp_path: Path, monkeypatch) -> None:
    write_tree(
        tmp_path,
        {
            "0000:00:02.0/class": "0x030000\n",
            "0000:00:02.0/vendor": "0x8086\n",
            "0000:00:02.0/device": "0x9a49\n",
            "0000:00:1f.6/class": "0x020000\n",
            "0000:00:1f.6/vendor": "0x8086\n",
            "0000:00:1f.6/device": "0x0d57\n",
        },
    )
    monkeypatch.setattr(pci, "read_pci_ids_lines", PCI_IDS_EXCERPT.splitlines)
    assert pci.read_gpus(tmp_path) == [
        Gpu(
            vendor="Intel Corporation", model="TigerLake-LP GT2 [Iris Xe Graphics]", vendor_id="8086",
            device_id="9a49", bus_address="0000:00:02.0",
        )
    ]  # fmt: skip
