"""Work-order vocabularies and the lifecycle: which state may follow which."""

from inventory_api.errors import Conflict

WORK_ORDER_TYPES = ("install", "move", "add", "change", "repair", "remove", "upgrade", "other")
PRIORITIES = ("P1", "P2", "P3", "P4")
STATES = ("new", "assigned", "in_progress", "on_hold", "resolved", "closed", "cancelled")
OPEN_STATES = ("new", "assigned", "in_progress", "on_hold")
HOLD_REASONS = ("waiting_user", "waiting_vendor", "waiting_parts", "other")

#: From each state, where a work order may go next (cancelled from any open state; reopen from resolved).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("assigned", "in_progress", "cancelled"),
    "assigned": ("in_progress", "cancelled"),
    "in_progress": ("on_hold", "resolved", "cancelled"),
    "on_hold": ("in_progress", "cancelled"),
    "resolved": ("closed", "in_progress"),
    "closed": (),
    "cancelled": (),
}


def check_transition(current: str, target: str) -> None:
    """Raise 409 `invalid_transition` naming the allowed targets when `current → target` is not allowed."""
    allowed = TRANSITIONS[current]
    if target not in allowed:
        raise Conflict(
            f"a work order cannot go from {current!r} to {target!r}",
            code="invalid_transition",
            allowed=list(allowed),
        )
