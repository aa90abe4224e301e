"""The scoring rules of DESIGN.md section 5: plain data in, standings out.

This module knows nothing of Flask or SQL so that every rule can be read in
one place and tested with plain values. The database service
(`competition.standings`) gathers the facts and hands them here; views and
the API never compute points themselves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import cached_property

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class Measure(StrEnum):
    """How a criterion turns achievements into points."""

    COUNT = "count"
    PERCENT = "percent"
    YES_NO = "yes_no"
    JUDGED = "judged"
    PENALTY = "penalty"
    ON_TIME = "on_time"


ROLLUP_MEASURES = frozenset({Measure.COUNT, Measure.PERCENT, Measure.YES_NO})
"""Measures a criterion may roll up by: quantities add up the tree; a judges' score, a
penalty or a unit's own monthly reports do not."""


class Classification(StrEnum):
    """The four grades of a unit, from its percent of applicable points."""

    EXCELLENT = "hoan_thanh_xuat_sac"
    GOOD = "hoan_thanh_tot"
    PASSED = "hoan_thanh"
    FAILED = "chua_hoan_thanh"


class RankBy(StrEnum):
    """What a drive ranks on first: points, or the percent of applicable points.

    `percent` suits drives where some criteria do not apply to every unit (a
    unit without a member count is not scored on percent criteria): ranking
    on the normalised score keeps rank and classification in the same order.
    """

    TOTAL = "total"
    PERCENT = "percent"


class TargetSource(StrEnum):
    """Where a target comes from: the most specific override wins."""

    UNIT = "unit"
    BLOCK = "block"
    DEFAULT = "default"


def round_half_up(value: Decimal) -> Decimal:
    """Round to two decimals the way a Vietnamese score sheet does (0,005 → 0,01)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Thresholds:
    """Classification thresholds in percent; a drive setting."""

    excellent: Decimal = Decimal(90)
    good: Decimal = Decimal(70)
    passed: Decimal = Decimal(50)

    def classify(self, percent: Decimal) -> Classification:
        if percent >= self.excellent:
            return Classification.EXCELLENT
        if percent >= self.good:
            return Classification.GOOD
        if percent >= self.passed:
            return Classification.PASSED
        return Classification.FAILED


@dataclass(frozen=True)
class CriterionRule:
    """What the rules need to know of a criterion."""

    code: str
    measure: Measure
    max_points: Decimal
    default_target: Decimal | None = None
    cap: Decimal = ONE
    penalty_per_item: Decimal | None = None
    rollup: bool = False


@dataclass(frozen=True, slots=True)
class UnitFacts:
    """What the rules need to know of a unit."""

    code: str
    name: str
    block: str
    member_count: int | None = None


@dataclass(frozen=True, slots=True)
class Tally:
    """A unit's verified achievement on one criterion."""

    quantity: Decimal = ZERO
    items: int = 0
    latest_activity: date | None = None

    def plus(self, below: Tally) -> Tally:
        """This unit's own tally with what the units under it verified (a rolled-up criterion).

        The latest activity stays the unit's own: the tie-break looks at its own entries only.
        """
        return Tally(self.quantity + below.quantity, self.items + below.items,
                     self.latest_activity)


@dataclass(frozen=True, slots=True)
class ReportRecord:
    """Monthly reports of a unit: how many were due so far, how many came on time."""

    due: int = 0
    on_time: int = 0


@dataclass(frozen=True)
class Targets:
    """Target overrides; a unit's beats its block's, which beats the default."""

    by_block: Mapping[tuple[str, str], Decimal] = field(default_factory=dict)
    by_unit: Mapping[tuple[str, str], Decimal] = field(default_factory=dict)

    def resolve(
        self, unit: UnitFacts, rule: CriterionRule
    ) -> tuple[Decimal | None, TargetSource | None]:
        if (unit.code, rule.code) in self.by_unit:
            return self.by_unit[(unit.code, rule.code)], TargetSource.UNIT
        if (unit.block, rule.code) in self.by_block:
            return self.by_block[(unit.block, rule.code)], TargetSource.BLOCK
        if rule.default_target is not None:
            return rule.default_target, TargetSource.DEFAULT
        return None, None


@dataclass(frozen=True, slots=True)
class CriterionScore:
    """One unit's result on one criterion.

    `applicable` is false when the criterion cannot be scored for this unit
    (a percent criterion without a member count, a count without any target,
    no monthly report due yet); such a criterion leaves the maximum too.
    """

    code: str
    achieved: Decimal | None
    target: Decimal | None
    target_source: TargetSource | None
    ratio: Decimal | None
    points: Decimal
    max_points: Decimal
    applicable: bool
    at_target: bool
    from_below: Decimal = ZERO  # of the achieved quantity, what units under it verified


@dataclass(frozen=True, slots=True)
class Standing:
    """A unit's place in its block."""

    unit: UnitFacts
    scores: tuple[CriterionScore, ...]
    total: Decimal
    max_total: Decimal
    percent: Decimal
    classification: Classification
    criteria_at_target: int
    latest_activity: date | None
    rank: int = 0

    def score(self, code: str) -> CriterionScore:
        return next(s for s in self.scores if s.code == code)


@dataclass(frozen=True)
class ScoringInput:
    """Everything needed to rank every unit of a drive."""

    criteria: Sequence[CriterionRule]
    units: Sequence[UnitFacts]
    tallies: Mapping[tuple[str, str], Tally] = field(default_factory=dict)
    # What the units under each unit verified, per criterion (counted only where it rolls up).
    below: Mapping[tuple[str, str], Tally] = field(default_factory=dict)
    assessments: Mapping[tuple[str, str], Sequence[Decimal]] = field(default_factory=dict)
    reports: Mapping[str, ReportRecord] = field(default_factory=dict)
    targets: Targets = field(default_factory=Targets)
    thresholds: Thresholds = field(default_factory=Thresholds)
    rank_by: RankBy = RankBy.TOTAL

    @cached_property
    def latest_activity(self) -> dict[str, date]:
        """Each unit's latest verified activity over all its tallies, gathered in one pass.

        Looking it up per unit would walk every tally once per unit, which is
        quadratic on a national board.
        """
        latest: dict[str, date] = {}
        for (unit, _), t in self.tallies.items():
            if t.items and t.latest_activity is not None and (
                unit not in latest or t.latest_activity > latest[unit]
            ):
                latest[unit] = t.latest_activity
        return latest


def _capped_points(rule: CriterionRule, ratio: Decimal) -> Decimal:
    return round_half_up(rule.max_points * min(ratio, rule.cap))


def _ratio(achieved: Decimal, target: Decimal) -> Decimal:
    # A target of zero is met by anything, so it scores as fully reached.
    return achieved / target if target > 0 else ONE


def score_criterion(
    rule: CriterionRule,
    unit: UnitFacts,
    tally: Tally,
    targets: Targets,
    assessments: Sequence[Decimal] = (),
    report: ReportRecord = ReportRecord(),
) -> CriterionScore:
    """Points of one unit on one criterion, by the criterion's measure."""
    target, source = targets.resolve(unit, rule)

    def result(achieved, ratio, points, applicable=True, at_target=None):
        if at_target is None:
            at_target = ratio is not None and ratio >= ONE
        return CriterionScore(
            rule.code, achieved, target, source, ratio, points, rule.max_points,
            applicable, applicable and at_target,
        )

    if rule.measure is Measure.COUNT:
        if target is None:
            return result(tally.quantity, None, ZERO, applicable=False)
        ratio = _ratio(tally.quantity, target)
        return result(tally.quantity, ratio, _capped_points(rule, ratio))
    if rule.measure is Measure.PERCENT:
        if not unit.member_count or target is None:
            return result(None, None, ZERO, applicable=False)
        achieved = HUNDRED * tally.quantity / unit.member_count
        ratio = _ratio(achieved, target)
        return result(achieved, ratio, _capped_points(rule, ratio))
    if rule.measure is Measure.YES_NO:
        ratio = ONE if tally.items else ZERO
        return result(Decimal(tally.items), ratio, _capped_points(rule, ratio))
    if rule.measure is Measure.JUDGED:
        if not assessments:
            return result(None, None, ZERO, at_target=False)
        mean = sum(assessments, ZERO) / len(assessments)
        return result(mean, None, round_half_up(mean), at_target=mean >= rule.max_points)
    if rule.measure is Measure.PENALTY:
        per_item = rule.penalty_per_item if rule.penalty_per_item is not None else rule.max_points
        points = max(ZERO, rule.max_points - per_item * tally.quantity)
        return result(tally.quantity, None, round_half_up(points), at_target=tally.items == 0)
    if rule.measure is Measure.ON_TIME:
        if report.due == 0:
            return result(None, None, ZERO, applicable=False)
        ratio = Decimal(report.on_time) / report.due
        return result(Decimal(report.on_time), ratio, _capped_points(rule, ratio))
    raise ValueError(f"unknown measure {rule.measure!r}")


def rolled_tally(rule: CriterionRule, own: Tally, below: Tally) -> Tally:
    """What a criterion counts for a unit: its own tally, plus the units under it when it rolls up."""
    return own.plus(below) if rule.rollup and rule.measure in ROLLUP_MEASURES else own


def _score_with_below(
    rule: CriterionRule, unit: UnitFacts, data: ScoringInput
) -> CriterionScore:
    own = data.tallies.get((unit.code, rule.code), Tally())
    below = data.below.get((unit.code, rule.code), Tally())
    score = score_criterion(
        rule, unit, rolled_tally(rule, own, below), data.targets,
        data.assessments.get((unit.code, rule.code), ()),
        data.reports.get(unit.code, ReportRecord()),
    )
    if rule.rollup and below.quantity:
        score = replace(score, from_below=below.quantity)
    return score


def score_unit(unit: UnitFacts, data: ScoringInput) -> Standing:
    """A unit's points on every criterion, its total, percent and classification."""
    scores = tuple(_score_with_below(rule, unit, data) for rule in data.criteria)
    total = sum((s.points for s in scores), ZERO)
    max_total = sum((s.max_points for s in scores if s.applicable), ZERO)
    percent = round_half_up(total / max_total * HUNDRED) if max_total else ZERO
    latest_activity = data.latest_activity.get(unit.code)
    return Standing(
        unit=unit,
        scores=scores,
        total=total,
        max_total=max_total,
        percent=percent,
        classification=data.thresholds.classify(percent),
        criteria_at_target=sum(s.at_target for s in scores),
        latest_activity=latest_activity,
    )


def _rank_key(standing: Standing, by: RankBy = RankBy.TOTAL) -> tuple:
    # The drive's first key (points or percent), then more criteria at target,
    # then whoever got there first; a unit without any verified entry comes last.
    first = standing.percent if by is RankBy.PERCENT else standing.total
    return (
        -first,
        -standing.criteria_at_target,
        standing.latest_activity is None,
        standing.latest_activity or date.max,
    )


def rank(standings: Iterable[Standing], by: RankBy | str = RankBy.TOTAL) -> list[Standing]:
    """Rank one block on `by` (total or percent): equal units share a rank and the next is
    skipped (1, 2, 2, 4); the tie-breaks are the same whichever comes first."""
    by = RankBy(by)
    ordered = sorted(standings, key=lambda s: (_rank_key(s, by), s.unit.name.casefold()))
    ranked: list[Standing] = []
    for position, standing in enumerate(ordered, start=1):
        if ranked and _rank_key(ranked[-1], by) == _rank_key(standing, by):
            place = ranked[-1].rank
        else:
            place = position
        ranked.append(replace(standing, rank=place))
    return ranked


def compute_standings(data: ScoringInput) -> dict[str, list[Standing]]:
    """Standings of every block, each ranked; blocks in the order units name them."""
    by_block: dict[str, list[Standing]] = {}
    for unit in data.units:
        by_block.setdefault(unit.block, []).append(score_unit(unit, data))
    return {block: rank(standings, data.rank_by) for block, standings in by_block.items()}


# --- Why a unit has its points ---------------------------------------------


@dataclass(frozen=True, slots=True)
class Explanation:
    """The facts behind one criterion's points, for the "why" table of a unit page.

    `quantity` is what the judges verified (people for a percent criterion,
    items, on-time reports, the judges' mean); `base` is what a percent is
    taken of (the member count) or how many monthly reports were due; the
    rest is the score itself, computed by `score_criterion` so the table can
    never disagree with the board.
    """

    rule: CriterionRule
    score: CriterionScore
    quantity: Decimal | None
    items: int
    base: Decimal | None
    judges: int = 0

    @property
    def capped(self) -> bool:
        """The ratio went past the cap, so the cap decided the points."""
        return self.score.ratio is not None and self.score.ratio > self.rule.cap


def explain(unit: UnitFacts, data: ScoringInput) -> list[Explanation]:
    """Every criterion of `unit` with the facts its points come from, in criterion order."""
    report = data.reports.get(unit.code, ReportRecord())
    found = []
    for rule in data.criteria:
        tally_ = data.tallies.get((unit.code, rule.code), Tally())
        assessments = data.assessments.get((unit.code, rule.code), ())
        score = score_criterion(rule, unit, tally_, data.targets, assessments, report)
        quantity: Decimal | None = tally_.quantity
        base: Decimal | None = None
        if rule.measure is Measure.PERCENT:
            base = Decimal(unit.member_count) if unit.member_count else None
        elif rule.measure is Measure.ON_TIME:
            quantity, base = Decimal(report.on_time), Decimal(report.due)
        elif rule.measure is Measure.JUDGED:
            quantity = score.achieved
        found.append(Explanation(rule, score, quantity, tally_.items, base, len(assessments)))
    return found


# --- Building the facts from history --------------------------------------


@dataclass(frozen=True, slots=True)
class VerifiedItem:
    """One verified entry, as the full rebuild and the freeze cut-off see it."""

    unit: str
    criterion: str
    quantity: Decimal
    activity_date: date
    verified_at: datetime


def tally(
    items: Iterable[VerifiedItem], cutoff: datetime | None = None
) -> dict[tuple[str, str], Tally]:
    """Sum verified entries per unit and criterion, ignoring any verified after `cutoff`.

    The cut-off is how the public sees the standings as of the freeze: what a
    judge verifies later stays hidden until the results are published.
    """
    sums: dict[tuple[str, str], list] = defaultdict(lambda: [ZERO, 0, None])
    for item in items:
        if cutoff is not None and item.verified_at > cutoff:
            continue
        acc = sums[(item.unit, item.criterion)]
        acc[0] += item.quantity
        acc[1] += 1
        if acc[2] is None or item.activity_date > acc[2]:
            acc[2] = item.activity_date
    return {key: Tally(Decimal(q), n, latest) for key, (q, n, latest) in sums.items()}


def roll_up(
    tallies: Mapping[tuple[str, str], Tally], parents: Mapping[str, str | None]
) -> dict[tuple[str, str], Tally]:
    """What the units under each unit verified, at any depth, from every unit's own tallies.

    Each own tally is added once to every ancestor of its unit (`parents` maps a
    unit to its parent). The database keeps these sums in step with each
    verification; this is the rule they must equal, and the freeze cut-off's way.
    """
    below: dict[tuple[str, str], list] = defaultdict(lambda: [ZERO, 0])
    for (unit, criterion), own in tallies.items():
        seen = {unit}
        ancestor = parents.get(unit)
        while ancestor is not None and ancestor not in seen:
            acc = below[(ancestor, criterion)]
            acc[0] += own.quantity
            acc[1] += own.items
            seen.add(ancestor)
            ancestor = parents.get(ancestor)
    return {key: Tally(Decimal(q), n) for key, (q, n) in below.items() if n}


def month_starts(first: date, last: date) -> list[date]:
    """The first day of every month from `first`'s month to `last`'s."""
    months = []
    current = first.replace(day=1)
    while current <= last:
        months.append(current)
        current = (current + timedelta(days=32)).replace(day=1)
    return months


def report_deadline(month: date, deadline_day: int, zone: tzinfo) -> datetime:
    """The last moment a month's report is on time: the end of day N of the next month.

    "The end of the day" is read on the federation's clock (`zone`), so a
    report filed at 23:59 Vietnam time on day N is on time wherever the server runs.
    """
    next_month = (month.replace(day=1) + timedelta(days=32)).replace(day=1)
    return datetime.combine(next_month.replace(day=deadline_day), time.max, tzinfo=zone)


def report_record(
    drive_start: date,
    drive_end: date,
    deadline_day: int,
    filed: Mapping[date, datetime],
    now: datetime,
    zone: tzinfo,
) -> ReportRecord:
    """Reports due by `now` (their deadline has passed) and how many were filed in time.

    `filed` maps a month's first day to when its report was filed.
    """
    due = on_time = 0
    for month in month_starts(drive_start, drive_end):
        deadline = report_deadline(month, deadline_day, zone)
        if deadline >= now:
            continue
        due += 1
        filed_at = filed.get(month)
        if filed_at is not None and filed_at <= deadline:
            on_time += 1
    return ReportRecord(due=due, on_time=on_time)
