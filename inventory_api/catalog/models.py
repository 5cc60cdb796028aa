"""The hardware catalog: manufacturers (with aliases) and models."""

import uuid
from datetime import date

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inventory_api.catalog.normalise import model_key
from inventory_api.db import Base, Timestamps, UUIDPk, Versioned


class Manufacturer(UUIDPk, Timestamps, Versioned, Base):
    """A maker of equipment; `key` is the normalised name, so "Dell Inc." and "DELL" are one."""

    __tablename__ = "manufacturers"

    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200), unique=True)


class ManufacturerAlias(Base):
    """Another spelling of a manufacturer's name, by its normalised key."""

    __tablename__ = "manufacturer_aliases"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    manufacturer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("manufacturers.id", ondelete="CASCADE"))


class Model(UUIDPk, Timestamps, Versioned, Base):
    """A product model of a manufacturer, with its kind and end-of-life date; `key` is the name without case or
    extra spaces (`normalise.model_key`), unique per maker, so "OptiPlex 7090" and "OPTIPLEX 7090" are one."""

    __tablename__ = "models"
    __table_args__ = (UniqueConstraint("manufacturer_id", "key"),)

    manufacturer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("manufacturers.id"))
    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(
        String(200), default=lambda ctx: model_key(ctx.get_current_parameters()["name"])
    )
    kind: Mapped[str | None] = mapped_column(String(30))
    part_number: Mapped[str | None] = mapped_column(String(100))
    end_of_life: Mapped[date | None]
