"""Publishing, withdrawing and republishing a drive's official result (DESIGN: freeze to result).

Publishing is possible only after the freeze and the whole appeal window,
with no appeal open. It writes snapshot n: every block's standings as of the
freeze plus the appeal amendments, with the SHA-256 of its canonical JSON.
From then on the drive is locked (`results.lock`). A withdrawal needs a
written reason, which the public sees; publishing again writes snapshot n+1.
Each step is one audited action of an admin in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from competition import audit, clock, standings
from competition.extensions import db
from competition.lifecycle import Forbidden, TransitionError
from competition.models import Appeal, AppealStatus, Drive, ResultSnapshot, User
from competition.results import calendar, current_snapshot, payload_sha256

MONEY = "{:.2f}"


def _require_admin(actor: User | None) -> None:
    """An admin on the web; None is the command line, run by whoever operates the server."""
    if actor is not None and not (actor.is_authenticated and actor.is_admin):
        raise Forbidden("forbidden")


def open_appeals(drive: Drive) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Appeal)
        .where(Appeal.drive_id == drive.id, Appeal.status == AppealStatus.OPEN)
    ) or 0


@dataclass(frozen=True)
class Readiness:
    """Whether the drive may be published now, and if not, the first reason why."""

    refusal: str | None
    stage: calendar.Stage
    appeal_deadline: datetime | None
    open_appeals: int

    @property
    def ready(self) -> bool:
        return self.refusal is None


def readiness(drive: Drive, moment: datetime | None = None) -> Readiness:
    moment = moment or clock.now()
    waiting = open_appeals(drive)
    deadline = calendar.appeal_deadline(drive)
    if drive.published_at is not None:
        refusal = "already_published"
    elif drive.freeze_at is None:
        refusal = "no_freeze"
    elif moment < drive.freeze_at:
        refusal = "before_freeze"
    elif moment <= deadline:
        refusal = "appeal_window_open"
    elif waiting:
        refusal = "appeals_open"
    else:
        refusal = None
    return Readiness(refusal, calendar.stage(drive, moment), deadline, waiting)


def official_board(drive: Drive) -> standings.Board:
    """The official standings: as of the freeze, with every amendment made through appeals."""
    return standings.compute_board(drive, drive.freeze_at)


def build_payload(drive: Drive, number: int, published_at: datetime) -> dict:
    """The snapshot's content in the shared contract (exact decimals as strings)."""
    names = {b.code: b.name for b in standings.blocks()}
    organisers = {b.code: getattr(getattr(b, "organiser", None), "code", None)
                  for b in standings.blocks()}
    blocks = []
    for code, rows in official_board(drive).items():
        blocks.append({
            "code": code,
            "name": names.get(code, code),
            "organiser": organisers.get(code),
            "standings": [{
                "rank": row.rank,
                "unit_code": row.unit.code,
                "unit_name": row.unit.name,
                "total": MONEY.format(row.total),
                "percent": MONEY.format(row.percent),
                "classification": str(row.classification),
                "criteria_at_target": row.criteria_at_target,
                "points": {score.code: MONEY.format(score.points) for score in row.scores},
            } for row in rows],
        })
    return {
        "drive": {"code": drive.code, "title": drive.title},
        "number": number,
        "published_at": clock.as_utc(published_at).isoformat(),
        "rank_by": str(getattr(drive, "rank_by", "total") or "total"),
        "blocks": blocks,
    }


def publish(drive: Drive, actor: User | None) -> ResultSnapshot:
    """Write the next snapshot and lock the drive; refusals name their reason (409)."""
    _require_admin(actor)
    moment = clock.now()
    state = readiness(drive, moment)
    if state.refusal:
        raise TransitionError(state.refusal)
    number = (db.session.scalar(
        select(func.max(ResultSnapshot.number)).where(ResultSnapshot.drive_id == drive.id)) or 0) + 1
    payload = build_payload(drive, number, moment)
    previous = db.session.scalars(
        select(ResultSnapshot).where(ResultSnapshot.drive_id == drive.id)
        .order_by(ResultSnapshot.number.desc()).limit(1)).first()
    snapshot = ResultSnapshot(
        drive_id=drive.id, number=number, published_at=moment,
        published_by_id=actor.id if actor else None,
        payload=payload, sha256=payload_sha256(payload),
    )
    db.session.add(snapshot)
    drive.published_at = moment
    db.session.flush()
    standings.bump_version(drive.id)
    changed = differences(previous.payload, payload) if previous is not None else []
    audit.record("results.publish", snapshot, actor=actor, actor_name="cli", after={
        "drive": drive.code, "number": number, "sha256": snapshot.sha256,
        # What republishing changed against the withdrawn snapshot, for the public change log.
        "changes": [{"unit": c.unit_name,
                     "before": {k: c.before[k] for k in ("rank", "total")} if c.before else None,
                     "after": {k: c.after[k] for k in ("rank", "total")} if c.after else None}
                    for c in changed],
    })
    return snapshot


def withdraw(drive: Drive, actor: User | None, reason: str) -> ResultSnapshot:
    """Withdraw the result in force, with a public written reason; the drive unlocks."""
    _require_admin(actor)
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError("reason_required")
    snapshot = current_snapshot(drive)
    if snapshot is None or drive.published_at is None:
        raise TransitionError("not_published")
    moment = clock.now()
    snapshot.withdrawn_at, snapshot.withdrawn_by_id = moment, actor.id if actor else None
    snapshot.withdraw_reason = reason
    drive.published_at = None
    standings.bump_version(drive.id)
    audit.record("results.withdraw", snapshot, actor=actor, actor_name="cli", reason=reason,
                 before={"number": snapshot.number, "sha256": snapshot.sha256},
                 after={"number": snapshot.number, "withdrawn_at": moment})
    return snapshot


@dataclass(frozen=True)
class Change:
    """How one unit's official line differs between two snapshots."""

    block: str
    unit_code: str
    unit_name: str
    before: dict | None
    after: dict | None


def differences(old: dict, new: dict) -> list[Change]:
    """The units whose rank, total, percent or classification differ between two payloads."""
    def lines(payload: dict) -> dict[tuple[str, str], dict]:
        return {(b["code"], row["unit_code"]): row for b in payload["blocks"] for row in b["standings"]}

    before, after = lines(old), lines(new)
    keys = ("rank", "total", "percent", "classification", "points")
    changes = []
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        if a is None or b is None or any(a[k] != b[k] for k in keys):
            name = (b or a)["unit_name"]
            changes.append(Change(key[0], key[1], name, a, b))
    return changes
