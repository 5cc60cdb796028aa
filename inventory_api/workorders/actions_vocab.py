"""The actions a work-order item can carry out on completion, and what each needs."""

#: action → (subject type, the params it needs, the params it may also take). Every action also takes `note`;
#: a param an action does not name is refused, never stored and ignored.
ACTION_SPECS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "move_asset": ("asset", ("location_id",), ("jack_id",)),
    "assign_asset": ("asset", ("person_id",), ()),
    "unassign_asset": ("asset", (), ()),
    "retire_asset": ("asset", (), ()),
    "change_asset_status": ("asset", ("status",), ()),
    "replace_component": ("asset", ("component",), ()),
    "note": ("asset", (), ()),
    "inspect": ("asset", (), ()),
    "assign_service": ("service", ("person_id",), ()),
    "move_service": ("service", ("location_id",), ()),
    "change_service": ("service", (), ("person_id", "location_id", "number", "asset_ids")),
    "activate_service": ("service", (), ()),
    "disconnect_service": ("service", (), ("dependents", "carry_to")),
    "activate_jack": ("jack", ("vlan",), ("voice_vlan",)),
}
ACTIONS = tuple(ACTION_SPECS)
#: Actions that change nothing: they link any record (asset, service or jack) to an order, with a history entry.
LINK_ACTIONS = ("note", "inspect")
SUBJECT_TYPES = ("asset", "service", "jack")
ITEM_STATUSES = ("pending", "applied")
