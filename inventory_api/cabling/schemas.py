"""API shapes of jacks, patch panels, switch ports, patches and paths."""

import uuid
from typing import Any, Literal

from pydantic import Field, field_validator

from inventory_api.cabling.ports import normalise_port_name
from inventory_api.schemas import ApiModel, InputModel, UtcDateTime

JackType = Literal["voice", "data", "combo"]
PortState = Literal["up", "down", "unknown"]
Vlan = int


class JackCreate(InputModel):
    label: str = Field(min_length=1, max_length=100)
    jack_type: JackType = "data"
    room_id: uuid.UUID
    notes: str | None = None


class JackUpdate(InputModel):
    label: str | None = Field(None, min_length=1, max_length=100)
    jack_type: JackType | None = None
    room_id: uuid.UUID | None = None
    notes: str | None = None


class JackRead(ApiModel):
    id: uuid.UUID
    label: str
    jack_type: str
    site_id: uuid.UUID
    room_id: uuid.UUID
    panel_port_id: uuid.UUID | None
    notes: str | None
    version: int
    updated_at: UtcDateTime


class PanelCreate(InputModel):
    name: str = Field(min_length=1, max_length=100)
    location_id: uuid.UUID = Field(description="the closet, rack or room the panel is in")
    port_count: int = Field(ge=1, le=576)
    notes: str | None = None


class PanelRead(ApiModel):
    id: uuid.UUID
    name: str
    site_id: uuid.UUID
    location_id: uuid.UUID
    port_count: int
    notes: str | None
    version: int


class PanelPortRead(ApiModel):
    id: uuid.UUID
    panel_id: uuid.UUID
    number: int
    switch_port_id: uuid.UUID | None


class SwitchPortCreate(InputModel):
    switch_id: uuid.UUID
    name: str = Field(min_length=1, max_length=60, description="any spelling; stored short, e.g. Gi1/0/14")
    description: str | None = Field(None, max_length=200)
    vlan: Vlan | None = Field(None, ge=1, le=4094)
    tagged_vlans: list[int] = Field(default_factory=list)
    voice_vlan: Vlan | None = Field(None, ge=1, le=4094)
    poe: bool = False
    admin_state: PortState = "up"
    oper_state: PortState = "unknown"
    speed_mbps: int | None = Field(None, ge=1)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return normalise_port_name(value)

    @field_validator("tagged_vlans")
    @classmethod
    def _vlans(cls, value: list[int]) -> list[int]:
        if any(v < 1 or v > 4094 for v in value):
            raise ValueError("a VLAN is between 1 and 4094")
        return sorted(set(value))


class SwitchPortUpdate(InputModel):
    description: str | None = Field(None, max_length=200)
    vlan: Vlan | None = Field(None, ge=1, le=4094)
    tagged_vlans: list[int] | None = None
    voice_vlan: Vlan | None = Field(None, ge=1, le=4094)
    poe: bool | None = None
    admin_state: PortState | None = None
    oper_state: PortState | None = None
    speed_mbps: int | None = Field(None, ge=1)


class PortNeighbour(ApiModel):
    """A device a switch port's LLDP/CDP neighbour table named at the switch's last network inventory."""

    system_name: str | None = None
    chassis_mac: str | None = None
    port: str | None = Field(None, description="the neighbour's own port (its description)")
    port_index: int | None = None
    address: str | None = Field(None, description="its management address")
    model: str | None = None
    description: str | None = Field(None, description="its system description (firmware)")
    asset_id: uuid.UUID | None = Field(None, description="the known asset of the site it is")


class SwitchPortRead(ApiModel):
    id: uuid.UUID
    switch_id: uuid.UUID
    site_id: uuid.UUID
    name: str
    description: str | None
    vlan: int | None
    tagged_vlans: list[int]
    voice_vlan: int | None
    poe: bool
    admin_state: str
    oper_state: str
    speed_mbps: int | None
    learned_macs: list[str] = Field(
        description="the MACs the switch learned on the port at its last inventory"
    )
    neighbours: list[PortNeighbour] = Field(description="its LLDP/CDP neighbours at its last inventory")
    reported_at: UtcDateTime | None = Field(description="the switch's last network inventory of the port")
    version: int


class PatchRequest(InputModel):
    """Cross-connect a jack to a panel port, and/or patch the panel port to a switch port."""

    panel_port_id: uuid.UUID
    jack_id: uuid.UUID | None = None
    switch_port_id: uuid.UUID | None = None


class ConnectRequest(InputModel):
    """Record by hand which jack an asset is plugged into."""

    jack_id: uuid.UUID


class LldpNeighbour(InputModel):
    chassis_id: str = Field(min_length=1, max_length=200)
    port_id: str = Field(min_length=1, max_length=200)
    system_name: str | None = Field(None, max_length=255)


class ConnectionRead(ApiModel):
    asset_id: uuid.UUID
    jack_id: uuid.UUID | None
    switch_port_id: uuid.UUID | None
    via_asset_id: uuid.UUID | None
    source: str
    seen_at: UtcDateTime


class DeviceAttributes(InputModel):
    attributes: dict[str, Any]


class PathHop(ApiModel):
    id: uuid.UUID
    name: str


class PathRead(ApiModel):
    """A person's device through the wall to the switch; any hop may be unknown (null)."""

    person: PathHop | None = None
    asset: PathHop | None = None
    room: PathHop | None = None
    jack: JackRead | None = None
    panel: PathHop | None = None
    panel_port: PanelPortRead | None = None
    switch: PathHop | None = None
    switch_port: SwitchPortRead | None = None
    summary: str
