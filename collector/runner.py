"""One collector run: gather within the time budget, send with the delta protocol, spool on failure."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from collector.config import Config, ConfigError
from collector.report import SECTIONS, section_hash, to_dict
from collector.spool import Spool, next_attempt_at
from collector.state import State, StateStore, format_time, now_utc, parse_time
from collector.transport import EnrollError, Outcome, OutcomeKind, Transport

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_NOT_ENROLLED = 3
EXIT_REJECTED = 4
EXIT_SPOOLED = 75  # EX_TEMPFAIL: the report waits in the spool

log = logging.getLogger("collector")

Gather = Callable[[Sequence[str]], Any]


def collector_version() -> str:
    """The installed collector's version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("endpoint-inventory")
    except PackageNotFoundError:
        return "0+unknown"


def enabled_sections(disabled: Sequence[str]) -> list[str]:
    """The report sections to gather; an unknown name in the disabled list is a config error."""
    unknown = sorted(set(disabled) - set(SECTIONS))
    if unknown:
        raise ConfigError(f"sections_disabled: unknown section(s) {', '.join(unknown)}; known: {SECTIONS}")
    return [name for name in SECTIONS if name not in disabled]


def report_payload(report: Any) -> dict[str, Any]:
    """The full wire form of a report, with the hash of every section present."""
    payload = to_dict(report)
    hashes = dict(payload.get("hashes") or {})
    for name in SECTIONS:
        if payload.get(name) is not None and name not in hashes:
            hashes[name] = section_hash(getattr(report, name))
    payload["hashes"] = hashes
    return payload


def delta_payload(
    full: dict[str, Any], acknowledged: dict[str, str], *, keep: Sequence[str] = ()
) -> dict[str, Any]:
    """Replace every section whose hash the server acknowledged by null (its hash stays in `hashes`)."""
    payload = dict(full)
    hashes = full.get("hashes") or {}
    for name in SECTIONS:
        if name in keep or payload.get(name) is None:
            continue
        if hashes.get(name) is not None and acknowledged.get(name) == hashes[name]:
            payload[name] = None
    return payload


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
        state = self.store.load()
        due = state.due_at()
        if not force and due is not None and self.clock() < due:
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
        state = self.store.load()
        try:
            self.enroll_identity(state, server, secret, to_dict(fresh.identity))
        except EnrollError as exc:
            log.error("enrollment failed: %s", exc)
            return EXIT_NOT_ENROLLED
        self.store.save(state)
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
        state.acknowledged = {}
        state.next_report_at = parse_time(enrollment.next_report_at)
        state.backoff_attempts = 0
        state.not_before = None
        log.info("enrolled with %s as asset %s", server, enrollment.asset_id)
        return enrollment.node_key


@dataclass
class Delivery:
    """Sending one report: the retries within a run and the bookkeeping after it."""

    runner: Runner
    state: State
    server: str
    report: dict[str, Any]
    replaced: int
    deadline: float

    def remaining(self) -> float:
        """Seconds left of the run's time budget for a network call, capped by the configured timeout."""
        budget = self.deadline - self.runner.monotonic()
        return max(0.0, min(self.runner.config.timeout_seconds, budget))

    def send(self, node_key: str | None, *, full: bool) -> int:
        """Send, resend once on 409 sections_required, re-enroll once with a configured secret."""
        secret = self.runner.config.enroll_secret
        if node_key is None:
            node_key = self.try_enroll(secret)
            if node_key is None:
                return EXIT_NOT_ENROLLED
            full = True
        payload = self.report if full else delta_payload(self.report, self.state.acknowledged)
        resent = reenrolled = False
        while True:
            if self.remaining() <= 0:
                return self.retry_later(Outcome(OutcomeKind.RETRY_LATER, detail="time budget used up"))
            outcome = self.runner.transport(self.server).send_report(
                payload, node_key=node_key, replaced=self.replaced, timeout=self.remaining()
            )
            if outcome.kind is OutcomeKind.SECTIONS_REQUIRED and not resent:
                log.info("server asks for sections in full: %s", ", ".join(outcome.sections) or "all")
                resent = True
                keep = outcome.sections or SECTIONS
                payload = delta_payload(self.report, self.state.acknowledged, keep=keep)
                continue
            if outcome.kind is OutcomeKind.REENROLL and secret and not reenrolled:
                log.warning("server refused the node key (%s); enrolling again", outcome.code)
                reenrolled = True
                self.runner.store.drop_node_key()
                node_key = self.try_enroll(secret)
                if node_key is None:
                    return EXIT_NOT_ENROLLED
                payload = self.report
                continue
            return self.finish(outcome)

    def try_enroll(self, secret: str | None) -> str | None:
        """Enroll with the report's identity; on failure keep the report spooled."""
        if not secret:
            return None
        if self.remaining() <= 0:
            self.retry_later(Outcome(OutcomeKind.RETRY_LATER, detail="time budget used up before enrolling"))
            return None
        try:
            return self.runner.enroll_identity(
                self.state, self.server, secret, self.report["identity"], timeout=self.remaining()
            )
        except EnrollError as exc:
            log.error("enrollment failed: %s", exc)
            self.retry_later(Outcome(OutcomeKind.RETRY_LATER, detail=f"enrollment failed: {exc}"))
            return None

    def finish(self, outcome: Outcome) -> int:
        """Record what the server said and keep, spool or drop the report accordingly."""
        state, runner = self.state, self.runner
        if outcome.kind is OutcomeKind.APPLIED:
            acknowledged = outcome.body.get("acknowledged")
            state.acknowledged = (
                {str(k): str(v) for k, v in acknowledged.items()} if isinstance(acknowledged, dict) else {}
            )
            state.next_report_at = parse_time(outcome.body.get("next_report_at"))
            state.asset_id = str(outcome.body.get("asset_id") or state.asset_id or "") or None
            state.backoff_attempts = 0
            state.not_before = None
            state.last_error = None
            state.last_success_at = runner.clock()
            runner.spool.clear()
            runner.store.save(state)
            log.info("report %s: %s", self.report.get("report_id"), outcome.body.get("status", "applied"))
            return EXIT_OK
        if outcome.kind is OutcomeKind.REENROLL:
            runner.store.drop_node_key()
            state.acknowledged = {}
            self.spool_report()
            state.last_error = f"node key refused ({outcome.code}): run `inventory-collector enroll`"
            runner.store.save(state)
            log.error("%s", state.last_error)
            return EXIT_NOT_ENROLLED
        if outcome.kind is OutcomeKind.REJECTED:
            runner.spool.clear()
            state.last_rejected = {
                "at": format_time(runner.clock()),
                "http_status": outcome.http_status,
                "code": outcome.code,
                "detail": outcome.detail,
                "report_id": self.report.get("report_id"),
            }
            log.error("server rejected the report (%s): %s", outcome.http_status, outcome.detail)
            self.back_off(outcome)
            runner.store.save(state)
            return EXIT_REJECTED
        if outcome.kind is OutcomeKind.SECTIONS_REQUIRED:
            state.acknowledged = {}  # the next run sends every section in full
        return self.retry_later(outcome)

    def retry_later(self, outcome: Outcome) -> int:
        """Spool the full report and back off."""
        self.spool_report()
        self.back_off(outcome)
        self.state.last_error = outcome.detail or f"HTTP {outcome.http_status}"
        self.runner.store.save(self.state)
        log.warning(
            "report spooled (%s); next attempt not before %s",
            self.state.last_error,
            format_time(self.state.not_before),
        )
        return EXIT_SPOOLED

    def back_off(self, outcome: Outcome) -> None:
        """Count a failed attempt and set the earliest time of the next one."""
        self.state.backoff_attempts += 1
        self.state.not_before = next_attempt_at(
            self.runner.clock(),
            self.state.backoff_attempts,
            rng=self.runner.rng,
            retry_after=outcome.retry_after_seconds,
        )

    def spool_report(self) -> None:
        """Keep the full report for the next run, unless it exceeds the spool bound."""
        if not self.runner.spool.put(self.report):
            log.error("report exceeds spool_max_bytes (%d); not spooled", self.runner.config.spool_max_bytes)
