"""Delivering one report: delta payloads, the answers of the server, spool and backoff bookkeeping."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from collector.report import SECTIONS, section_hash, to_dict
from collector.software_delta import build_software_delta
from collector.spool import next_attempt_at
from collector.state import State, format_time, parse_time
from collector.transport import EnrollError, Outcome, OutcomeKind

if TYPE_CHECKING:
    from collections.abc import Sequence

    from collector.runner import Runner

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_NOT_ENROLLED = 3
EXIT_REJECTED = 4
EXIT_SPOOLED = 75  # EX_TEMPFAIL: the report waits in the spool

log = logging.getLogger("collector")


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
        payload = self.report if full else self.payload()
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
                payload = self.payload(keep=keep)
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

    def payload(self, *, keep: Sequence[str] = ()) -> dict[str, Any]:
        """The report with acknowledged sections as null and, unless kept in full, software as a package delta."""
        payload = delta_payload(self.report, self.state.acknowledged, keep=keep)
        if "software" not in keep and self.software_delta is not None:
            payload["software"] = None
            payload["software_delta"] = self.software_delta
        return payload

    @cached_property
    def software_delta(self) -> dict[str, Any] | None:
        """The software section as the packages changed since the acknowledged one, when few changed.

        software.json is read only when the software hash changed, so a quiet run parses nothing more.
        """
        software = self.report.get("software")
        new_hash = (self.report.get("hashes") or {}).get("software")
        base_hash = self.state.acknowledged.get("software")
        if not isinstance(software, dict) or not isinstance(software.get("packages"), list):
            return None
        if new_hash is None or base_hash is None or new_hash == base_hash:
            return None
        base = self.runner.store.read_software_base(base_hash)
        if base is None:
            log.debug("no acknowledged software section on file; software goes in full")
            return None
        delta = build_software_delta(base_hash, base, software["packages"])
        if delta is None:
            log.debug("many packages changed; software goes in full")
        else:
            log.info("software as a delta: %d added, %d removed", len(delta["added"]), len(delta["removed"]))
        return delta

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
            previous = state.acknowledged.get("software")
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
            self.keep_software_base(previous)
            log.info("report %s: %s", self.report.get("report_id"), outcome.body.get("status", "applied"))
            return EXIT_OK
        if outcome.kind is OutcomeKind.REENROLL:
            runner.store.drop_node_key()
            runner.forget_acknowledged(state)
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
            runner.forget_acknowledged(state)  # the next run sends every section in full
        return self.retry_later(outcome)

    def keep_software_base(self, previous: str | None) -> None:
        """Keep the software section the server acknowledged as the next delta's base, once per change."""
        software = self.report.get("software")
        sent = (self.report.get("hashes") or {}).get("software")
        store = self.runner.store
        if not isinstance(software, dict) or sent is None or self.state.acknowledged.get("software") != sent:
            return  # not sent, or the server kept another section (a stale report)
        if sent == previous and store.software_base_path.exists():
            return  # unchanged: software.json holds it already (no 300 KB rewrite per run)
        try:
            store.write_software_base(sent, software.get("packages") or [])
        except OSError as exc:  # only the next delta is lost: that report goes in full
            log.warning("could not keep the acknowledged software section: %s", exc)

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
