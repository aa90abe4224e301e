"""The tallies kept step by step by the life cycle equal a full rebuild from the entries.

Each example runs a random sequence of verify / adjust / return / reject /
resubmit / reopen actions through `competition.lifecycle` on the small world,
checks the incremental standings against `standings.rebuild`, and rolls the
whole sequence back so the next example starts from the same world.
"""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competition import lifecycle, scoring, standings
from competition.extensions import db
from competition.models import Entry
from tests import factories

CRITERIA = ("KH", "HN", "TB", "PT", "DV", "CT", "AN")
DAYS = (date(2021, 3, 15), date(2021, 4, 10), date(2021, 4, 20), date(2021, 5, 2),
        date(2021, 5, 9))
ACTIONS = ("verify", "adjust", "return", "reject", "resubmit", "reopen")

new_entry = st.tuples(
    st.integers(0, 2),  # which unit
    st.sampled_from(CRITERIA),
    st.integers(1, 40),  # reported quantity
    st.sampled_from(DAYS),
)
action = st.tuples(st.sampled_from(ACTIONS), st.integers(0, 11), st.integers(0, 60))


def _submitted_entry(world, unit_index: int, code: str, quantity: int, day: date) -> Entry:
    units = (world.hoa_an, world.bao_lam, world.thpt_hoa_an)
    reporters = (world.reporter_hoa_an, world.reporter_bao_lam, world.reporter_thpt)
    criterion = factories.criterion(world.drive, code)
    phase = channel = None
    if criterion.is_propaganda:
        phase, channel = world.drive.phase_on(day)[0], "facebook"
    entry = Entry(unit=units[unit_index], criterion=criterion, quantity=quantity,
                  activity_date=day, phase=phase, channel=channel, title="Hoạt động",
                  created_by=reporters[unit_index])
    db.session.add(entry)
    db.session.flush()
    # Penalty items are recorded by staff; everything else by the unit's reporter.
    lifecycle.submit(entry, world.judge if criterion.entered_by_staff else reporters[unit_index])
    return entry


def _act(world, entry: Entry, name: str, quantity: int) -> None:
    judge = world.judge
    try:
        if name == "verify":
            lifecycle.verify(entry, judge)
        elif name == "adjust":
            lifecycle.verify(entry, judge, quantity=quantity, reason="Điều chỉnh theo minh chứng")
        elif name == "return":
            lifecycle.return_for_revision(entry, judge, "Bổ sung minh chứng")
        elif name == "reject":
            lifecycle.reject(entry, judge, "Không đúng nội dung")
        elif name == "resubmit":
            lifecycle.submit(entry, world.judge if entry.criterion.entered_by_staff
                             else entry.created_by)
        else:
            lifecycle.reopen(entry, judge, "Xem lại số liệu")
    except lifecycle.TransitionError:
        pass  # not allowed from the entry's current state: the sequence goes on


def _board(drive) -> dict[str, list[scoring.Standing]]:
    return scoring.compute_standings(standings.scoring_input(drive))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(entries=st.lists(new_entry, min_size=1, max_size=8),
       actions=st.lists(action, min_size=1, max_size=25))
def test_incremental_standings_equal_a_full_rebuild(world, entries, actions):
    made = [_submitted_entry(world, *spec) for spec in entries]
    for name, index, quantity in actions:
        _act(world, made[index % len(made)], name, quantity)
    db.session.flush()
    incremental = standings.scoring_input(world.drive).tallies
    incremental_board = _board(world.drive)

    standings.rebuild(world.drive)
    rebuilt = standings.scoring_input(world.drive).tallies

    try:
        assert incremental == rebuilt
        assert incremental_board == _board(world.drive)
    finally:
        db.session.rollback()


def test_reopening_the_latest_entry_moves_the_latest_activity_back(world):
    tb = factories.criterion(world.drive, "TB")
    early = factories.entry(world.bao_lam, tb, 2, status="verified",
                            activity_date=date(2021, 4, 10))
    late = factories.entry(world.bao_lam, tb, 3, status="verified",
                           activity_date=date(2021, 5, 2))
    lifecycle.reopen(late, world.judge, "Xem lại số liệu")
    db.session.commit()

    tally = standings.scoring_input(world.drive).tallies[("BLAM", "TB")]
    assert tally == scoring.Tally(quantity=2, items=1, latest_activity=early.activity_date)
