"""FusionInventory / GLPI agent XML messages (PROLOG, INVENTORY, SNMPQUERY) read safely into the agent JSON format's shape."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from inventory_api.errors import BadRequest

#: The agent's deepest element is REQUEST/CONTENT/OPERATINGSYSTEM/TIMEZONE/NAME: depth 5.
MAX_DEPTH = 12
#: A large workstation sends ~20 000 elements (1 500 packages × 10 fields); ten times that is no inventory.
MAX_ELEMENTS = 300_000
#: Categories that are one record in the JSON format (the XML repeats none of them).
SINGLE = frozenset({"accesslog", "bios", "hardware", "operatingsystem"})


@dataclass
class AgentMessage:
    """One agent request: QUERY (PROLOG, INVENTORY, SNMPQUERY …), the agent's DEVICEID and, for an inventory, its CONTENT."""

    query: str
    deviceid: str | None
    content: dict[str, Any] = field(default_factory=dict)


def _refused(message: str) -> BadRequest:
    return BadRequest(f"the body is not an agent XML message: {message}", code="invalid_xml")


def _children(element: Any) -> dict[str, Any]:
    """A record's fields; a field repeated (COMMENTS in VERSIONPROVIDER) becomes a list."""
    out: dict[str, Any] = {}
    for child in element:
        key = child.tag.lower()
        value = _children(child) if len(child) else (child.text or "").strip()
        if key in out:
            out[key] = [*out[key], value] if isinstance(out[key], list) else [out[key], value]
        else:
            out[key] = value
    return out


def parse_agent_xml(body: bytes) -> AgentMessage:
    """XML → AgentMessage; 400 invalid_xml on any DTD or entity (bombs, external entities), too deep or too many
    elements, or not an agent REQUEST. Nothing is resolved or fetched."""
    depth = elements = 0
    root = None
    try:
        for event, element in iterparse(
            io.BytesIO(body),
            events=("start", "end"),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        ):
            if event == "start":
                depth += 1
                elements += 1
                if root is None:
                    root = element
                if depth > MAX_DEPTH:
                    raise _refused(f"nested deeper than {MAX_DEPTH} elements")
                if elements > MAX_ELEMENTS:
                    raise _refused(f"more than {MAX_ELEMENTS} elements")
            else:
                depth -= 1
    except DefusedXmlException as exc:
        raise _refused(f"DTDs and entities are refused ({type(exc).__name__})") from None
    except ParseError as exc:
        raise _refused(str(exc)) from None
    if root is None or root.tag != "REQUEST":
        raise _refused("the root element is not REQUEST")
    query = (root.findtext("QUERY") or "").strip().upper()
    if not query:
        raise _refused("no QUERY")
    deviceid = (root.findtext("DEVICEID") or "").strip() or None
    content: dict[str, Any] = {}
    node = root.find("CONTENT")
    for child in node if node is not None else []:
        key = child.tag.lower()
        value = _children(child) if len(child) else (child.text or "").strip()
        if key in SINGLE:
            content.setdefault(key, value)
        else:
            content.setdefault(key, []).append(value)
    return AgentMessage(query=query, deviceid=deviceid, content=content)


def prolog_reply(*, prolog_freq_hours: int) -> bytes:
    """The PROLOG answer that asks the agent for an inventory and sets its contact period (hours)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<REPLY><PROLOG_FREQ>{int(prolog_freq_hours)}</PROLOG_FREQ><RESPONSE>SEND</RESPONSE></REPLY>\n"
    ).encode()


def idle_reply(*, prolog_freq_hours: int) -> bytes:
    """A PROLOG answer without SEND: the agent skips its inventory (its machine reports through our collector)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<REPLY><PROLOG_FREQ>{int(prolog_freq_hours)}</PROLOG_FREQ><RESPONSE>NO_UPDATE</RESPONSE></REPLY>\n"
    ).encode()


def empty_reply() -> bytes:
    """The answer to an inventory: the agent only checks that it is a REPLY."""
    return b'<?xml version="1.0" encoding="UTF-8"?>\n<REPLY></REPLY>\n'
