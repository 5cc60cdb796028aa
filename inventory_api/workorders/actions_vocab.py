"""The actions a work-order item can carry out on completion, and what each needs."""

#: action → (subject type, the params it needs)
ACTION_SPECS: dict[str, tuple[str, tuple[str, ...]]] = {
    "move_asset": ("asset", ("location_id",)),
    "assign_asset": ("asset", ("person_id",)),
    "unassign_asset": ("asset", ()),
    "retire_asset": ("asset", ()),
    "change_asset_status": ("asset", ("status",)),
    "replace_component": ("asset", ("component",)),
    "note": ("asset", ()),
    "assign_service": ("service", ("person_id",)),
    "activate_service": ("service", ()),
    "disconnect_service": ("service", ()),
    "activate_jack": ("jack", ("vlan",)),
}
ACTIONS = tuple(ACTION_SPECS)
ITEM_STATUSES = ("pending", "applied")
