"""The proposal rule of `competition.awards`, with lists worked out by hand."""

from __future__ import annotations

from decimal import Decimal

from competition.awards import AwardRule, Proposal, propose, qualifies, rule_problems

XS, TOT, HT, CHT = "hoan_thanh_xuat_sac", "hoan_thanh_tot", "hoan_thanh", "chua_hoan_thanh"


def row(rank: int, code: str, percent: str, classification: str) -> dict:
    return {"rank": rank, "unit_code": code, "unit_name": f"Đơn vị {code}", "total": percent,
            "percent": percent, "classification": classification}


def snapshot(**blocks: list[dict]) -> dict:
    return {"blocks": [{"code": code, "name": code, "standings": rows}
                       for code, rows in blocks.items()]}


BK = AwardRule(code="BK", name="Bằng khen", max_units=1, min_classification=XS,
               min_percent=Decimal(95), order=1)
GK = AwardRule(code="GK", name="Giấy khen", max_units=2, min_classification=TOT, order=2)


def listed(lines) -> list[tuple[str, str]]:
    return [(line.unit_code, line.status.value) for line in lines]


def test_a_unit_qualifying_for_two_awards_gets_only_the_higher_and_the_lower_list_moves_down():
    # A (97 %, XS) qualifies for both: Bằng khen only. Giấy khen takes the next two: B, C.
    result = propose([GK, BK], snapshot(huyen=[
        row(1, "A", "97.00", XS), row(2, "B", "92.00", XS), row(3, "C", "80.00", TOT),
        row(4, "D", "75.00", TOT),
    ]))
    assert listed(result["BK"]) == [("A", "proposed")]
    assert listed(result["GK"]) == [("B", "proposed"), ("C", "proposed")]


def test_a_tie_across_the_last_place_is_flagged_not_split():
    # A takes the Bằng khen; Giấy khen has 2 places for B (2nd), C and D (both 3rd). The
    # second place falls inside the C–D tie: B is proposed, C and D go to a human.
    result = propose([BK, GK], snapshot(huyen=[
        row(1, "A", "97.00", XS), row(2, "B", "92.00", XS), row(3, "C", "80.00", TOT),
        row(3, "D", "80.00", TOT), row(5, "E", "71.00", TOT),
    ]))
    assert listed(result["GK"]) == [("B", "proposed"), ("C", "tied"), ("D", "tied")]


def test_a_tie_inside_the_places_is_no_problem():
    result = propose([GK], snapshot(huyen=[
        row(1, "A", "90.00", XS), row(1, "B", "90.00", XS), row(3, "C", "80.00", TOT),
    ]))
    assert listed(result["GK"]) == [("A", "proposed"), ("B", "proposed")]


def test_the_minimums_hold_at_their_exact_value():
    # min_percent 95: 95.00 qualifies, 94.99 does not; min_classification XS: TOT does not.
    assert qualifies(BK, XS, Decimal("95.00"))
    assert not qualifies(BK, XS, Decimal("94.99"))
    assert not qualifies(BK, TOT, Decimal("99.00"))
    assert qualifies(GK, XS, Decimal("0")) and qualifies(GK, TOT, Decimal("70"))
    assert not qualifies(GK, HT, Decimal("100"))


def test_fewer_qualifying_units_than_places_gives_only_those():
    result = propose([GK], snapshot(huyen=[row(1, "A", "72.00", TOT), row(2, "B", "60.00", HT),
                                           row(3, "C", "10.00", CHT)]))
    assert listed(result["GK"]) == [("A", "proposed")]


def test_a_rule_without_a_block_applies_to_each_block_and_a_block_rule_to_its_own():
    only_nganh = AwardRule(code="GKN", name="Giấy khen ngành", max_units=1,
                           min_classification=HT, block="nganh", order=3)
    result = propose([BK, only_nganh], snapshot(
        huyen=[row(1, "H1", "96.00", XS), row(2, "H2", "95.50", XS)],
        nganh=[row(1, "N1", "99.00", XS), row(2, "N2", "60.00", HT)],
    ))
    assert listed(result["BK"]) == [("H1", "proposed"), ("N1", "proposed")]
    assert listed(result["GKN"]) == [("N2", "proposed")]


def test_max_units_zero_proposes_nobody():
    closed = AwardRule(code="X", name="X", max_units=0, min_classification=CHT)
    assert propose([closed], snapshot(huyen=[row(1, "A", "99.00", XS)]))["X"] == []


def test_a_unit_tied_for_the_higher_award_is_not_offered_a_lower_one():
    result = propose([BK, GK], snapshot(huyen=[
        row(1, "A", "97.00", XS), row(1, "B", "97.00", XS), row(3, "C", "90.00", XS),
    ]))
    assert listed(result["BK"]) == [("A", "tied"), ("B", "tied")]
    assert listed(result["GK"]) == [("C", "proposed")]
    assert all(line.status is Proposal.TIED for line in result["BK"])


def test_rule_problems_name_the_field_in_vietnamese():
    good = {"block": "huyen", "min_classification": TOT, "max_units": 3, "min_percent": 80}
    assert rule_problems(good, {"huyen"}) == []
    assert rule_problems({**good, "block": "xa"}, {"huyen"}) == [
        ("block", "khối «xa» không có trong đợt thi đua")]
    assert [f for f, _m in rule_problems({**good, "min_classification": "gioi"}, {"huyen"})] == [
        "min_classification"]
    assert rule_problems({**good, "max_units": -1}, {"huyen"}) == [
        ("max_units", "số đơn vị tối đa không được nhỏ hơn 0")]
    assert [f for f, _m in rule_problems({**good, "min_percent": 101}, {"huyen"})] == [
        "min_percent"]
