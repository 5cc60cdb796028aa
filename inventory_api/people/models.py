"""People: the users that assets and services serve."""

import uuid

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from inventory_api.db import Base, SoftDelete, Timestamps, UUIDPk, Versioned


class Person(UUIDPk, Timestamps, Versioned, SoftDelete, Base):
    """An employee or contractor who uses equipment and services."""

    __tablename__ = "people"
    __table_args__ = (
        Index(
            "uq_people_employee_id_live",
            "employee_id",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        # text_pattern_ops: PostgreSQL answers a prefix search from the index whatever the collation.
        Index("ix_people_name", "name_key", postgresql_ops={"name_key": "text_pattern_ops"}),
        Index("ix_people_email", "email", postgresql_ops={"email": "text_pattern_ops"}),
    )

    name: Mapped[str] = mapped_column(String(200))
    #: Lower-cased name for prefix search.
    name_key: Mapped[str] = mapped_column(String(200))
    #: Stored lower-cased, for look-up and prefix search.
    email: Mapped[str | None] = mapped_column(String(254))
    employee_id: Mapped[str | None] = mapped_column(String(64))
    department: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("locations.id"), index=True)
    location_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("locations.id"))
    active: Mapped[bool] = mapped_column(default=True)
