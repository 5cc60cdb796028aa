"""CUPS queues from printers.conf."""

import pytest

from collector.platforms.linux.printers import parse_printers_conf, strip_credentials
from collector.report import Printer

from .fixtures import text


def test_office_queues() -> None:
    assert parse_printers_conf(text("cups/office-two-queues.txt")) == [
        Printer(
            name="HP-LaserJet-3F", driver="HP LaserJet Pro M404-M405 Postscript (recommended)",
            port="ipp://10.3.0.50/ipp/print", location="Room 3-120",
            description="HP LaserJet Pro M404dn, 3rd floor", is_default=True, is_shared=False, is_network=True,
        ),
        Printer(
            name="Finance-Canon", driver="Canon iR-ADV C5535/5540 PS",
            port="smb://printsrv.corp.example.com/finance-canon", location="Finance",
            description="Canon iR-ADV C5535", is_default=False, is_shared=True, is_network=True,
        ),
        Printer(
            name="Desk-Label", driver="DYMO LabelWriter 450", port="usb://DYMO/LabelWriter%20450?serial=01010112345600",
            is_default=False, is_shared=False, is_network=False,
        ),
    ]  # fmt: skip


def test_unterminated_section_raises() -> None:
    with pytest.raises(ValueError):
        parse_printers_conf(text("cups/unterminated.txt"))


def test_credentials_never_leave_the_machine() -> None:
    assert strip_credentials("smb://user:pw@host/q") == "smb://host/q"
    assert strip_credentials("ipp://host:631/printers/q") == "ipp://host:631/printers/q"
