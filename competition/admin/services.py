"""The work behind the admin pages: score-impact previews, the targets grid,
the unit tree, passwords shown once, and uploads kept between a dry run and
its commit. Views call these; tests call them without a request.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import string
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from flask import current_app, session
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select

from competition import scoring, standings
from competition.admin.scope import AdminScope
from competition.extensions import db
from competition.hierarchy import lower_organisers
from competition.models import (
    Assessment,
    Block,
    Criterion,
    Drive,
    Entry,
    Role,
    Target,
    Unit,
    User,
)

# --- Units the percent criteria cannot score ------------------------------


def units_missing_members(drive: Drive) -> list[Unit]:
    """Ranked units without a member count, when the drive has a percent criterion.

    Such a unit is not scored on the percent criteria (their points leave its
    maximum too), so its total is out of fewer points than its neighbours':
    the admin is warned on the units page and the drive page to fill the count
    or to rank the drive by percent.
    """
    has_percent = db.session.scalar(
        select(func.count()).select_from(Criterion).where(
            Criterion.drive_id == drive.id, Criterion.measure == scoring.Measure.PERCENT,
            Criterion.retired.is_(False),
        )
    )
    if not has_percent:
        return []
    return list(db.session.scalars(
        select(Unit).where(
            Unit.active.is_(True), Unit.block_id.is_not(None),
            (Unit.member_count.is_(None)) | (Unit.member_count == 0),
        ).order_by(Unit.name)
    ))


# --- Score-impact preview -------------------------------------------------


@dataclass(frozen=True)
class ImpactRow:
    unit: str
    block: str
    total_before: Decimal | None
    total_after: Decimal | None
    rank_before: int | None
    rank_after: int | None


@dataclass(frozen=True)
class Impact:
    """How a proposed change would move the live standings, unit by unit."""

    units: int
    totals_changed: int
    ranks_changed: int
    classifications_changed: int
    rows: list[ImpactRow]

    @property
    def moves_anything(self) -> bool:
        return bool(self.totals_changed or self.ranks_changed or self.classifications_changed)


def _flat(board: dict[str, list[scoring.Standing]]) -> dict[str, scoring.Standing]:
    return {row.unit.code: row for rows in board.values() for row in rows}


def live_board(drive: Drive) -> dict[str, scoring.Standing]:
    """Standings computed afresh from the session's state (never the cache)."""
    return _flat(scoring.compute_standings(standings.scoring_input(drive)))


def score_impact(drive: Drive, change: Callable[[], None]) -> Impact:
    """Apply `change` inside a savepoint, score the drive, and roll the change back.

    The proposed values go through the very same standings service as the real
    board, so the preview cannot disagree with what saving would show.
    """
    before = live_board(drive)
    savepoint = db.session.begin_nested()
    try:
        change()
        db.session.flush()
        after = live_board(drive)
    finally:
        savepoint.rollback()
    rows = []
    totals = ranks = classes = 0
    for code in sorted(set(before) | set(after)):
        old, new = before.get(code), after.get(code)
        total_moved = (old and old.total) != (new and new.total)
        rank_moved = (old and old.rank) != (new and new.rank)
        class_moved = (old and old.classification) != (new and new.classification)
        totals += total_moved
        ranks += rank_moved
        classes += class_moved
        if total_moved or rank_moved or class_moved:
            facts = (new or old).unit
            rows.append(ImpactRow(
                facts.name, facts.block,
                old.total if old else None, new.total if new else None,
                old.rank if old else None, new.rank if new else None,
            ))
    return Impact(len(set(before) | set(after)), totals, ranks, classes, rows)


# --- Targets --------------------------------------------------------------

TARGETED = {scoring.Measure.COUNT, scoring.Measure.PERCENT}


@dataclass(frozen=True)
class TargetCell:
    criterion: Criterion
    value: Decimal | None
    source: scoring.TargetSource | None
    override: Decimal | None  # the unit's own target, when it has one


@dataclass(frozen=True)
class TargetRow:
    unit: Unit
    cells: list[TargetCell]


def targeted_criteria(drive: Drive) -> list[Criterion]:
    """Criteria whose points depend on a target (count and percent)."""
    return [c for c in standings.scored_criteria(drive) if c.measure in TARGETED]


def grid_units(block_id: int | None, scope: AdminScope | None = None) -> list[Unit]:
    """Scored units in the grid's order (block, then name): the order a pasted column follows.

    A scoped admin's grid holds only the units of the blocks its organiser ranks.
    """
    query = (
        select(Unit).join(Block, Unit.block_id == Block.id).where(Unit.active.is_(True))
        .order_by(Block.position, Block.id, Unit.name, Unit.id)
    )
    if block_id:
        query = query.where(Unit.block_id == block_id)
    if scope is not None and not scope.is_full:
        query = query.where(Unit.block_id.in_([b.id for b in scope.blocks()]))
    return list(db.session.scalars(query))


def target_grid(
    drive: Drive, block_id: int | None, scope: AdminScope | None = None
) -> list[TargetRow]:
    """Every unit × targeted criterion with its effective target and where it comes from."""
    data = standings.scoring_input(drive)
    rules = {r.code: r for r in data.criteria}
    criteria = targeted_criteria(drive)
    rows = []
    for unit in grid_units(block_id, scope):
        facts = scoring.UnitFacts(unit.code, unit.name, unit.block.code, unit.member_count)
        cells = []
        for criterion in criteria:
            value, source = data.targets.resolve(facts, rules[criterion.code])
            own = data.targets.by_unit.get((unit.code, criterion.code))
            cells.append(TargetCell(criterion, value, source, own))
        rows.append(TargetRow(unit, cells))
    return rows


def plain_number(value: Decimal | None) -> str:
    """A target as typed into a cell (12.5, 100), without grouping: inputs read it back."""
    return "" if value is None else format(Decimal(value).normalize(), "f")


def block_overrides(drive: Drive) -> dict[tuple[int, int], Decimal]:
    """(block id, criterion id) → the block's target override."""
    rows = db.session.execute(
        select(Target.block_id, Target.criterion_id, Target.value)
        .join(Criterion, Target.criterion_id == Criterion.id)
        .where(Criterion.drive_id == drive.id, Target.unit_id.is_(None), Target.block_id.is_not(None))
    )
    return {(b, c): Decimal(v) for b, c, v in rows}


# --- Units ----------------------------------------------------------------


def descendants(unit: Unit) -> set[int]:
    """Ids of every unit below `unit` (its subtree, itself excluded)."""
    children: dict[int | None, list[int]] = {}
    for unit_id, parent_id in db.session.execute(select(Unit.id, Unit.parent_id)):
        children.setdefault(parent_id, []).append(unit_id)
    found, stack = set(), list(children.get(unit.id, []))
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return found


def all_blocks() -> list[Block]:
    return list(standings.blocks())


def unit_tree(within: frozenset[int] | None = None) -> tuple[list[Unit], dict[int, list[Unit]]]:
    """Root units and each unit's children, both in name order; only `within` if given
    (a scoped admin's units: its organiser's children are then the roots)."""
    query = select(Unit).order_by(Unit.name, Unit.id)
    if within is not None:
        query = query.where(Unit.id.in_(within))
    units = db.session.scalars(query).all()
    children: dict[int, list[Unit]] = {}
    roots = []
    ids = {u.id for u in units}
    for unit in units:
        if unit.parent_id in ids:
            children.setdefault(unit.parent_id, []).append(unit)
        else:
            roots.append(unit)
    return roots, children


def unit_choices(
    exclude: set[int] = frozenset(), within: AdminScope | None = None
) -> list[tuple[int, str]]:
    """Units for a select, indented by depth, without the excluded ones; for a scoped
    admin, its organiser and the units under it."""
    if within is not None and not within.is_full:
        roots, children = unit_tree(within.unit_ids | {within.council.id})
    else:
        roots, children = unit_tree()
    choices: list[tuple[int, str]] = []

    def walk(unit: Unit, depth: int) -> None:
        if unit.id in exclude:
            return
        choices.append((unit.id, "— " * depth + f"{unit.name} ({unit.code})"))
        for child in children.get(unit.id, []):
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    return choices


def council_choices(scope: AdminScope) -> list[tuple[int, str]]:
    """Councils an account may sit on: the province's (none) or an organiser of a block."""
    if not scope.is_full:
        return [(scope.council.id, scope.council.name)]
    organisers = lower_organisers()
    return [(0, str(_l("— Hội đồng cấp tỉnh —")))] + [(u.id, u.name) for u in organisers]


def users_within(scope: AdminScope) -> Select:
    """The accounts an admin manages: all, or its units' reporters and its council's judges."""
    query = select(User)
    if scope.is_full:
        return query
    return query.where(or_(
        (User.role == Role.UNIT) & User.unit_id.in_(scope.unit_ids),
        (User.role == Role.JUDGE) & (User.council_id == scope.council.id),
    ))


# --- Criteria -------------------------------------------------------------


def criterion_in_use(criterion: Criterion) -> bool:
    """A criterion with entries or assessments is retired, never deleted."""
    entries = db.session.scalar(select(func.count()).where(Entry.criterion_id == criterion.id))
    assessed = db.session.scalar(
        select(func.count()).where(Assessment.criterion_id == criterion.id)
    )
    return bool(entries or assessed)


# --- Users ----------------------------------------------------------------

PASSWORD_ALPHABET = string.ascii_letters + string.digits


def new_password() -> str:
    """A password to read out or paste once: 12 letters and digits, never ambiguous-looking."""
    alphabet = [c for c in PASSWORD_ALPHABET if c not in "0OolI1"]
    return "".join(secrets.choice(alphabet) for _ in range(12))


# --- Uploads kept between the dry run and the commit ----------------------

STAGED_KEY = "admin_staged_uploads"


@dataclass(frozen=True)
class StagedFile:
    token: str
    kind: str
    name: str
    data: bytes


STAGED_MAX_AGE = 24 * 3600


def _stage_dir() -> Path:
    """Beside the evidence folder (never under static/), so it lives wherever uploads live."""
    folder = Path(current_app.config["UPLOAD_DIR"]).parent / "staged"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _forget_stale_uploads() -> None:
    """Files previewed and never committed are removed after a day."""
    limit = time.time() - STAGED_MAX_AGE
    for path in _stage_dir().iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def stage_upload(kind: str, name: str, data: bytes) -> str:
    """Keep an uploaded file on the server under a random name bound to this session.

    The browser only ever holds the token; the bytes and their hash stay on the
    server, so the commit applies exactly the file that was previewed.
    """
    _forget_stale_uploads()
    token = secrets.token_urlsafe(18)
    (_stage_dir() / token).write_bytes(data)
    staged = dict(session.get(STAGED_KEY, {}))
    staged[token] = {"kind": kind, "name": name, "sha256": hashlib.sha256(data).hexdigest()}
    # Only the latest few stay reachable; older files are removed with their entry.
    for old in list(staged)[:-5]:
        (_stage_dir() / old).unlink(missing_ok=True)
        staged.pop(old)
    session[STAGED_KEY] = staged
    return token


def staged_upload(token: str, kind: str) -> StagedFile | None:
    """The staged file for this session and kind, if its bytes still match their hash."""
    meta = session.get(STAGED_KEY, {}).get(token)
    if not meta or meta["kind"] != kind or not re.fullmatch(r"[A-Za-z0-9_\-]{20,40}", token):
        return None
    path = _stage_dir() / token
    if not path.exists():
        return None
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != meta["sha256"]:
        return None
    return StagedFile(token, kind, meta["name"], data)


def discard_upload(token: str) -> None:
    (_stage_dir() / token).unlink(missing_ok=True)
    staged = dict(session.get(STAGED_KEY, {}))
    staged.pop(token, None)
    session[STAGED_KEY] = staged
