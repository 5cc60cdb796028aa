"""Cabling below the rooms: wall jacks, patch panels and their ports, switch ports, and what is plugged where."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from inventory_api.db import Base, SoftDelete, Timestamps, UUIDPk, Versioned, utcnow

JACK_TYPES = ("voice", "data", "combo")
PORT_STATES = ("up", "down", "unknown")
CONNECTION_SOURCES = ("manual", "lldp", "learned")

_LIVE = text("deleted_at IS NULL")


class Jack(UUIDPk, Timestamps, Versioned, SoftDelete, Base):
    """A wall outlet in a room, labelled like 3-114-B, cross-connected to one patch-panel port."""

    __tablename__ = "jacks"
    __table_args__ = (
        CheckConstraint(f"jack_type IN {JACK_TYPES}", name="jack_type"),
        Index("uq_jacks_site_label_live", "site_id", "label", unique=True, sqlite_where=_LIVE,
              postgresql_where=_LIVE),
        Index("uq_jacks_panel_port", "panel_port_id", unique=True),
        Index("ix_jacks_room", "room_id"),
        Index("ix_jacks_label_lower", text("lower(label)")),  # the search box: a label's start, any case
    )  # fmt: skip

    label: Mapped[str] = mapped_column(String(100))
    jack_type: Mapped[str] = mapped_column(String(10), default="data")
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("locations.id"))
    room_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("locations.id"))
    panel_port_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("patch_panel_ports.id"))
    notes: Mapped[str | None] = mapped_column(Text)


class PatchPanel(UUIDPk, Timestamps, Versioned, SoftDelete, Base):
    """A patch panel in a closet or rack, with numbered ports."""

    __tablename__ = "patch_panels"
    __table_args__ = (
        Index("uq_patch_panels_site_name_live", "site_id", "name", unique=True, sqlite_where=_LIVE,
              postgresql_where=_LIVE),
    )  # fmt: skip

    name: Mapped[str] = mapped_column(String(100))
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("locations.id"))
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("locations.id"))
    port_count: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)


class PatchPanelPort(UUIDPk, Base):
    """One port of a patch panel, patched to at most one switch port."""

    __tablename__ = "patch_panel_ports"
    __table_args__ = (
        UniqueConstraint("panel_id", "number"),
        Index("uq_patch_panel_ports_switch_port", "switch_port_id", unique=True),
    )

    panel_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patch_panels.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    switch_port_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("switch_ports.id"))


class SwitchPort(UUIDPk, Timestamps, Versioned, Base):
    """A port of a switch asset; `name` is the short normalised form (Gi1/0/14)."""

    __tablename__ = "switch_ports"
    __table_args__ = (
        UniqueConstraint("switch_id", "name"),
        CheckConstraint(f"admin_state IN {PORT_STATES}", name="admin_state"),
        CheckConstraint(f"oper_state IN {PORT_STATES}", name="oper_state"),
        CheckConstraint("vlan IS NULL OR (vlan BETWEEN 1 AND 4094)", name="vlan"),
        CheckConstraint("voice_vlan IS NULL OR (voice_vlan BETWEEN 1 AND 4094)", name="voice_vlan"),
        Index("ix_switch_ports_site", "site_id"),
    )

    switch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id"))
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("locations.id"))
    name: Mapped[str] = mapped_column(String(60))
    description: Mapped[str | None] = mapped_column(String(200))
    #: Access (untagged) VLAN.
    vlan: Mapped[int | None] = mapped_column(Integer)
    #: Tagged VLANs on a trunk.
    tagged_vlans: Mapped[list[Any]] = mapped_column(default=list)
    voice_vlan: Mapped[int | None] = mapped_column(Integer)
    poe: Mapped[bool] = mapped_column(default=False)
    admin_state: Mapped[str] = mapped_column(String(10), default="up")
    oper_state: Mapped[str] = mapped_column(String(10), default="unknown")
    speed_mbps: Mapped[int | None] = mapped_column(Integer)
    #: What the switch reported at its last network inventory (none: never): the MACs it learned on the port,
    #: its LLDP/CDP neighbours, and the access VLAN, so a VLAN typed in by hand is told from the switch's own.
    learned_macs: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    neighbours: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    reported_vlan: Mapped[int | None] = mapped_column(Integer)
    reported_at: Mapped[datetime | None] = mapped_column(default=None)


class AssetConnection(Base):
    """Where an asset is plugged in: a jack (recorded by hand) and/or a switch port (seen by LLDP)."""

    __tablename__ = "asset_connections"
    __table_args__ = (CheckConstraint(f"source IN {CONNECTION_SOURCES}", name="source"),)

    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True)
    jack_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("jacks.id"), index=True)
    switch_port_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("switch_ports.id"), index=True)
    #: The IP phone a PC is daisy-chained behind, when LLDP saw the phone rather than the switch.
    via_asset_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("assets.id"))
    source: Mapped[str] = mapped_column(String(10), default="manual")
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)
