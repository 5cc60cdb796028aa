"""A synthetic fleet for the ingest benchmark: realistic reports, built reproducibly from a seed."""

from __future__ import annotations

import copy
import random
import uuid
from datetime import UTC, datetime, timedelta

from collector import report as r

GiB = 1024**3
PUBLISHERS = [
    "Microsoft Corporation",
    "Mozilla",
    "Google LLC",
    "Adobe Inc.",
    "Ubuntu Developers <u@example>",
    "Contoso GmbH",
    None,
]


def title_pool(size: int, rng: random.Random) -> list[tuple[str, str | None, list[str]]]:
    """`size` titles, each with a publisher and 1–4 versions in circulation (version skew across the fleet)."""
    pool = []
    for i in range(size):
        versions = [
            f"{rng.randint(1, 30)}.{rng.randint(0, 20)}.{rng.randint(0, 99)}"
            for _ in range(rng.randint(1, 4))
        ]
        pool.append((f"package-{i:05d}", rng.choice(PUBLISHERS), versions))
    return pool


def machine_report(i: int, pool: list[tuple[str, str | None, list[str]]], rng: random.Random) -> r.Report:
    """Machine number i: 300–1500 packages, 1–3 monitors, a dock on laptops, several NICs."""
    laptop = i % 3 == 0
    macs = [
        f"3c:52:82:{i >> 16 & 255:02x}:{i >> 8 & 255:02x}:{i & 255:02x}",
        f"a4:bb:6d:{i >> 16 & 255:02x}:{i >> 8 & 255:02x}:{i & 255:02x}",
    ]
    identity = r.Identity(
        hostname=f"ws-{i:05d}", fqdn=f"ws-{i:05d}.corp.example", machine_id=uuid.UUID(int=i + 1).hex,
        system_uuid=str(uuid.UUID(int=(i + 1) << 64 | 0x4000)), serial=f"SN{i:07d}", manufacturer="Dell Inc.",
        product="Latitude 7440" if laptop else "OptiPlex 7010", physical_macs=macs,
    )  # fmt: skip
    packages = [
        r.Package(name=name, version=rng.choice(versions), publisher=publisher, architecture="x64", scope="system", source="msi")
        for name, publisher, versions in rng.sample(pool, rng.randint(300, 1500))
    ]  # fmt: skip
    monitors = [
        r.Monitor(manufacturer="DEL", manufacturer_name="Dell", model="DELL P2422H", serial=f"MON{i:06d}{k}", connector=f"DP-{k}")
        for k in range(rng.randint(1, 3))
    ]  # fmt: skip
    usb = [
        r.UsbDevice(
            vendor_id="046d",
            product_id="c52b",
            manufacturer="Logitech",
            product="Unifying Receiver",
            kind="hid",
        )
    ]
    if laptop:
        usb.append(
            r.UsbDevice(
                vendor_id="413c",
                product_id="b06e",
                manufacturer="Dell",
                product="WD19 Dock",
                serial=f"DOCK{i:06d}",
                kind="dock",
            )
        )
    nics = [
        r.NetworkInterface(name=f"eth{k}", mac=mac, kind="ethernet", is_physical=True, state="up", link_speed_mbps=1000, mtu=1500,
                           addresses=[r.IpAddress(address=f"10.{k}.{i >> 8 & 255}.{i & 255}", prefix_length=16, family="ipv4"),
                                      r.IpAddress(address=f"fe80::{k}:{i:x}", prefix_length=64, family="ipv6")])
        for k, mac in enumerate(macs)
    ]  # fmt: skip
    return r.Report(
        report_id=str(uuid.uuid4()), collected_at=now_text(), collector_version="1.0.0", identity=identity,
        status=r.Status(uptime_seconds=3600, logged_in_user=f"user{i}", volumes=[r.VolumeUsage(mount_point="C:", size_bytes=512 * 10**9, free_bytes=200 * 10**9)]),
        system=r.SystemSection(os=r.OperatingSystem(family="windows", name="Windows 11 Enterprise", version="23H2", build="22631", architecture="x86_64"),
                               manufacturer="Dell Inc.", product=identity.product, serial=identity.serial, system_uuid=identity.system_uuid,
                               chassis_type="Notebook" if laptop else "Desktop", bios_vendor="Dell Inc.", bios_version="1.2.3", virtualization="physical"),
        hardware=r.HardwareSection(
            cpus=[r.Cpu(socket=0, vendor="GenuineIntel", model="13th Gen Intel Core i7-1365U", physical_cores=10, logical_processors=12)],
            memory_total_bytes=16 * GiB, memory_modules=[r.MemoryModule(slot=f"DIMM{k}", size_bytes=8 * GiB, type="DDR5", serial=f"M{i}{k}") for k in range(2)],
            disks=[r.Disk(name="nvme0", model="PM9A1", serial=f"S{i:08d}", size_bytes=512 * 10**9, kind="ssd", bus="nvme")],
            volumes=[r.Volume(mount_point="C:", filesystem="NTFS", size_bytes=512 * 10**9, encrypted=True, encryption="bitlocker")],
            gpus=[r.Gpu(vendor="Intel", model="Iris Xe", vendor_id="8086", device_id="a7a1")],
        ),
        network=r.NetworkSection(interfaces=nics, gateways=[r.Gateway(address="10.0.0.1", interface="eth0", family="ipv4")], dns_servers=["10.0.0.2"]),
        peripherals=r.PeripheralsSection(monitors=monitors, usb_devices=usb,
                                         batteries=[r.Battery(name="BAT0", serial=f"B{i}", design_capacity_wh=58.0)] if laptop else []),
        security=r.SecuritySection(firewall_enabled=True, secure_boot=True, tpm_version="2.0", antivirus=[r.Antivirus(name="Defender", enabled=True)]),
        software=r.SoftwareSection(packages=packages),
    )  # fmt: skip


def now_text(offset: float = 0) -> str:
    return (datetime.now(UTC) + timedelta(seconds=offset)).isoformat().replace("+00:00", "Z")


def next_run(report: r.Report, *, changed_packages: int, rng: random.Random, pool: list) -> r.Report:
    """The same machine an hour later: a new report id and time; `changed_packages` upgraded."""
    nxt = copy.deepcopy(report)
    nxt.report_id, nxt.collected_at = str(uuid.uuid4()), now_text(1)
    nxt.status.uptime_seconds = (nxt.status.uptime_seconds or 0) + 3600
    for package in rng.sample(nxt.software.packages, changed_packages):
        package.version = f"{package.version}.1"
    return nxt
