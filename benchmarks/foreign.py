"""Other agents' inventories against our collector's, of the same machine, in the same run, driven by `wrk`.

    .venv/bin/python benchmarks/foreign.py [--db both|postgresql|sqlite] [--duration 5] [--connections 4]

This machine (about 900 dpkg packages) is inventoried three ways:

- our collector's full report (`python -m collector show --json`: every section with its packages);
- the GLPI agent's JSON inventory: the FusionInventory agent's recorded XML of this machine
  (tests/api/agents/fixtures/fusioninventory/debian12-kvm-vm.xml) read into the JSON shape the GLPI agent sends;
- the OCS Inventory agent's XML (`ocsinventory-agent --local`, run now; zlib-compressed as the agent sends it).

Each is admitted once (enrolled, or its first inventory applied), then sent again and again with nothing changed
but a field nobody reads (a report id, an account tag), so that every request is a full inventory the service
maps, hashes and compares — and finds unchanged — rather than a duplicate it recognises. For each: req/s, p50/p99
and the primary figure, the server's and the database's CPU per report; the issue's bar is a foreign report at
most 1.5× ours.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import subprocess
import sys
import tempfile
import uuid
import zlib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from benchmarks.fleet_hour import measure  # noqa: E402
from benchmarks.ingest import drop_database, free_port, make_database, prepare, serve, stop  # noqa: E402
from inventory_api.agents.xml import parse_agent_xml  # noqa: E402

FUSION_XML = ROOT / "tests/api/agents/fixtures/fusioninventory/debian12-kvm-vm.xml"
#: Prepared per kind; wrk rotates through them (5 s of our full report at ~340 req/s repeats none).
BODIES = 2500


def our_report() -> dict[str, Any]:
    shown = subprocess.run([sys.executable, "-m", "collector", "show", "--json"], cwd=ROOT, capture_output=True,
                           check=True, timeout=120).stdout  # fmt: skip
    return json.loads(shown)


def glpi_inventory() -> dict[str, Any]:
    message = parse_agent_xml(FUSION_XML.read_bytes())
    return {"action": "inventory", "deviceid": "bench-glpi-2026-12-04-00-00-00", "itemtype": "Computer",
            "content": message.content}  # fmt: skip


def ocs_inventory(workdir: Path) -> bytes | None:
    if shutil.which("ocsinventory-agent") is None:
        return None
    out = workdir / "ocs"
    out.mkdir()
    subprocess.run(["ocsinventory-agent", f"--local={out}", f"--basevardir={workdir / 'ocs-var'}"],
                   capture_output=True, check=True, timeout=300)  # fmt: skip
    return next(out.glob("*.ocs")).read_bytes()


def bodies(report: dict[str, Any], glpi: dict[str, Any], ocs: bytes | None) -> dict[str, list[bytes]]:
    """Each kind's first body and BODIES more that differ only where the service does not look."""
    ours = [
        gzip.compress(json.dumps({**report, "report_id": str(uuid.uuid4())}).encode())
        for _ in range(BODIES + 1)
    ]
    tagged = []
    for n in range(BODIES + 1):
        content = {**glpi["content"], "accountinfo": [{"keyname": "TAG", "keyvalue": f"bench-{n}"}]}
        tagged.append(zlib.compress(json.dumps({**glpi, "content": content}).encode()))
    result = {"ours": ours, "glpi": tagged}
    if ocs is not None:
        # The account tag OCS agents carry, varied: the service ignores it, the body (and its report id) differ.
        result["ocs"] = [zlib.compress(ocs.replace(b"<CONTENT>", f"<CONTENT><ACCOUNTINFO><KEYNAME>TAG</KEYNAME>"
                                                   f"<KEYVALUE>bench-{n}</KEYVALUE></ACCOUNTINFO>".encode(), 1))
                         for n in range(BODIES + 1)]  # fmt: skip
    return result


def site_secrets(url: str, names: list[str]) -> dict[str, str]:
    """A site and its enroll secret per inventory kind: the same machine, inventoried three ways, is three machines
    (enrollment binds within a site), so that no agent is superseded by our collector's enrollment."""
    from inventory_api.db import Database
    from inventory_api.history.service import Actor, set_actor
    from inventory_api.ingest.service import create_enroll_secret
    from inventory_api.locations.models import Location

    db = Database(url)
    secrets = {}
    with db.transaction() as session:
        set_actor(session, Actor("system", name="benchmark"))
        for name in names:
            site = Location(kind="site", name=f"Benchmark {name}")
            session.add(site)
            session.flush()
            site.site_id = site.id
            secrets[name] = create_enroll_secret(session, name=name, site_id=site.id)[1]
    db.dispose()
    return secrets


def run(kind: str, made: dict[str, list[bytes]], report: dict[str, Any], args: argparse.Namespace,
        workdir: Path) -> list[dict[str, Any]]:  # fmt: skip
    url = make_database(kind, workdir)
    rows = []
    try:
        prepare(url)
        secrets = site_secrets(url, ["ours", "glpi", "ocs"])
        env = {"INVENTORY_DATABASE_URL": url, "INVENTORY_WORKER_IN_SERVE": "false",
               "INVENTORY_REPORT_MIN_INTERVAL_SECONDS": "0", "INVENTORY_CLOCK_SKEW_FLAG_SECONDS": "8640000"}  # fmt: skip
        port = free_port()
        server = serve("inventory_api.main:create_app", port, 1, env, workdir / f"server-{kind}.log")
        try:
            base = f"http://127.0.0.1:{port}"
            with httpx.Client(base_url=base, timeout=120) as client:
                enrolled = client.post("/api/v1/collectors/enroll", json={
                    "secret": secrets["ours"], "identity": report["identity"], "collector_version": "1.0.0"})  # fmt: skip
                key = enrolled.raise_for_status().json()["node_key"]
                kinds = {
                    "glpi": (
                        "POST",
                        f"/api/v1/agents/glpi/{secrets['glpi']}",
                        "-",
                        "application/x-compress-zlib",
                        "-",
                    ),
                    "ocs": (
                        "POST",
                        f"/api/v1/agents/ocs/{secrets['ocs']}",
                        "-",
                        "application/x-compress",
                        "-",
                    ),
                }
                paths: dict[str, list[tuple[Any, ...]]] = {"/healthz": [("GET", "/healthz", "-", None)]}
                for name, (method, path, token, media, encoding) in kinds.items():
                    if name not in made:
                        continue
                    first = client.post(path, content=made[name][0], headers={"Content-Type": media})
                    assert first.status_code == 200, (name, first.text[:300])
                    paths[f"{name} inventory"] = [
                        (method, path, token, b, media, encoding) for b in made[name][1:]
                    ]
                first = client.post("/api/v1/inventory", content=made["ours"][0], headers={
                    "Authorization": f"Bearer {key}", "Content-Type": "application/json", "Content-Encoding": "gzip"})  # fmt: skip
                assert first.status_code == 200, first.text[:300]
                paths["our full report"] = [("POST", "/api/v1/inventory", key, b) for b in made["ours"][1:]]
            for name, entries in paths.items():
                result = measure(
                    name.replace(" ", "-").strip("/"), server, url, port, workdir / kind, entries, args
                )
                rows.append({"db": kind, "path": name, **result})
                print(line(rows[-1]), flush=True)
        finally:
            stop(server)
    finally:
        drop_database(url)
    return rows


def line(row: dict[str, Any]) -> str:
    db = f"{row['db_ms']:.2f}" if row["db_ms"] is not None else "(in server)"
    warn = f"  {row['non_2xx']} non-2xx" if row["non_2xx"] else ""
    warn += "  (list wrapped: repeats)" if row["wrapped"] and row["path"] != "/healthz" else ""
    return (f"{row['db']:<10} {row['path']:<18} {row['rps']:>8.0f} {row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f}"
            f" {row['server_ms']:>9.2f} {db:>11}{warn}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("both", "postgresql", "sqlite"), default="both")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-foreign-"))
    report = our_report()
    made = bodies(report, glpi_inventory(), ocs_inventory(workdir))
    print(
        f"our report: {len(report['software']['packages'])} packages; OCS agent: {'yes' if 'ocs' in made else 'not installed'}"
    )
    print(
        f"{'db':<10} {'path':<18} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'server ms':>9} {'db ms':>11}  (CPU per request)"
    )
    rows = []
    for kind in ("sqlite", "postgresql") if args.db == "both" else (args.db,):
        rows += run(kind, made, report, args, workdir)
    for kind in sorted({r["db"] for r in rows}):
        cost = {r["path"]: r["server_ms"] + (r["db_ms"] or 0.0) for r in rows if r["db"] == kind}
        ours = cost["our full report"]
        for name in ("glpi inventory", "ocs inventory"):
            if name in cost:
                print(
                    f"{kind}: {name} costs {cost[name] / ours:.2f}× our full report (server + database CPU)"
                )


if __name__ == "__main__":
    main()
