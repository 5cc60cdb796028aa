"""Service settings, read from the environment (prefix INVENTORY_) and an optional .env file."""

from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting of the service; docs/configuration.md lists them with their defaults."""

    model_config = SettingsConfigDict(env_prefix="INVENTORY_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///var/inventory.db"
    database_pool_size: int = Field(
        20, ge=1, description="connections per process, and the requests it admits at once"
    )
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    workers: int = Field(1, ge=1)
    access_log: bool = Field(
        False,
        description="log every request as a JSON line with its request id (~30 % of a small request's CPU)",
    )
    admin_password: str | None = None
    metrics_networks: list[IPv4Network | IPv6Network] = Field(
        default_factory=lambda: [IPv4Network("127.0.0.0/8"), IPv6Network("::1/128")]
    )
    session_hours: int = Field(12, ge=1, description="lifetime of a login session token")
    auth_cache_seconds: float = Field(
        10.0, ge=0, description="how long a worker process reuses a resolved token (0: never)"
    )
    login_rate_per_minute: int = Field(10, ge=1)
    enroll_rate_per_minute: int = Field(60, ge=1)
    report_min_interval_seconds: int = Field(30, ge=0, description="a collector reporting faster gets 429")
    report_interval_seconds: int = Field(3600, ge=60, description="how often collectors should report")
    report_jitter_seconds: int = Field(600, ge=0)
    max_report_bytes: int = Field(2 * 1024 * 1024, ge=1024, description="compressed body limit")
    max_report_decompressed_bytes: int = Field(32 * 1024 * 1024, ge=1024)
    login_user_rate_per_minute: int = Field(
        30, ge=1, description="login attempts per username, all addresses"
    )
    cookie_secure: bool = Field(
        False, description="always mark the session cookie Secure (TLS ended by a proxy)"
    )
    trusted_proxies: list[str] = Field(
        default_factory=lambda: ["127.0.0.1"],
        description="addresses whose X-Forwarded-For/-Proto are believed",
    )
    max_request_bytes: int = Field(
        1_048_576,
        ge=1024,
        description="largest body of any request but reports and imports (login, JSON, forms)",
    )
    max_import_bytes: int = Field(200 * 1024 * 1024, ge=1024)
    import_spool_dir: str | None = Field(None, description="upload spool (default: temp dir)")
    import_job_timeout_minutes: int = Field(
        240, ge=1, description="a queued or running import of another host is failed after this long"
    )
    stale_after_days: int = Field(30, ge=1)
    reenroll_window_days: int = Field(7, ge=0)
    require_enroll_approval: bool = False
    clock_skew_flag_seconds: int = Field(600, ge=1)
    peripheral_unlink_grace_days: int = Field(7, ge=0)
    peripheral_asset_kinds: list[str] = Field(
        default_factory=lambda: ["monitor", "docking_station", "printer", "webcam", "headset"]
    )
    disk_full_percent: int = Field(90, ge=1, le=100, description="a volume this full writes a history event")
    ingest_max_concurrent: int = Field(8, ge=1, description="reports applied at once per process; more wait")
    ingest_wait_seconds: float = Field(10.0, ge=0, description="a report waiting longer for a slot gets 503")
    number_quarantine_days: int = Field(90, ge=0)
    webhook_allowed_networks: list[IPv4Network | IPv6Network] = Field(default_factory=list)
    webhook_timeout_seconds: float = Field(5.0, gt=0)
    webhook_max_attempts: int = Field(10, ge=1)
    worker_in_serve: bool = True
    worker_interval_seconds: float = Field(5.0, gt=0)
    # Requesters hear of their work orders by e-mail (off while no SMTP host is set): docs/work-orders.md.
    smtp_host: str | None = None
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_security: Literal["none", "starttls", "ssl"] = "none"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "inventory@localhost"
    smtp_timeout_seconds: float = Field(10.0, gt=0)
    notice_max_attempts: int = Field(8, ge=1, description="tries of one e-mail before it is given up")
    public_url: str | None = Field(
        None, description="the service's address as requesters reach it, for links"
    )
    status_link_days: int = Field(30, ge=1, description="how long a requester's status link works")
    sla_at_risk_percent: int = Field(75, ge=1, le=99)
    idempotency_keep_hours: int = Field(24, ge=24, description="how long Idempotency-Key answers are kept")
    idempotency_lease_seconds: int = Field(120, ge=5, description="after this, a running key counts as died")
    webhook_backoff_base_seconds: float = Field(
        10.0, gt=0, description="first retry delay; doubles each time"
    )
    webhook_backoff_max_seconds: float = Field(3600.0, gt=0)
    history_retention_days: int = Field(0, ge=0, description="history older than this is deleted; 0 keeps it")
    webhook_retention_days: int = Field(
        90, ge=0, description="finished webhook events kept this long; 0 = forever"
    )
    retention_batch_rows: int = Field(5000, ge=1, description="rows deleted per table per worker pass")


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings()
