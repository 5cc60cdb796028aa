"""One collector run: gather within the time budget, send with the delta protocol, spool on failure."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from collector.config import Config, ConfigError, enabled_sections
from collector.delivery import EXIT_ERROR, EXIT_NOT_ENROLLED, EXIT_OK, Delivery, report_payload
from collector.paths import MAX_WAIT_SECONDS
from collector.report import to_dict
from collector.spool import Spool
from collector.state import RunLocked, State, StateStore, format_time, now_utc, parse_time
from collector.transport import EnrollError, Transport

log = logging.getLogger("collector")

Gather = Callable[[Sequence[str]], Any]


def collector_version() -> str:
    """The installed collector's version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("endpoint-inventory")
    except PackageNotFoundError:
        return "0+unknown"


def gather_within(gather: Gather, sections: Sequence[str], timeout: float) -> Any | None:
    """Run the gatherers in a thread; None if they fail or overrun the time budget."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["report"] = gather(sections)
        except Exception as exc:  # gather must not raise; if it does, the spooled report can still go out
            result["error"] = exc

    worker = threading.Thread(target=target, name="gather", daemon=True)
    worker.start()
    worker.join(max(timeout, 0.0))
    if worker.is_alive():
        log.error("gathering did not finish within the time budget (%.0f s)", timeout)
        return None
    if "error" in result:
        log.error("gathering failed: %s", result["error"])
        return None
    return result["report"]


def default_gather(sections: Sequence[str]) -> Any:
    """Build a report with the real gatherers (imported only when a run really gathers)."""
    from collector.gather import collect_report

    return collect_report(sections)


@dataclass
class Runner:
    """Everything a run touches, injectable for tests."""

    config: Config
    store: StateStore
    gather: Gather = default_gather
    clock: Callable[[], datetime] = now_utc
    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.SystemRandom)
    version: str = field(default_factory=collector_version)

    @property
    def spool(self) -> Spool:
        """The spool inside the state directory."""
        return Spool(self.store.directory, max_bytes=self.config.spool_max_bytes)

    def transport(self, server: str) -> Transport:
        """A transport to the given server with the configured TLS trust and timeout."""
        return Transport(
            server, version=self.version, ca_file=self.config.ca_file, timeout=self.config.timeout_seconds
        )

    def run(self, *, force: bool = False, splay_seconds: float = 0.0) -> int:
        """Gather and send one report; spool it when the server cannot take it now."""
        try:
            with self.store.run_lock():
                return self.run_locked(force=force, splay_seconds=splay_seconds)
        except RunLocked as exc:
            log.warning("%s; nothing to do", exc)
            return EXIT_OK

    def run_locked(self, *, force: bool, splay_seconds: float) -> int:
        """The run itself, while holding the state directory."""
        state = self.store.load()
        due = state.due_at()
        now = self.clock()
        if not force and due is not None and now < due <= now + timedelta(seconds=MAX_WAIT_SECONDS):
            log.info("next report is due at %s; nothing to do", format_time(due))
            return EXIT_OK
        server = self.config.server or state.server
        if server is None:
            raise ConfigError("no server configured and not enrolled: run `inventory-collector enroll`")
        node_key = self.store.read_node_key()
        if node_key is None and not self.config.enroll_secret:
            log.error("not enrolled: run `inventory-collector enroll --server URL --secret S`")
            return EXIT_NOT_ENROLLED
        sections = enabled_sections(self.config.sections_disabled)
        if splay_seconds > 0:
            self.sleep(self.rng.uniform(0, splay_seconds))
        budget = self.config.time_budget_seconds
        deadline = self.monotonic() + budget
        spool = self.spool
        spooled = spool.load()
        replaced = spool.replaced
        # Gathering may use the budget except what one send needs, so a spooled report can still go out.
        fresh = gather_within(self.gather, sections, budget - min(self.config.timeout_seconds, budget / 2))
        if fresh is not None:
            report = report_payload(fresh)
            replaced += 1 if spooled is not None else 0  # the fresh snapshot supersedes the spooled one
        elif spooled is not None:
            log.warning("sending the spooled report from %s instead", spooled.get("collected_at"))
            report = spooled
        else:
            state.last_error = "gathering failed or overran the time budget"
            self.store.save(state)
            return EXIT_ERROR
        full = spooled is not None or not state.acknowledged
        return Delivery(self, state, server, report, replaced, deadline).send(node_key, full=full)

    def enroll(self, *, server: str, secret: str) -> int:
        """Obtain a node key for this machine and remember the server it belongs to."""
        fresh = gather_within(self.gather, [], self.config.time_budget_seconds)
        if fresh is None:
            return EXIT_ERROR
        try:
            with self.store.run_lock():
                state = self.store.load()
                self.enroll_identity(state, server, secret, to_dict(fresh.identity))
                self.store.save(state)
        except (EnrollError, RunLocked) as exc:
            log.error("enrollment failed: %s", exc)
            return EXIT_NOT_ENROLLED
        print(f"enrolled with {server} as asset {state.asset_id or '(pending)'}")
        return EXIT_OK

    def enroll_identity(
        self, state: State, server: str, secret: str, identity: dict[str, Any], timeout: float | None = None
    ) -> str:
        """Enroll with the given identity, store the node key and reset the delta state."""
        enrollment = self.transport(server).enroll(secret=secret, identity=identity, timeout=timeout)
        self.store.write_node_key(enrollment.node_key)
        state.server = server
        state.asset_id = enrollment.asset_id
        self.forget_acknowledged(state)
        state.next_report_at = parse_time(enrollment.next_report_at)
        state.backoff_attempts = 0
        state.not_before = None
        log.info("enrolled with %s as asset %s", server, enrollment.asset_id)
        return enrollment.node_key

    def forget_acknowledged(self, state: State) -> None:
        """Forget what the server acknowledged (hashes and software.json): the next report goes out in full."""
        state.acknowledged = {}
        self.store.drop_software_base()
