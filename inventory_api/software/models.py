"""The shared software catalog (titles and their versions) and each asset's installations."""

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from inventory_api.db import Base, BigIntPK, UUIDPk, utcnow


class SoftwareTitle(UUIDPk, Base):
    """A product, whatever its version: "Mozilla Firefox" by "Mozilla"; `key` is the normalised name."""

    __tablename__ = "software_titles"

    key: Mapped[str] = mapped_column(String(300), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    publisher: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SoftwareVersion(Base):
    """One version of a title; `key` is title key and normalised version, the catalog's lookup key."""

    __tablename__ = "software_versions"
    __table_args__ = (Index("ix_software_versions_title", "title_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(420), unique=True)
    title_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("software_titles.id", ondelete="CASCADE"))
    version: Mapped[str] = mapped_column(String(100))


class Installation(Base):
    """A version of a title installed on an asset, for one architecture and scope (system or user).

    `copies`: how many reported packages it stands for (two users' per-user installs of one version, or two names
    the catalog's rules make one), so that a software delta removing one of them keeps the row.

    `title_id` and `version_id` carry no foreign key: checking both on every row doubled the database's cost of
    a first report's 900 rows, and the catalog is append-only — its ids come from committed rows or from this
    transaction's inserts (docs/ingest.md). The asset's key stays: a purge cascades through it.
    """

    __tablename__ = "software_installations"
    __table_args__ = (
        UniqueConstraint(
            "asset_id", "version_id", "architecture", "scope", name="uq_software_installations_key"
        ),
        Index("ix_software_installations_version", "version_id"),
        Index("ix_software_installations_title", "title_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    asset_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("assets.id", ondelete="CASCADE"))
    title_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    version_id: Mapped[int] = mapped_column(BigInteger)
    architecture: Mapped[str] = mapped_column(String(30), default="")
    scope: Mapped[str] = mapped_column(String(10), default="system")
    install_date: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str | None] = mapped_column(String(30))
    is_system_component: Mapped[bool] = mapped_column(default=False)
    is_update: Mapped[bool] = mapped_column(default=False)
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    copies: Mapped[int] = mapped_column(default=1, server_default="1")
