"""The change sequence follows commit order, even when transactions commit out of start order."""

import pytest
from sqlalchemy import update

from inventory_api.assets.models import Asset
from inventory_api.changeseq import changes_after, mark_changed


def test_positions_are_taken_at_commit_so_a_late_commit_gets_a_later_position(db, world):
    if db.is_sqlite:
        pytest.skip("SQLite has one writer at a time: transactions cannot interleave")
    first, second = db.write_sessions(), db.write_sessions()
    try:
        first.get(Asset, world.desktop).name = "started first"
        first.flush()  # its row is written, but it commits last
        second.get(Asset, world.phone).name = "started second"
        second.commit()
        first.commit()
    finally:
        first.close()
        second.close()
    with db.sessions() as s:
        desktop, phone = s.get(Asset, world.desktop), s.get(Asset, world.phone)
        assert phone.change_seq < desktop.change_seq


def test_every_change_moves_a_record_to_the_end_and_rollbacks_take_nothing(db, session, world):
    with db.sessions() as s:
        before = {c.id: c.change_seq for c in changes_after(s, None, 0, 100)}
    assert set(before) == {world.desktop, world.phone, world.old_pc}
    session.get(Asset, world.old_pc).notes = "rolled back"
    session.flush()
    session.rollback()
    session.get(Asset, world.desktop).notes = "changed"
    session.commit()
    with db.sessions() as s:
        after = changes_after(s, None, max(before.values()), 100)
        assert [(c.id, c.change_seq) for c in after] == [(world.desktop, max(before.values()) + 1)]
        assert changes_after(s, {world.other_site}, 0, 100) == []
    session.get(Asset, world.desktop).notes = "changed"  # no real change: no new position
    session.commit()
    with db.sessions() as s:
        assert s.get(Asset, world.desktop).change_seq == max(before.values()) + 1


def test_a_core_update_can_ask_for_a_position(db, session, world):
    before = session.get(Asset, world.old_pc).change_seq
    session.execute(update(Asset).where(Asset.id == world.old_pc).values(notes="bulk"))
    mark_changed(session, session.get(Asset, world.old_pc))
    session.commit()
    with db.sessions() as s:
        assert s.get(Asset, world.old_pc).change_seq > before


def test_a_savepoint_takes_no_position_and_its_rollback_keeps_the_outer_changes(db, session, world):
    """Positions are taken at the outer commit only: taken when a savepoint is released, the counter's lock
    would queue every other writer for the rest of the transaction."""
    with db.sessions() as s:
        before = max(c.change_seq for c in changes_after(s, None, 0, 100))
    session.get(Asset, world.desktop).notes = "outer change"
    with session.begin_nested():
        session.get(Asset, world.phone).notes = "kept savepoint"
    assert session.get(Asset, world.desktop).change_seq <= before  # not yet: the outer transaction is open
    savepoint = session.begin_nested()
    session.get(Asset, world.old_pc).notes = "rolled-back savepoint"
    session.flush()
    savepoint.rollback()
    session.commit()
    with db.sessions() as s:
        changed = [c.id for c in changes_after(s, None, before, 100)]
    assert sorted(changed) == sorted([world.desktop, world.phone])
