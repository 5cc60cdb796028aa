"""Enroll secrets, collectors (node keys) and each reporting asset's ingest state and current status."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from inventory_api.db import Base, UUIDPk, utcnow


class EnrollSecret(UUIDPk, Base):
    """A shared secret that installers carry: low trust, revocable, optionally limited in time and uses."""

    __tablename__ = "enroll_secrets"

    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The site that machines enrolled with this secret land in.
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("locations.id"))
    expires_at: Mapped[datetime | None]
    max_uses: Mapped[int | None] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(200))
    revoked_at: Mapped[datetime | None]


class Collector(UUIDPk, Base):
    """One enrolled collector: its node key (stored as SHA-256) names exactly one asset."""

    __tablename__ = "collectors"
    __table_args__ = (Index("ix_collectors_asset", "asset_id"),)

    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    enroll_secret_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("enroll_secrets.id", ondelete="SET NULL")
    )
    collector_version: Mapped[str | None] = mapped_column(String(50))
    hostname: Mapped[str | None] = mapped_column(String(255))
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    enrolled_from: Mapped[str | None] = mapped_column(String(64))
    #: The matching rule that named the asset at enrollment ("hardware", "machine_id", "new", …).
    matched_by: Mapped[str | None] = mapped_column(String(20))
    approved_at: Mapped[datetime | None]
    last_contact_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoke_reason: Mapped[str | None] = mapped_column(String(200))
    #: Another inventory agent admitted by an agent secret ("fusioninventory", "glpi-agent"); None: our collector.
    agent: Mapped[str | None] = mapped_column(String(40))
    #: Such an agent's last inventory (its own categories), so a partial inventory can be completed.
    agent_content: Mapped[dict[str, Any] | None] = mapped_column(deferred=True)
    #: The digest of `agent_content`: an unchanged inventory is not written again (comparing it reads no JSON).
    agent_content_digest: Mapped[str | None] = mapped_column(String(64))


class InventoryState(Base):
    """Per reporting asset: the acknowledged section hashes, the last applied report and the current status."""

    __tablename__ = "inventory_states"

    asset_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True
    )
    section_hashes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    identity_hash: Mapped[str | None] = mapped_column(String(64))
    last_report_id: Mapped[str | None] = mapped_column(String(100))
    last_collected_at: Mapped[datetime | None]
    last_received_at: Mapped[datetime | None]
    next_report_at: Mapped[datetime | None]
    clock_skew_seconds: Mapped[float | None] = mapped_column(Float)
    report_count: Mapped[int] = mapped_column(BigInteger, default=0)
    # --- the status section: facts that change on every run, kept apart from the asset's version -----
    uptime_seconds: Mapped[int | None] = mapped_column(BigInteger)
    logged_in_user: Mapped[str | None] = mapped_column(String(200))
    logged_in_users: Mapped[list[Any]] = mapped_column(default=list)
    battery_percent: Mapped[float | None] = mapped_column(Float)
    battery_charging: Mapped[bool | None]
    on_ac_power: Mapped[bool | None]
    ip_addresses: Mapped[list[Any]] = mapped_column(default=list)
    volumes: Mapped[list[Any]] = mapped_column(default=list)
    #: Mount points over the disk-full threshold, so history is written only when one crosses it.
    full_volumes: Mapped[list[Any]] = mapped_column(default=list)
    errors: Mapped[list[Any]] = mapped_column(default=list)
