"""Agent XML read in one pass: categories not asked for are read past, yet count against the limits."""

from __future__ import annotations

import pytest

from inventory_api.agents.xml import complete, parse_agent_xml
from inventory_api.errors import BadRequest

BODY = (
    b"<?xml version='1.0' encoding='UTF-8'?><REQUEST><CONTENT>"
    b"<HARDWARE><NAME> pc-1 </NAME></HARDWARE>"
    b"<LOCAL_USERS><LOGIN>root</LOGIN></LOCAL_USERS><LOCAL_USERS><LOGIN>bin</LOGIN></LOCAL_USERS>"
    b"<SOFTWARES><NAME>a</NAME><COMMENTS>x</COMMENTS><COMMENTS>y</COMMENTS></SOFTWARES>"
    b"<SOFTWARES><NAME>b<![CDATA[<c>]]></NAME></SOFTWARES>"
    b"</CONTENT><DEVICEID> pc-1-2026 </DEVICEID><QUERY>inventory</QUERY></REQUEST>"
)


def test_the_content_in_the_agent_json_shape():
    message = parse_agent_xml(BODY)
    assert (message.query, message.deviceid) == ("INVENTORY", "pc-1-2026")
    assert message.content == {
        "hardware": {"name": "pc-1"},
        "local_users": [{"login": "root"}, {"login": "bin"}],
        "softwares": [{"name": "a", "comments": ["x", "y"]}, {"name": "b<c>"}],
    }


def test_categories_not_asked_for_are_read_past():
    assert parse_agent_xml(BODY, categories={"hardware", "softwares"}).content.keys() == {
        "hardware",
        "softwares",
    }


def test_a_category_read_past_still_counts_against_the_depth_limit():
    deep = BODY.replace(b"<LOGIN>root</LOGIN>", b"<A>" * 20 + b"</A>" * 20)
    with pytest.raises(BadRequest, match="nested deeper"):
        parse_agent_xml(deep, categories={"hardware"})


def test_a_category_digest_follows_its_bytes_only():
    digests = parse_agent_xml(BODY).digests
    tagged = parse_agent_xml(
        BODY.replace(b"<CONTENT>", b"<CONTENT><ACCOUNTINFO><KEYVALUE>x</KEYVALUE></ACCOUNTINFO>")
    )
    assert {key for key in digests if tagged.digests[key] != digests[key]} == set()
    renamed = parse_agent_xml(BODY.replace(b"<NAME>a</NAME>", b"<NAME>a2</NAME>")).digests
    assert {key for key in digests if renamed[key] != digests[key]} == {"softwares"}


def test_a_deferred_category_is_digested_and_read_when_completed():
    whole = parse_agent_xml(BODY)
    deferred = parse_agent_xml(BODY, deferred={"softwares"})
    assert "softwares" not in deferred.content and deferred.deferred == {"softwares"}
    assert deferred.digests == whole.digests
    assert complete(deferred, BODY) == whole.content
    deep = BODY.replace(b"<NAME>a</NAME>", b"<A>" * 20 + b"</A>" * 20)
    with pytest.raises(BadRequest, match="nested deeper"):
        parse_agent_xml(deep, deferred={"softwares"})
