"""LLDP neighbours from lldpctl's JSON."""

import json

import pytest

from collector.platforms.linux.lldp import parse_lldpctl_json
from collector.report import LldpNeighbor

from .fixtures import text


def test_access_port_with_voice_vlan() -> None:
    assert parse_lldpctl_json(text("lldpctl/cisco-access-port-voice-vlan.json")) == [
        LldpNeighbor(
            local_interface="enp0s31f6", chassis_id="00:1e:bd:4a:7c:00", chassis_id_subtype="mac",
            port_id="Gi1/0/14", port_id_subtype="ifname", system_name="sw-3-1.corp.example.com",
            system_description="Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E8",
            port_description="GigabitEthernet1/0/14", vlan=20, management_address="10.3.0.11",
        )
    ]  # fmt: skip


def test_two_interfaces_in_list_form() -> None:
    first, second = parse_lldpctl_json(text("lldpctl/two-interfaces-list-form.json"))
    assert (first.local_interface, first.system_name, first.port_id, first.port_id_subtype) == (
        "eno1", "sw-5-2", "7", "local"
    )  # fmt: skip
    assert (first.vlan, first.management_address) == (30, "10.5.0.2")
    assert (second.local_interface, second.system_name, second.chassis_id) == (
        "eno2",
        None,
        "f0:9f:c2:11:22:33",
    )
    assert (second.port_id, second.port_id_subtype, second.vlan) == ("f0:9f:c2:11:22:34", "mac", None)


def test_no_neighbors() -> None:
    assert parse_lldpctl_json(text("lldpctl/no-neighbors.json")) == []


def test_truncated_output_raises() -> None:
    with pytest.raises(json.JSONDecodeError):
        parse_lldpctl_json(text("lldpctl/truncated.json"))


def test_wrong_shape_raises() -> None:
    with pytest.raises(ValueError):
        parse_lldpctl_json(text("lldpctl/wrong-shape.json"))
