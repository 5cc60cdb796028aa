"""Building collector reports and talking to the ingest endpoints in tests."""

from __future__ import annotations

import copy
import gzip
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from collector import report as r
from collector.report import SECTIONS, section_hash, to_dict
from inventory_api.db import Database
from inventory_api.history.service import Actor, set_actor
from inventory_api.ingest.service import create_enroll_secret
from inventory_api.locations.models import Location

GiB = 1024**3


def make_site(db: Database, name: str = "HQ") -> uuid.UUID:
    with db.transaction() as session:
        site = Location(kind="site", name=name)
        session.add(site)
        session.flush()
        site.site_id = site.id
        return site.id


def make_secret(db: Database, site_id: uuid.UUID, **kwargs: Any) -> str:
    with db.transaction() as session:
        set_actor(session, Actor("system"))
        _, plain = create_enroll_secret(session, name=kwargs.pop("name", "test"), site_id=site_id, **kwargs)
        return plain


def machine(
    *, hostname: str = "pc-001", uuid_: str | None = "4c4c4544-0042-3510-8052-b4c04f4b4c31", serial: str | None = "5CG1234XYZ",
    machine_id: str | None = "0f1e2d3c4b5a69788796a5b4c3d2e1f0", macs: tuple[str, ...] = ("3c:52:82:11:22:33",),
    memory: int = 8 * GiB, packages: list[tuple[str, str]] | None = None, firewall: bool | None = True,
    chassis: str = "Notebook", monitors: list[dict[str, Any]] | None = None,
) -> r.Report:  # fmt: skip
    """A plausible laptop's full report."""
    identity = r.Identity(
        hostname=hostname, fqdn=f"{hostname}.corp.example", machine_id=machine_id, system_uuid=uuid_, serial=serial,
        manufacturer="HP", product="EliteBook 840 G8", physical_macs=list(macs),
    )  # fmt: skip
    nics = [
        r.NetworkInterface(name=f"eth{i}", mac=mac, kind="ethernet", is_physical=True, state="up", link_speed_mbps=1000, mtu=1500,
                           addresses=[r.IpAddress(address=f"10.1.{i}.{10 + i}", prefix_length=24, family="ipv4"),
                                      r.IpAddress(address="FE80::1%eth0", prefix_length=64, family="ipv6")])
        for i, mac in enumerate(macs)
    ] + [r.NetworkInterface(name="docker0", mac="02:42:ac:11:00:01", kind="ethernet", is_physical=False, virtual_kind="bridge")]  # fmt: skip
    software = (
        packages
        if packages is not None
        else [("Mozilla Firefox", "128.0"), ("libc6", "2.39-0ubuntu8"), ("7-Zip 23.01 (x64)", "23.01")]
    )
    return r.Report(
        report_id=str(uuid.uuid4()),
        collected_at=datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        collector_version="1.0.0",
        identity=identity,
        status=r.Status(
            uptime_seconds=3600,
            logged_in_user="dana",
            volumes=[r.VolumeUsage(mount_point="/", size_bytes=100 * GiB, free_bytes=50 * GiB)],
        ),
        system=r.SystemSection(
            os=r.OperatingSystem(
                family="linux", name="Ubuntu", version="24.04", kernel_version="6.8.0", architecture="x86_64"
            ),
            manufacturer="HP",
            product="EliteBook 840 G8",
            serial=serial,
            system_uuid=uuid_,
            chassis_type=chassis,
            bios_vendor="HP",
            bios_version="T37 1.10",
            virtualization="physical",
        ),
        hardware=r.HardwareSection(
            cpus=[
                r.Cpu(
                    socket=0,
                    vendor="GenuineIntel",
                    model="Intel Core i5-1145G7",
                    physical_cores=4,
                    logical_processors=8,
                )
            ],
            memory_total_bytes=memory,
            memory_modules=[r.MemoryModule(slot="DIMM A", size_bytes=memory, type="DDR4", serial="1234ABCD")],
            disks=[
                r.Disk(
                    name="nvme0n1",
                    model="WD PC SN730",
                    serial="WD-123",
                    size_bytes=512 * 10**9,
                    kind="ssd",
                    bus="nvme",
                )
            ],
            volumes=[
                r.Volume(
                    mount_point="/",
                    device="/dev/nvme0n1p2",
                    filesystem="ext4",
                    size_bytes=100 * GiB,
                    encrypted=True,
                    encryption="luks",
                )
            ],
        ),
        network=r.NetworkSection(
            interfaces=nics,
            gateways=[r.Gateway(address="10.1.0.1", interface="eth0", family="ipv4")],
            dns_servers=["10.1.0.2"],
        ),
        peripherals=r.PeripheralsSection(
            monitors=[r.Monitor(**m) for m in (monitors or [])],
            usb_devices=[
                r.UsbDevice(
                    vendor_id="0781",
                    product_id="5581",
                    manufacturer="SanDisk",
                    product="Ultra",
                    serial="4C530001",
                    kind="storage",
                )
            ],
            batteries=[
                r.Battery(
                    name="BAT0",
                    manufacturer="HP",
                    model="HSTNN",
                    serial="B1",
                    design_capacity_wh=53.0,
                    full_charge_capacity_wh=48.0,
                )
            ],
        ),
        security=r.SecuritySection(
            firewall_enabled=firewall,
            secure_boot=True,
            tpm_version="2.0",
            disk_encryption=[r.VolumeEncryption(volume="/", encrypted=True, method="luks")],
        ),
        software=r.SoftwareSection(
            packages=[
                r.Package(
                    name=n,
                    version=v,
                    publisher="Mozilla Corporation" if "Firefox" in n else None,
                    architecture="amd64",
                    scope="system",
                    source="dpkg",
                )
                for n, v in software
            ]
        ),
    )


def payload(report: r.Report, *, acknowledged: dict[str, str] | None = None) -> dict[str, Any]:
    """The wire form: every section's hash; the acknowledged ones sent as hash only."""
    data = to_dict(report)
    data["hashes"] = {
        name: section_hash(getattr(report, name)) for name in SECTIONS if getattr(report, name) is not None
    }
    for name, digest in (acknowledged or {}).items():
        if data["hashes"].get(name) == digest:
            data[name] = None
    return data


def again(report: r.Report, *, seconds: int = 1) -> r.Report:
    """The same machine's next run: a new report id, a later collection time."""
    nxt = copy.deepcopy(report)
    nxt.report_id = str(uuid.uuid4())
    when = datetime.fromisoformat(report.collected_at.replace("Z", "+00:00")) + timedelta(seconds=seconds)
    nxt.collected_at = when.isoformat().replace("+00:00", "Z")
    return nxt


def gz(data: dict[str, Any]) -> bytes:
    return gzip.compress(json.dumps(data).encode())


def post(client: Any, node_key: str, data: dict[str, Any] | bytes, **headers: str) -> Any:
    body = data if isinstance(data, bytes) else gz(data)
    base = {
        "Authorization": f"Bearer {node_key}",
        "Content-Type": "application/json",
        "Content-Encoding": "gzip",
    }
    return client.post("/api/v1/inventory", content=body, headers={**base, **headers})


def enroll(client: Any, secret: str, report: r.Report) -> dict[str, Any]:
    response = client.post(
        "/api/v1/collectors/enroll",
        json={"secret": secret, "identity": to_dict(report.identity), "collector_version": "1.0.0"},
    )
    assert response.status_code == 201, response.text
    return response.json()
