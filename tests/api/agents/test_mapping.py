"""The software section's digest: what the packages are built from, and nothing else, changes it."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from pathlib import Path

import pytest

from inventory_api.agents.mapping import category_digests, iso_time, software_digest

GLPI = json.loads((Path(__file__).parent / "fixtures" / "glpi" / "dell-latitude-5420.json").read_text())[
    "content"
]


def digest(content):
    return software_digest(content, category_digests(content)["softwares"])


@pytest.mark.parametrize(
    ("edit", "changes"),
    [
        (lambda c: c.update(accountinfo=[{"keyname": "TAG", "keyvalue": "x"}]), False),
        (lambda c: c["hardware"].update(memory=1), False),
        (lambda c: c["operatingsystem"]["timezone"].update(name="Other"), False),
        (lambda c: c["softwares"].pop(), True),
        (lambda c: c["softwares"][0].update(version="0"), True),
        (lambda c: c["operatingsystem"]["timezone"].update(offset="-0500"), True),  # the install times move
    ],
    ids=[
        "unread category",
        "hardware record",
        "time zone name",
        "a package gone",
        "a version",
        "time zone offset",
    ],
)
def test_the_software_digest_follows_its_input(edit, changes):
    content = copy.deepcopy(GLPI)
    edit(content)
    assert (digest(content) != digest(GLPI)) is changes


def test_the_same_packages_parsed_again_give_the_same_digest():
    again = json.loads(json.dumps(GLPI))
    held_twice = {**again, "kept": again["softwares"]}  # an object held twice is written alike
    assert digest(again) == digest(held_twice) == digest(GLPI)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-12-03 21:18:34", "2026-12-03T20:18:34Z"),  # local time, +0100
        ("2016-02-06", "2016-02-06T00:00:00Z"),
        ("02/06/2016", "2016-02-06T00:00:00Z"),
        ("20160206", "2016-02-06T00:00:00Z"),
        ("2025/04/20 00:30:00", "2025-04-19T23:30:00Z"),  # the OCS agent on Debian 12
        ("2025/04/20", "2025-04-20T00:00:00Z"),
        ("junk", None),
    ],
)
def test_install_times(raw, expected):
    assert iso_time(raw, timedelta(hours=1)) == expected
