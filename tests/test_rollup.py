"""Roll-up through the union's tree: the rule by a hand-computed example, and the tallies
kept by each verification equal to a full rebuild on random trees."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competition import lifecycle, scoring, standings
from competition.extensions import db
from competition.models import Entry, EntryStatus, Role, UnitKind
from competition.scoring import (
    CriterionRule,
    Measure,
    ScoringInput,
    Tally,
    Targets,
    UnitFacts,
    compute_standings,
    roll_up,
)
from tests import factories

DV = CriterionRule("DV", Measure.COUNT, D(10), rollup=True)
BC = CriterionRule("BC", Measure.PERCENT, D(15), default_target=D(99), rollup=True)
TB = CriterionRule("TB", Measure.COUNT, D(10))  # not rolled up: only the unit's own count
TARGETS = Targets(by_block={("huyen", "DV"): D(100), ("huyen", "TB"): D(20),
                            ("cdcs-d", "DV"): D(5), ("cdcs-d", "TB"): D(5)})
PARENTS = {"G1": "D", "G2": "D", "D": "T", "T": None}


def _three_levels() -> ScoringInput:
    """Province T → district D (1,000 members, inclusive) → grassroots G1 (200), G2 (100)."""
    own = {
        ("D", "DV"): Tally(D(95), 3, date(2021, 4, 2)),
        ("D", "BC"): Tally(D(400), 1, date(2021, 5, 23)),
        ("D", "TB"): Tally(D(10), 4, date(2021, 4, 20)),
        ("G1", "DV"): Tally(D(6), 2, date(2021, 5, 30)),
        ("G1", "BC"): Tally(D(198), 1, date(2021, 5, 23)),
        ("G1", "TB"): Tally(D(3), 3, date(2021, 5, 1)),
        ("G2", "DV"): Tally(D(4), 1, date(2021, 4, 9)),
        ("G2", "BC"): Tally(D(99), 1, date(2021, 5, 23)),
    }
    return ScoringInput(
        criteria=[DV, BC, TB],
        units=[UnitFacts("D", "LĐLĐ huyện D", "huyen", 1000),
               UnitFacts("G1", "CĐCS G1", "cdcs-d", 200),
               UnitFacts("G2", "CĐCS G2", "cdcs-d", 100)],
        tallies=own, below=roll_up(own, PARENTS), targets=TARGETS,
    )


def test_roll_up_sums_every_unit_below_once_at_any_depth():
    below = roll_up(_three_levels().tallies, PARENTS)
    assert below[("D", "DV")] == Tally(D(10), 3)  # G1's 6 + G2's 4
    assert below[("D", "BC")] == Tally(D(297), 2)
    assert below[("T", "DV")] == Tally(D(105), 6)  # D's own 95 + 10 from its unions
    assert ("G1", "DV") not in below


def test_three_level_tree_scores_by_hand():
    board = compute_standings(_three_levels())
    district = board["huyen"][0]
    # DV: (95 own + 10 from below) / 100 = 1.05 → capped → 10.00, at target only thanks to below.
    dv = district.score("DV")
    assert (dv.achieved, dv.points, dv.at_target, dv.from_below) == (D(105), D("10.00"), True, D(10))
    # BC: (400 + 198 + 99) voters / 1,000 members = 69.7 % of 99 % → 15 × 0.70404… = 10.56.
    bc = district.score("BC")
    assert bc.achieved == D("69.7") and bc.points == D("10.56") and not bc.at_target
    # TB does not roll up: 10 / 20 → 5.00, G1's 3 items stay G1's.
    assert district.score("TB").points == D("5.00")
    assert district.total == D("25.56")
    assert district.percent == D("73.03")  # 25.56 / 35 × 100
    assert district.criteria_at_target == 1
    # The tie-break looks at the district's own entries only (G1's 30/5 is later).
    assert district.latest_activity == date(2021, 5, 23)
    g1, g2 = board["cdcs-d"]
    assert (g1.unit.code, g1.total) == ("G1", D("31.00"))  # 10 + 15 + 3/5 × 10
    assert (g2.unit.code, g2.total) == ("G2", D("23.00"))  # 4/5 × 10 + 15 + 0


def test_a_criterion_without_roll_up_ignores_what_is_below():
    data = _three_levels()
    plain = [CriterionRule("DV", Measure.COUNT, D(10))]
    board = compute_standings(ScoringInput(criteria=plain, units=data.units,
                                           tallies=data.tallies, below=data.below,
                                           targets=TARGETS))
    assert board["huyen"][0].score("DV").achieved == D(95)


# --- In the database ------------------------------------------------------------------------


def test_a_verification_under_a_district_moves_the_district_in_the_same_transaction(world):
    factories.with_district(world)
    dv = factories.criterion(world.drive, "DV")
    assert dv.rollup  # the default drive rolls new members up
    pending = factories.entry(world.mn_hoa_an, dv, 12, status=EntryStatus.SUBMITTED)
    facts = standings.scoring_input(world.drive)
    assert ("HOAAN", "DV") not in facts.below  # only verified entries count upward

    lifecycle.verify(pending, world.district_judge)
    db.session.commit()
    facts = standings.scoring_input(world.drive)
    assert facts.below[("HOAAN", "DV")] == Tally(D(12), 1)
    assert facts.below[("LDLD-CB", "DV")] == Tally(D(12), 1)
    # Hòa An's DV target in the default drive's district block is 100: 12 / 100 × 10 = 1.20.
    hoa_an = standings.standing_of(standings.compute_board(world.drive), "HOAAN")
    assert hoa_an.score("DV").points == D("1.20")
    assert hoa_an.score("DV").from_below == D(12)

    lifecycle.reopen(pending, world.district_judge, "Xem lại danh sách")
    db.session.commit()
    assert ("HOAAN", "DV") not in standings.scoring_input(world.drive).below


def test_the_province_judge_cannot_verify_a_district_block_entry(world):
    factories.with_district(world)
    entry = factories.entry(world.mn_hoa_an, factories.criterion(world.drive, "KH"), 1,
                            status=EntryStatus.SUBMITTED)
    try:
        lifecycle.verify(entry, world.judge)
    except lifecycle.Forbidden as refused:
        assert refused.message == "out_of_council"
    else:
        raise AssertionError("the province's judge verified a district's grassroots union")
    db.session.rollback()
    assert db.session.get(Entry, entry.id).status == EntryStatus.SUBMITTED


# --- Incremental = rebuild on random trees ----------------------------------------------------

ACTIONS = ("verify", "adjust", "reopen", "return", "resubmit")
tree = st.lists(st.integers(0, 10), min_size=1, max_size=7)  # each unit's parent among those before
action = st.tuples(st.sampled_from(ACTIONS), st.integers(0, 20), st.integers(0, 50))
new_entry = st.tuples(st.integers(0, 7), st.sampled_from(("DV", "KH", "TB")), st.integers(1, 40))


def _act(entry: Entry, name: str, quantity: int, admin, reporter) -> None:
    try:
        if name == "verify":
            lifecycle.verify(entry, admin)
        elif name == "adjust":
            lifecycle.verify(entry, admin, quantity=quantity, reason="Điều chỉnh")
        elif name == "reopen":
            lifecycle.reopen(entry, admin, "Xem lại")
        elif name == "return":
            lifecycle.return_for_revision(entry, admin, "Bổ sung")
        else:
            lifecycle.submit(entry, reporter)
    except lifecycle.TransitionError:
        pass


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(parents=tree, entries=st.lists(new_entry, min_size=1, max_size=10),
       actions=st.lists(action, min_size=1, max_size=25))
def test_kept_roll_up_equals_a_rebuild_on_random_trees(world, parents, entries, actions):
    from competition.models import Unit

    units = [world.hoa_an]
    for i, choice in enumerate(parents):
        parent = units[choice % len(units)]
        made = Unit(code=f"T{i}", slug=f"t{i}", name=f"CĐCS T{i}", kind=UnitKind.CDCS,
                    parent=parent, member_count=50, block=factories.block("cdcs"))
        db.session.add(made)
        units.append(made)
    db.session.flush()
    admin = world.admin
    made_entries = []
    for unit_index, code, quantity in entries:
        unit = units[unit_index % len(units)]
        from competition.models import User

        reporter = User(username=f"r-{unit.code}-{len(made_entries)}", role=Role.UNIT,
                        unit=unit, password_hash="x")
        db.session.add(reporter)
        entry = Entry(unit=unit, criterion=factories.criterion(world.drive, code),
                      quantity=quantity, activity_date=date(2021, 4, 20), title="Hoạt động",
                      created_by=reporter)
        db.session.add(entry)
        db.session.flush()
        lifecycle.submit(entry, reporter)
        made_entries.append((entry, reporter))
    for name, index, quantity in actions:
        entry, reporter = made_entries[index % len(made_entries)]
        _act(entry, name, quantity, admin, reporter)
    db.session.flush()
    try:
        kept = standings.scoring_input(world.drive)
        parents_by_code = {u.code: (u.parent.code if u.parent else None)
                           for u in db.session.query(Unit)}
        assert kept.below == roll_up(kept.tallies, parents_by_code)
        board = scoring.compute_standings(kept)
        standings.rebuild(world.drive)
        rebuilt = standings.scoring_input(world.drive)
        assert (kept.tallies, kept.below) == (rebuilt.tallies, rebuilt.below)
        assert board == scoring.compute_standings(rebuilt)
    finally:
        db.session.rollback()
