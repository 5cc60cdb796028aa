"""Import jobs: an uploaded file of people, locations, assets or services, checked or applied in the background."""

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from inventory_api.db import Base, Timestamps, UUIDPk

IMPORT_KINDS = ("people", "locations", "assets", "services")
IMPORT_FORMATS = ("csv", "json", "ndjson")
IMPORT_STATUSES = ("queued", "running", "succeeded", "failed")


class ImportJob(UUIDPk, Timestamps, Base):
    """One upload: a dry run reports every bad row and changes nothing; a real run is all-or-nothing."""

    __tablename__ = "import_jobs"
    __table_args__ = (
        CheckConstraint(f"kind IN {IMPORT_KINDS}", name="kind"),
        CheckConstraint(f"format IN {IMPORT_FORMATS}", name="format"),
        CheckConstraint(f"status IN {IMPORT_STATUSES}", name="status"),
    )

    kind: Mapped[str] = mapped_column(String(20))
    format: Mapped[str] = mapped_column(String(10))
    dry_run: Mapped[bool] = mapped_column(default=True)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    filename: Mapped[str | None] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    #: The spooled upload on the server's disk; removed when the job ends.
    spool_path: Mapped[str | None] = mapped_column(String(500))
    #: The sites the uploader may write (null: all); rows of other sites are refused.
    site_ids: Mapped[list[Any] | None] = mapped_column(default=None)
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[str | None] = mapped_column(String(100), index=True)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    #: The first bad rows: {row, column, reason}.
    errors: Mapped[list[Any]] = mapped_column(default=list)
    message: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    #: The process that runs it, host:pid:start time (`imports/liveness.py`: a job whose process died is failed).
    runner: Mapped[str | None] = mapped_column(String(300))
