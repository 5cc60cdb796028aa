"""Collector benchmark: `inventory-collector show --json` against `fusioninventory-agent --local`, alternately.

Usage: .venv/bin/python benchmarks/collector.py [--runs N] [--no-fusion]

How each figure is measured (Linux):
- wall: monotonic clock from spawn to exit (os.wait4);
- cpu: user + system time of the process and of every descendant it waited for (wait4 rusage);
- peak rss: ru_maxrss from wait4, the largest peak of any one process in the tree (the kernel keeps
  max(self, children)); and "tree rss", the largest sum of the RSS of all live processes in the tree,
  sampled every 2 ms with psutil (short-lived children may be missed by the sampling, never by ru_maxrss);
- children: processes created (fork, vfork, clone without CLONE_THREAD), counted in a separate run under
  `strace -f`, so that tracing does not slow the timed runs.
Cold: the collector's only cache (py-cpuinfo facts) is deleted before the run. Warm: it is kept. Both run
with compiled bytecode, as a pip install leaves it (one untimed run compiles it first).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
MIB = 1024 * 1024
# The goals of issue #17 (the earlier ones were 0.25 s and 30 MiB).
TARGETS = {"wall_s": 0.10, "peak_mib": 20.0, "children": 10}
_CREATE = re.compile(r"^\d+\s+(?:fork|vfork|clone3?)\(.*\)\s+=\s+(\d+)")


@dataclass
class Sample:
    """One timed run."""

    wall_s: float
    cpu_s: float
    maxrss_mib: float
    tree_rss_mib: float
    exit_code: int


def collector_command() -> list[str]:
    """The installed entry point, or `python -m collector` when the script is not installed."""
    script = ROOT / ".venv" / "bin" / "inventory-collector"
    if script.exists():
        return [str(script), "show", "--json"]
    return [sys.executable, "-m", "collector", "show", "--json"]


def fusion_command(out_dir: Path) -> list[str] | None:
    """fusioninventory-agent writing its XML to a scratch directory, when installed."""
    agent = shutil.which("fusioninventory-agent")
    return [agent, "--local", str(out_dir)] if agent else None


def _poll_tree_rss(pid: int, stop: threading.Event, peak: list[int]) -> None:
    try:
        root = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    while not stop.is_set():
        total = 0
        try:
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        for proc in procs:
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                continue
        peak[0] = max(peak[0], total)
        stop.wait(0.002)


def timed_run(command: list[str], env: dict[str, str]) -> Sample:
    """Run once; wall, CPU and peak RSS of the whole process tree."""
    start = time.monotonic()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stop, peak = threading.Event(), [0]
    poller = threading.Thread(target=_poll_tree_rss, args=(proc.pid, stop, peak), daemon=True)
    poller.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    stop.set()
    poller.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Sample(
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        maxrss_mib=usage.ru_maxrss * 1024 / MIB,  # ru_maxrss is in KiB on Linux
        tree_rss_mib=peak[0] / MIB,
        exit_code=proc.returncode,
    )


def count_children(command: list[str], env: dict[str, str]) -> int | None:
    """Processes created by the command and its descendants (threads excluded), from an strace log."""
    strace = shutil.which("strace")
    if strace is None:
        return None
    with tempfile.NamedTemporaryFile("r", suffix=".strace") as log:
        trace = [strace, "-f", "-qq", "-o", log.name, "-e", "trace=fork,vfork,clone,clone3", *command]
        subprocess.run(trace, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        created = 0
        for line in log.read().splitlines():
            match = _CREATE.match(line)
            if match and int(match.group(1)) > 0 and "CLONE_THREAD" not in line:
                created += 1
        return created


def summary(name: str, samples: list[Sample], children: int | None) -> str:
    """One table row: median and worst of each figure."""

    def pair(values: list[float], fmt: str) -> str:
        return f"{format(statistics.median(values), fmt)} / {format(max(values), fmt)}"

    return (
        f"| {name} | {pair([s.wall_s for s in samples], '.3f')} | {pair([s.cpu_s for s in samples], '.3f')} "
        f"| {pair([s.maxrss_mib for s in samples], '.1f')} | {pair([s.tree_rss_mib for s in samples], '.1f')} "
        f"| {children if children is not None else 'n/a'} | {len(samples)} |"
    )


def verdict(samples: list[Sample], children: int | None) -> str:
    """Which targets the median and the worst run meet (the worst one shows contention from other work)."""

    def mark(value: float, limit: float) -> str:
        return "ok" if value <= limit else "MISSED"

    walls = [s.wall_s for s in samples]
    worst_rss = max(max(s.maxrss_mib, s.tree_rss_mib) for s in samples)
    return ", ".join(
        [
            f"wall median {mark(statistics.median(walls), TARGETS['wall_s'])}, worst {mark(max(walls), TARGETS['wall_s'])}",
            f"rss {mark(worst_rss, TARGETS['peak_mib'])}",
            f"children {mark(children if children is not None else 1e9, TARGETS['children'])}",
        ]
    )


def main() -> int:
    """Run the comparison and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each configuration")
    parser.add_argument("--no-fusion", action="store_true", help="skip fusioninventory-agent")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="collector-bench-"))
    cache = scratch / "cache"
    # As installed by pip, with compiled bytecode: PYTHONDONTWRITEBYTECODE (set in some dev shells) would make
    # every run compile ~50 modules from source; the .pyc files go to the scratch directory, not the tree.
    env = {
        **os.environ,
        "INVENTORY_COLLECTOR_CACHE_DIR": str(cache),
        "PYTHONPYCACHEPREFIX": str(scratch / "pyc"),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    collector = collector_command()
    fusion = None if args.no_fusion else fusion_command(scratch / "fusion")
    if fusion:
        (scratch / "fusion").mkdir()
    results: dict[str, list[Sample]] = {"collector cold": [], "collector warm": [], "fusioninventory": []}

    subprocess.run(collector, env=env, stdout=subprocess.DEVNULL, check=True)  # compile .pyc files once
    for _ in range(args.runs):
        shutil.rmtree(cache, ignore_errors=True)
        results["collector cold"].append(timed_run(collector, env))
        if fusion:
            results["fusioninventory"].append(timed_run(fusion, env))
        results["collector warm"].append(timed_run(collector, env))

    shutil.rmtree(cache, ignore_errors=True)
    children = {
        "collector cold": count_children(collector, env),
        "collector warm": count_children(collector, env),
    }
    if fusion:
        children["fusioninventory"] = count_children(fusion, env)

    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(
        f"# collector benchmark — {stamp}, {os.cpu_count()} CPUs, load average {load} (other work skews wall)"
    )
    print(f"collector: {' '.join(collector)}")
    if fusion:
        print(f"fusion:    {' '.join(fusion)}")
    print()
    print(
        "| run | wall s (median / max) | CPU s | peak RSS MiB (ru_maxrss) | tree RSS MiB (sampled) "
        "| child processes | runs |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, samples in results.items():
        if samples:
            print(summary(name, samples, children.get(name)))
    print()
    for name in ("collector cold", "collector warm"):
        failed = [s.exit_code for s in results[name] if s.exit_code != 0]
        print(
            f"{name}: {verdict(results[name], children[name])}" + (f"; exit codes {failed}" if failed else "")
        )
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
