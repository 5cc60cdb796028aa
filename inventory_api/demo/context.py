"""What the demo generators share: the scale, the seeded random source, the clock, the writer and the places,
people and machines made so far."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from inventory_api.demo.writer import BulkWriter


@dataclass(frozen=True, slots=True)
class Scale:
    """How big the organisation is; everything else (rooms, jacks, assets, numbers) follows from the people."""

    sites: int
    people: int
    orders: int
    #: Technicians per site and team.
    technicians: int


SCALES = {
    "small": Scale(sites=2, people=50, orders=1_000, technicians=1),
    "large": Scale(sites=6, people=24_000, orders=210_000, technicians=6),
}
TEAMS = ("service desk", "field services", "network & voice")


@dataclass(slots=True)
class Site:
    id: uuid.UUID
    code: str
    index: int
    did_prefix: str
    rooms: list[Room] = field(default_factory=list)
    #: team → technician user ids.
    technicians: dict[str, list[uuid.UUID]] = field(default_factory=dict)
    #: Extensions handed out so far (the next is the pool's first plus this plus one).
    extensions: int = 0
    ext_pool: uuid.UUID | None = None
    did_pool: uuid.UUID | None = None


@dataclass(slots=True)
class Room:
    id: uuid.UUID
    name: str
    site: Site
    #: Wall jacks of the room (id, label, switch port id or None), the first ones at desks.
    jacks: list[tuple[uuid.UUID, str, uuid.UUID | None]] = field(default_factory=list)


@dataclass(slots=True)
class Person:
    id: uuid.UUID
    name: str
    department: str
    site: Site
    room: Room
    desk: int
    extension: str | None = None
    #: Asset ids of this person by kind ("computer", "monitor", "ip_phone" …).
    assets: dict[str, list[uuid.UUID]] = field(default_factory=dict)


@dataclass(slots=True)
class Machine:
    """An asset the generators refer back to: work orders link it, inventory describes it."""

    id: uuid.UUID
    kind: str
    name: str
    model: str
    site: Site
    person: Person | None
    status: str


@dataclass(slots=True)
class Demo:
    """The generators' shared state."""

    scale: Scale
    rng: random.Random
    now: datetime
    writer: BulkWriter
    sites: list[Site] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    machines: list[Machine] = field(default_factory=list)
    #: model name → (model id, manufacturer id, manufacturer name, kind).
    models: dict[str, tuple[uuid.UUID, uuid.UUID, str, str]] = field(default_factory=dict)
    #: software title → (title id, [(version id, version)], OS families, share, system component, department).
    software: dict[str, tuple[uuid.UUID, list[tuple[int, str]], str, float, bool, str | None]] = field(
        default_factory=dict
    )
    #: username → user id of every technician.
    technicians: dict[str, uuid.UUID] = field(default_factory=dict)
    change_seq: int = 0

    def uuid(self) -> uuid.UUID:
        """A random UUID from the seeded source: the same seed gives the same ids."""
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def pick(self, weighted: list[tuple[Any, int]] | tuple[tuple[Any, int], ...]) -> Any:
        values, weights = zip(*weighted, strict=True)
        return self.rng.choices(values, weights)[0]

    def days_ago(self, low: float, high: float) -> datetime:
        return self.now - timedelta(days=self.rng.uniform(low, high))

    def next_seq(self) -> int:
        """The next position in the global change sequence (assets and work orders are sequenced)."""
        self.change_seq += 1
        return self.change_seq

    def add(self, model: Any, row: dict[str, Any]) -> None:
        self.writer.add(model, row)


def history(subject: uuid.UUID, subject_type: str, action: str, summary: str, at: datetime, *,
            changes: dict[str, Any] | None = None, actor: tuple[str, str | None, str | None] = ("system", None, "demo-data"),
            cause: tuple[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
    """A change_events row as `history.service.record_change` writes it."""
    return {
        "subject_type": subject_type, "subject_id": subject, "action": action, "summary": summary, "changes": changes,
        "actor_type": actor[0], "actor_id": actor[1], "actor_name": actor[2], "cause_type": cause and cause[0],
        "cause_id": cause and cause[1], "request_id": None, "occurred_at": at,
    }  # fmt: skip
