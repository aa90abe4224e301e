"""Every rule of DESIGN.md section 5, with hand-computed examples and properties."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from competition.scoring import (
    Classification,
    CriterionRule,
    Measure,
    RankBy,
    ReportRecord,
    ScoringInput,
    Standing,
    Tally,
    Targets,
    TargetSource,
    Thresholds,
    UnitFacts,
    VerifiedItem,
    compute_standings,
    rank,
    report_deadline,
    report_record,
    round_half_up,
    score_criterion,
    score_unit,
    tally,
)

HN = CriterionRule("HN", Measure.COUNT, D(10))
PT = CriterionRule("PT", Measure.PERCENT, D(10), default_target=D(95))
KH = CriterionRule("KH", Measure.YES_NO, D(5), default_target=D(1))
AN = CriterionRule("AN", Measure.PENALTY, D(5), default_target=D(0))
GJ = CriterionRule("GJ", Measure.JUDGED, D(10))
BT = CriterionRule("BT", Measure.ON_TIME, D(5))
HOA_AN = UnitFacts("HOAAN", "LĐLĐ huyện Hòa An", "huyen", 2900)
TARGETS = Targets(by_block={("huyen", "HN"): D(20)})


def points(rule, unit=HOA_AN, tally_=Tally(), targets=TARGETS, assessments=(), report=None):
    return score_criterion(rule, unit, tally_, targets, assessments, report or ReportRecord())


# --- Measures -----------------------------------------------------------------


def test_count_scores_achievement_over_target():
    score = points(HN, tally_=Tally(D(7), 3, date(2021, 4, 2)))
    assert score.ratio == D("0.35")
    assert score.points == D("3.50")
    assert not score.at_target


def test_capped_over_achievement_stops_at_the_cap():
    # 50 sessions against a target of 20 is 250 %, but the cap is 100 %.
    score = points(HN, tally_=Tally(D(50), 10, date(2021, 4, 2)))
    assert score.points == D("10.00")
    assert score.at_target
    generous = CriterionRule("HN", Measure.COUNT, D(10), cap=D("1.2"))
    assert points(generous, tally_=Tally(D(50), 10, date(2021, 4, 2))).points == D("12.00")


def test_percent_uses_the_member_count():
    # 2 755 of 2 900 members reached = 95 %, exactly the target.
    score = points(PT, tally_=Tally(D(2755), 1, date(2021, 4, 2)))
    assert score.achieved == D(95)
    assert score.points == D("10.00")
    assert score.at_target
    half = points(PT, tally_=Tally(D(1450), 1, date(2021, 4, 2)))
    # 50 % of members against a 95 % target: 10 × 50/95 = 5.263… → 5.26
    assert half.points == D("5.26")


def test_unit_without_member_count_is_not_scored_on_percent_and_leaves_the_maximum():
    no_members = UnitFacts("CDN-NN", "Công đoàn ngành Nông nghiệp", "nganh", None)
    score = points(PT, unit=no_members, tally_=Tally(D(500), 1, date(2021, 4, 2)))
    assert not score.applicable and score.points == 0
    data = ScoringInput(criteria=[PT, KH], units=[no_members],
                        tallies={("CDN-NN", "KH"): Tally(D(1), 1, date(2021, 3, 20))})
    standing = score_unit(no_members, data)
    assert standing.max_total == D(5)
    assert standing.percent == D("100.00")


def test_yes_no_is_all_or_nothing():
    assert points(KH).points == 0
    assert points(KH, tally_=Tally(D(1), 1, date(2021, 3, 15))).points == D("5.00")


def test_penalty_takes_points_per_item_down_to_zero():
    assert points(AN).points == D(5) and points(AN).at_target
    one = points(AN, tally_=Tally(D(1), 1, date(2021, 4, 14)))
    assert one.points == 0 and not one.at_target
    gentle = CriterionRule("AN", Measure.PENALTY, D(5), penalty_per_item=D(2))
    assert points(gentle, tally_=Tally(D(1), 1, date(2021, 4, 14))).points == D(3)
    assert points(gentle, tally_=Tally(D(4), 2, date(2021, 4, 14))).points == 0


def test_judged_is_the_mean_of_the_judges_rounded_half_up():
    assert points(GJ).points == 0
    score = points(GJ, assessments=[D(7), D(8), D(8)])
    assert score.points == D("7.67")
    assert not score.at_target
    assert points(GJ, assessments=[D(10), D(10)]).at_target


def test_on_time_is_reports_on_time_over_reports_due():
    assert points(BT, report=ReportRecord(due=2, on_time=1)).points == D("2.50")
    assert points(BT, report=ReportRecord(due=2, on_time=2)).at_target
    nothing_due = points(BT, report=ReportRecord(due=0, on_time=0))
    assert not nothing_due.applicable


VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_report_deadline_is_the_end_of_day_n_of_the_next_month_in_vietnam_time():
    deadline = report_deadline(date(2021, 4, 1), 5, VIETNAM)
    # 23:59:59.999999 on 05/05 in Cao Bằng is 16:59:59.999999 UTC the same day.
    assert deadline == datetime(2021, 5, 5, 16, 59, 59, 999999, tzinfo=UTC)
    filed = {date(2021, 3, 1): datetime(2021, 4, 5, 16, 0, tzinfo=UTC),  # 23:00 Vietnam: on time
             date(2021, 4, 1): datetime(2021, 5, 5, 17, 0, tzinfo=UTC)}  # 00:00 on the 6th: late
    record = report_record(date(2021, 3, 10), date(2021, 6, 30), 5, filed,
                           datetime(2021, 5, 10, tzinfo=UTC), VIETNAM)
    assert record == ReportRecord(due=2, on_time=1)


# --- Targets, rounding, percent, classification ----------------------------------


def test_target_resolution_prefers_unit_then_block_then_default():
    rule = CriterionRule("TB", Measure.COUNT, D(10), default_target=D(40))
    targets = Targets(by_block={("huyen", "TB"): D(30)}, by_unit={("HOAAN", "TB"): D(12)})
    assert targets.resolve(HOA_AN, rule) == (D(12), TargetSource.UNIT)
    other = UnitFacts("BLAM", "LĐLĐ huyện Bảo Lâm", "huyen", 2100)
    assert targets.resolve(other, rule) == (D(30), TargetSource.BLOCK)
    sector = UnitFacts("CDN-GD", "Công đoàn ngành Giáo dục", "nganh", 9800)
    assert targets.resolve(sector, rule) == (D(40), TargetSource.DEFAULT)


def test_rounding_is_half_up_and_the_total_sums_rounded_points():
    assert round_half_up(D("2.345")) == D("2.35")
    assert round_half_up(D("2.344999")) == D("2.34")
    # Three criteria of 10 at 1/3 each: 3.33 × 3 = 9.99, not round(10 × 3/3).
    rules = [CriterionRule(c, Measure.COUNT, D(10), default_target=D(3)) for c in "ABC"]
    unit = UnitFacts("U", "U", "b", 100)
    tallies = {("U", c): Tally(D(1), 1, date(2021, 4, 1)) for c in "ABC"}
    standing = score_unit(unit, ScoringInput(criteria=rules, units=[unit], tallies=tallies))
    assert standing.total == D("9.99")
    assert standing.percent == D("33.30")


def test_classification_follows_the_drive_thresholds():
    thresholds = Thresholds()
    assert thresholds.classify(D("90.00")) is Classification.EXCELLENT
    assert thresholds.classify(D("89.99")) is Classification.GOOD
    assert thresholds.classify(D("70")) is Classification.GOOD
    assert thresholds.classify(D("50")) is Classification.PASSED
    assert thresholds.classify(D("49.99")) is Classification.FAILED
    strict = Thresholds(D(95), D(80), D(60))
    assert strict.classify(D(92)) is Classification.GOOD


# --- Ranking ----------------------------------------------------------------------


def _standing(code, total, at_target, latest, name=None):
    unit = UnitFacts(code, name or code, "huyen", 100)
    return Standing(
        unit=unit, scores=(), total=D(total), max_total=D(100), percent=D(total),
        classification=Classification.FAILED, criteria_at_target=at_target,
        latest_activity=latest,
    )


def test_ranking_breaks_ties_by_criteria_at_target_then_who_got_there_first():
    ranked = rank([
        _standing("A", 80, 5, date(2021, 4, 20)),
        _standing("B", 80, 6, date(2021, 4, 25)),
        _standing("C", 80, 5, date(2021, 4, 10)),
        _standing("D", 90, 1, date(2021, 5, 1)),
    ])
    assert [(s.unit.code, s.rank) for s in ranked] == [("D", 1), ("B", 2), ("C", 3), ("A", 4)]


def test_three_way_tie_shares_a_rank_and_skips_the_next_ones():
    day = date(2021, 4, 20)
    ranked = rank([
        _standing("X", 70, 4, day, "Thạch An"),
        _standing("Y", 70, 4, day, "Bảo Lạc"),
        _standing("Z", 70, 4, day, "Hạ Lang"),
        _standing("W", 75, 4, day, "Hòa An"),
        _standing("V", 60, 4, day, "Nguyên Bình"),
    ])
    assert [s.rank for s in ranked] == [1, 2, 2, 2, 5]
    # Inside the tie, display order is by name.
    assert [s.unit.name for s in ranked[1:4]] == ["Bảo Lạc", "Hạ Lang", "Thạch An"]


def test_unit_without_verified_entries_comes_after_one_with_entries():
    ranked = rank([_standing("N", 5, 1, None), _standing("E", 5, 1, date(2021, 5, 1))])
    assert [(s.unit.code, s.rank) for s in ranked] == [("E", 1), ("N", 2)]


def test_rank_by_percent_puts_the_unit_scored_on_fewer_points_by_its_percent():
    # A has 60 of 100 applicable points (60 %); B has no member count, so the
    # 25 points of percent criteria do not apply: 50 of 75 = 66.67 %.
    a = replace(_standing("A", 60, 3, date(2021, 4, 1)), percent=D("60.00"))
    b = replace(_standing("B", 50, 3, date(2021, 4, 1)), max_total=D(75), percent=D("66.67"))
    by_total = rank([a, b])
    by_percent = rank([a, b], RankBy.PERCENT)
    assert [(s.unit.code, s.rank) for s in by_total] == [("A", 1), ("B", 2)]
    assert [(s.unit.code, s.rank) for s in by_percent] == [("B", 1), ("A", 2)]


def test_rank_by_percent_keeps_the_tie_breaks():
    # Equal percent: more criteria at target first, then the earlier latest activity,
    # then a unit with no verified entry last; equal on all three share a rank.
    rows = [
        replace(_standing("A", 40, 5, date(2021, 4, 20)), percent=D("80.00")),
        replace(_standing("B", 70, 6, date(2021, 4, 25)), percent=D("80.00")),
        replace(_standing("C", 10, 5, date(2021, 4, 10)), percent=D("80.00")),
        replace(_standing("D", 90, 5, None), percent=D("80.00")),
        replace(_standing("E", 20, 5, date(2021, 4, 10)), percent=D("80.00")),
        replace(_standing("F", 99, 9, date(2021, 4, 1)), percent=D("79.99")),
    ]
    ranked = rank(rows, "percent")
    assert [(s.unit.code, s.rank) for s in ranked] == [
        ("B", 1), ("C", 2), ("E", 2), ("A", 4), ("D", 5), ("F", 6),
    ]


def test_drive_rank_by_reaches_every_block():
    # H1: KH met (5) and no member count, so PT does not apply: 5/5 = 100 %.
    # H2: KH met (5) and PT 50 of 95 % of 100 members -> 10 * 50/95 = 5.26; 10.26/15 = 68.40 %.
    units = [UnitFacts("H1", "H1", "huyen", None), UnitFacts("H2", "H2", "huyen", 100)]
    tallies = {("H1", "KH"): Tally(D(1), 1, date(2021, 4, 1)),
               ("H2", "KH"): Tally(D(1), 1, date(2021, 4, 1)),
               ("H2", "PT"): Tally(D(50), 1, date(2021, 4, 1))}
    data = ScoringInput(criteria=[KH, PT], units=units, tallies=tallies)
    by_total = compute_standings(data)["huyen"]
    by_percent = compute_standings(replace(data, rank_by=RankBy.PERCENT))["huyen"]
    assert [(s.unit.code, s.total, s.percent) for s in by_total] == [
        ("H2", D("10.26"), D("68.40")), ("H1", D("5.00"), D("100.00"))]
    assert [s.unit.code for s in by_percent] == ["H1", "H2"]


def test_standings_are_ranked_within_each_block():
    units = [
        UnitFacts("H1", "H1", "huyen", 100), UnitFacts("H2", "H2", "huyen", 100),
        UnitFacts("N1", "N1", "nganh", 100),
    ]
    tallies = {("H2", "HN"): Tally(D(10), 2, date(2021, 4, 1)),
               ("N1", "HN"): Tally(D(1), 1, date(2021, 4, 1))}
    board = compute_standings(ScoringInput(criteria=[HN], units=units, tallies=tallies,
                                           targets=TARGETS))
    assert [s.unit.code for s in board["huyen"]] == ["H2", "H1"]
    # No target for the "nganh" block: HN is not scored there.
    assert board["nganh"][0].rank == 1 and board["nganh"][0].max_total == 0


# --- Freeze cut-off -----------------------------------------------------------------


def test_freeze_cut_off_ignores_what_was_verified_afterwards():
    freeze = datetime(2021, 6, 30, 17, 0)
    items = [
        VerifiedItem("HOAAN", "HN", D(3), date(2021, 6, 20), datetime(2021, 6, 25, 9)),
        VerifiedItem("HOAAN", "HN", D(4), date(2021, 6, 29), datetime(2021, 7, 2, 9)),
    ]
    assert tally(items)[("HOAAN", "HN")] == Tally(D(7), 2, date(2021, 6, 29))
    assert tally(items, freeze)[("HOAAN", "HN")] == Tally(D(3), 1, date(2021, 6, 20))


# --- Properties --------------------------------------------------------------------

quantities = st.integers(min_value=0, max_value=10_000)
rules = st.builds(
    CriterionRule,
    code=st.sampled_from(["A", "B", "C", "D"]),
    measure=st.sampled_from([Measure.COUNT, Measure.PERCENT, Measure.YES_NO, Measure.PENALTY]),
    max_points=st.integers(1, 20).map(D),
    default_target=st.integers(0, 500).map(D),
    cap=st.sampled_from([D(1), D("1.2"), D("1.5")]),
)


@given(rule=st.builds(CriterionRule, code=st.just("HN"), measure=st.just(Measure.COUNT),
                      max_points=st.integers(1, 20).map(D),
                      default_target=st.integers(1, 500).map(D),
                      cap=st.sampled_from([D(1), D("1.5")])),
       before=quantities, added=st.integers(0, 1000))
def test_a_verified_entry_never_lowers_a_count_criterion(rule, before, added):
    unit = UnitFacts("U", "U", "b", 100)
    old = score_criterion(rule, unit, Tally(D(before), 1, date(2021, 4, 1)), Targets())
    new = score_criterion(rule, unit, Tally(D(before + added), 2, date(2021, 4, 2)), Targets())
    assert new.points >= old.points


@st.composite
def boards(draw):
    criteria = draw(st.lists(rules, min_size=1, max_size=4, unique_by=lambda r: r.code))
    count = draw(st.integers(1, 12))
    units = [UnitFacts(f"U{i}", f"Đơn vị {i}", "b", draw(st.none() | st.integers(1, 3000)))
             for i in range(count)]
    tallies = {}
    for unit in units:
        for rule in criteria:
            items = draw(st.integers(0, 3))
            if items:
                day = date(2021, 4, draw(st.integers(1, 30)))
                tallies[(unit.code, rule.code)] = Tally(D(draw(quantities)), items, day)
    return ScoringInput(criteria=criteria, units=units, tallies=tallies)


@settings(max_examples=200)
@given(data=boards())
def test_ranks_start_at_one_and_follow_the_shared_rank_rule(data):
    ranked = compute_standings(data)["b"]
    assert ranked[0].rank == 1
    for position, standing in enumerate(ranked, start=1):
        previous = ranked[position - 2] if position > 1 else None
        if previous is not None and (previous.total, previous.criteria_at_target,
                                     previous.latest_activity) == (
                standing.total, standing.criteria_at_target, standing.latest_activity):
            assert standing.rank == previous.rank
        else:
            assert standing.rank == position


@settings(max_examples=200)
@given(data=boards())
def test_no_total_exceeds_the_sum_of_points_times_caps(data):
    ceiling = sum(r.max_points * r.cap for r in data.criteria)
    for standing in compute_standings(data)["b"]:
        assert 0 <= standing.total <= ceiling
