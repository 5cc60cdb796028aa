"""Jacks, patch panels, switch ports, patches, connections and paths."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response

from inventory_api.cabling import connections, devices, schemas
from inventory_api.cabling import service as cabling
from inventory_api.cabling.lookup import resolve_path_query
from inventory_api.cabling.models import Jack, PatchPanel, SwitchPort
from inventory_api.cabling.registry import require_asset
from inventory_api.deps import ReadDep, SessionDep, WriteDep
from inventory_api.errors import NotFound
from inventory_api.etag import set_etag
from inventory_api.exports import CsvFormat, csv_response, wants_csv
from inventory_api.history.schemas import ChangeEventPage, ChangeEventRead
from inventory_api.history.service import list_changes
from inventory_api.idempotency import IdempotentRoute
from inventory_api.pagination import Page, PageDep, paginate
from inventory_api.routing import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", tags=["cabling"], route_class=IdempotentRoute, responses=ERROR_RESPONSES)
IfMatch = Annotated[str | None, Header(alias="If-Match")]


def _etag(response: Response, obj: Any) -> Any:
    set_etag(response, obj.version)
    return obj


@router.post("/jacks", response_model=schemas.JackRead, status_code=201)
def create_jack(body: schemas.JackCreate, response: Response, session: SessionDep, who: WriteDep) -> Jack:
    """Add a wall jack to a room."""
    return _etag(response, cabling.create_jack(session, body.model_dump(), who.site_ids))


@router.get("/jacks", response_model=Page[schemas.JackRead])
def list_jacks(
    request: Request, session: SessionDep, who: ReadDep, page: PageDep, site_id: uuid.UUID | None = None,
    room_id: uuid.UUID | None = None, jack_type: str | None = None, label: str | None = None, answer_format: CsvFormat = None,
):  # fmt: skip
    stmt = cabling.jacks_query(
        who.site_ids, site_id=site_id, room_id=room_id, jack_type=jack_type, label=label
    )
    if wants_csv(request):
        return csv_response(session, stmt.order_by(Jack.label), schemas.JackRead, "jacks")
    return paginate(
        session, stmt, page, sort_columns={"label": Jack.label}, default_sort="label", id_column=Jack.id
    )


@router.get("/jacks/{jack_id}", response_model=schemas.JackRead)
def read_jack(jack_id: uuid.UUID, response: Response, session: SessionDep, who: ReadDep) -> Jack:
    return _etag(response, cabling.require_jack(session, jack_id, who.site_ids))


@router.get("/jacks/{jack_id}/history", response_model=ChangeEventPage)
def jack_history(
    jack_id: uuid.UUID, session: SessionDep, who: ReadDep,
    after: Annotated[int | None, Query(ge=0, lt=2**63, description="the `next` of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> ChangeEventPage:  # fmt: skip
    """Every change to the jack, oldest first: patched, activated, an asset plugged in or freed, and why."""
    cabling.require_jack(session, jack_id, who.site_ids)
    events = list_changes(session, "jack", jack_id, after=after, limit=limit)
    nxt = str(events[-1].id) if len(events) == limit else None
    return ChangeEventPage(items=[ChangeEventRead.model_validate(e) for e in events], next=nxt)


@router.patch("/jacks/{jack_id}", response_model=schemas.JackRead)
def update_jack(
    jack_id: uuid.UUID, body: schemas.JackUpdate, response: Response, session: SessionDep, who: WriteDep,
    if_match: IfMatch = None,
) -> Jack:  # fmt: skip
    jack = cabling.require_jack(session, jack_id, who.site_ids)
    data = body.model_dump(exclude_unset=True)
    return _etag(response, cabling.update_jack(session, jack, data, who.site_ids, if_match))


@router.delete("/jacks/{jack_id}", status_code=204)
def delete_jack(jack_id: uuid.UUID, session: SessionDep, who: WriteDep) -> Response:
    connections.remove_jack(session, cabling.require_jack(session, jack_id, who.site_ids), who.username)
    return Response(status_code=204)


@router.post("/patch-panels", response_model=schemas.PanelRead, status_code=201)
def create_panel(body: schemas.PanelCreate, session: SessionDep, who: WriteDep) -> PatchPanel:
    """Add a patch panel to a closet or rack; its ports 1..port_count are created with it."""
    return cabling.create_panel(session, body.model_dump(), who.site_ids)


@router.get("/patch-panels", response_model=Page[schemas.PanelRead])
def list_panels(
    request: Request, session: SessionDep, who: ReadDep, page: PageDep, site_id: uuid.UUID | None = None,
    location_id: uuid.UUID | None = None, name: str | None = None, answer_format: CsvFormat = None,
):  # fmt: skip
    stmt = cabling.panels_query(who.site_ids, site_id=site_id, location_id=location_id, name=name)
    if wants_csv(request):
        return csv_response(session, stmt.order_by(PatchPanel.name), schemas.PanelRead, "patch-panels")
    return paginate(session, stmt, page, sort_columns={"name": PatchPanel.name}, default_sort="name",
                    id_column=PatchPanel.id)  # fmt: skip


@router.get("/patch-panels/{panel_id}", response_model=schemas.PanelRead)
def read_panel(panel_id: uuid.UUID, response: Response, session: SessionDep, who: ReadDep) -> PatchPanel:
    return _etag(response, cabling.require_panel(session, panel_id, who.site_ids))


@router.get("/patch-panels/{panel_id}/ports", response_model=list[schemas.PanelPortRead])
def list_panel_ports(panel_id: uuid.UUID, session: SessionDep, who: ReadDep):
    return cabling.panel_ports(session, cabling.require_panel(session, panel_id, who.site_ids))


@router.post("/switch-ports", response_model=schemas.SwitchPortRead, status_code=201)
def create_switch_port(body: schemas.SwitchPortCreate, session: SessionDep, who: WriteDep) -> SwitchPort:
    """Add a port to a switch; the name is stored short (GigabitEthernet1/0/14 → Gi1/0/14)."""
    return cabling.create_switch_port(session, body.model_dump(), who.site_ids)


@router.get("/switch-ports", response_model=Page[schemas.SwitchPortRead])
def list_switch_ports(
    request: Request, session: SessionDep, who: ReadDep, page: PageDep, site_id: uuid.UUID | None = None,
    switch_id: uuid.UUID | None = None, name: str | None = None, vlan: int | None = None,
    voice_vlan: int | None = None, oper_state: str | None = None, admin_state: str | None = None, answer_format: CsvFormat = None,
):  # fmt: skip
    stmt = cabling.switch_ports_query(who.site_ids, site_id=site_id, switch_id=switch_id, name=name, vlan=vlan,
                                      voice_vlan=voice_vlan, oper_state=oper_state, admin_state=admin_state)  # fmt: skip
    if wants_csv(request):
        return csv_response(session, stmt.order_by(SwitchPort.name), schemas.SwitchPortRead, "switch-ports")
    return paginate(session, stmt, page, sort_columns={"name": SwitchPort.name}, default_sort="name",
                    id_column=SwitchPort.id)  # fmt: skip


@router.get("/switch-ports/{port_id}", response_model=schemas.SwitchPortRead)
def read_switch_port(port_id: uuid.UUID, response: Response, session: SessionDep, who: ReadDep) -> SwitchPort:
    return _etag(response, cabling.require_switch_port(session, port_id, who.site_ids))


@router.patch("/switch-ports/{port_id}", response_model=schemas.SwitchPortRead)
def update_switch_port(
    port_id: uuid.UUID, body: schemas.SwitchPortUpdate, response: Response, session: SessionDep, who: WriteDep,
    if_match: IfMatch = None,
) -> SwitchPort:  # fmt: skip
    port = cabling.require_switch_port(session, port_id, who.site_ids)
    return _etag(
        response, cabling.update_switch_port(session, port, body.model_dump(exclude_unset=True), if_match)
    )


@router.post("/patches", response_model=schemas.PanelPortRead)
def patch(body: schemas.PatchRequest, session: SessionDep, who: WriteDep):
    """Cross-connect a jack to a panel port and/or patch the panel port to a switch port (409 `already_patched`)."""
    return connections.patch(session, body.panel_port_id, jack_id=body.jack_id, switch_port_id=body.switch_port_id,
                             sites=who.site_ids)  # fmt: skip


@router.delete("/patches/{panel_port_id}", response_model=schemas.PanelPortRead)
def unpatch(
    panel_port_id: uuid.UUID, session: SessionDep, who: WriteDep, jack: bool = True, switch_port: bool = True
):
    """Remove a panel port's cross-connect to its jack and/or its patch to a switch port."""
    return connections.unpatch(session, panel_port_id, jack=jack, switch_port=switch_port, sites=who.site_ids)


@router.put("/assets/{asset_id}/connection", response_model=schemas.ConnectionRead)
def connect_asset(asset_id: uuid.UUID, body: schemas.ConnectRequest, session: SessionDep, who: WriteDep):
    """Record which jack an asset is plugged into."""
    asset = require_asset(session, asset_id, who.site_ids)
    return connections.connect_at_jack(
        session, asset, cabling.require_jack(session, body.jack_id, who.site_ids)
    )


@router.get("/assets/{asset_id}/connection", response_model=schemas.ConnectionRead)
def read_connection(asset_id: uuid.UUID, session: SessionDep, who: ReadDep):
    require_asset(session, asset_id, who.site_ids)
    connection = connections.get_connection(session, asset_id)
    if connection is None:
        raise NotFound("connection of asset", asset_id)
    return connection


@router.post("/assets/{asset_id}/lldp", response_model=schemas.ConnectionRead)
def report_lldp(asset_id: uuid.UUID, body: schemas.LldpNeighbour, session: SessionDep, who: WriteDep):
    """Link an asset to the switch port (and jack, room) its LLDP neighbour names; ingest does the same."""
    asset = require_asset(session, asset_id, who.site_ids)
    connection = connections.link_lldp_neighbour(session, asset, body.chassis_id, body.port_id,
                                                 system_name=body.system_name)  # fmt: skip
    if connection is None:
        raise NotFound("LLDP neighbour", body.chassis_id)
    return connection


@router.put("/devices/{asset_id}/attributes", response_model=dict[str, Any])
def set_device_attributes(
    asset_id: uuid.UUID, body: schemas.DeviceAttributes, session: SessionDep, who: WriteDep
):
    """Set the kind-specific fields of a switch, router, access point, phone, ATA or video unit."""
    return devices.set_device_attributes(
        session, require_asset(session, asset_id, who.site_ids), body.attributes
    )


@router.get("/paths", response_model=list[schemas.PathRead])
def read_paths(
    session: SessionDep, who: ReadDep,
    jack: Annotated[str | None, Query(description="jack id or label")] = None,
    switch_port: Annotated[str | None, Query(description="switch port id, or `<switch name> <port>`")] = None,
    person: Annotated[str | None, Query(description="person id or employee id")] = None,
    asset: Annotated[str | None, Query(description="asset id or asset tag")] = None,
    room: Annotated[uuid.UUID | None, Query(description="room id")] = None,
):  # fmt: skip
    """The whole path person → device → jack → panel port → switch port, with a one-line summary."""
    return resolve_path_query(session, who.site_ids, jack=jack, switch_port=switch_port, person=person,
                              asset=asset, room=room)  # fmt: skip
