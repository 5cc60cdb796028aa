"""IPv4 addresses from an rtnetlink RTM_GETADDR reply."""

import pytest

from collector.platforms.linux.netlink import parse_address_messages
from collector.report import IpAddress

from .fixtures import hex_bytes


def test_recorded_reply() -> None:
    found, done = parse_address_messages(hex_bytes("netlink/rtm-getaddr-ipv4-firecracker-vm.hex"))
    assert done
    assert found == [
        (1, IpAddress(address="127.0.0.1", prefix_length=8, family="ipv4")),
        (4, IpAddress(address="192.0.2.2", prefix_length=24, family="ipv4")),
    ]


def test_reply_without_done_is_not_finished() -> None:
    data = hex_bytes("netlink/rtm-getaddr-ipv4-firecracker-vm.hex")
    first_length = int.from_bytes(data[:4], "little")
    found, done = parse_address_messages(data[:first_length])
    assert (len(found), done) == (1, False)


def test_truncated_reply_raises() -> None:
    with pytest.raises(ValueError):
        parse_address_messages(hex_bytes("netlink/truncated.hex"))


def test_netlink_error_raises() -> None:
    error = (
        (36).to_bytes(4, "little")
        + (2).to_bytes(2, "little")
        + bytes(10)
        + (-1).to_bytes(4, "little", signed=True)
    )
    with pytest.raises(ValueError, match="netlink error -1"):
        parse_address_messages(error + bytes(16))
