"""Reminders and digests on a Vietnam-time schedule, each sent once however many workers run.

Once a day, at `NOTIFY_DAILY_AT` Vietnam time (07:00 by default), the first
worker to claim the day (a `ScheduledRun` row: its primary key lets only one
insert succeed) writes that day's reminders in the same transaction:

- reporters: the monthly report due in 3 days, due today, late (the day after
  its deadline); the submission close in 3 days and today; the freeze in 3 days;
- judges: one digest of the entries in their scope waiting longer than
  `NOTIFY_WAITING_DAYS` days;
- admins: the appeal window closing tomorrow; publication possible once the
  window is over with no appeal open;
- everyone who chose a daily email digest: one email with the day's unread
  notifications.

Scheduled notifications carry a key, and a person who already has that key is
skipped, so a run repeated by hand never tells anyone twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from competition import standings
from competition.clock import local, now
from competition.extensions import db
from competition.models import (
    Criterion,
    Drive,
    EmailPreference,
    Entry,
    EntryStatus,
    MonthlyReport,
    Unit,
    User,
)
from competition.notifications import recipients
from competition.notifications.messages import (
    DIGEST_SUBJECT,
    SUBJECT_PREFIX,
    vi_day,
    vi_moment,
    vi_month,
    vi_number,
)
from competition.notifications.models import Notification, OutboxMessage, ScheduledRun
from competition.notifications.services import email_body, notify, path_for, queue_email
from competition.reports import services as reports
from competition.results import calendar, publication

DAILY = "daily"
DIGEST_UNITS_SHOWN = 5


def daily_time() -> time:
    return time.fromisoformat(current_app.config["NOTIFY_DAILY_AT"])


def run_schedule(moment: datetime | None = None, worker: str = "") -> int | None:
    """Do today's daily job if its time has come and no worker did it yet.

    Returns the number of notifications written, or None when there was
    nothing to do (too early, or already done by this or another worker).
    """
    moment = moment or now()
    here = local(moment)
    if here.time() < daily_time():
        return None
    day = here.date()
    if db.session.get(ScheduledRun, (DAILY, day)) is not None:
        db.session.rollback()
        return None
    run = ScheduledRun(job=DAILY, day=day, started_at=moment, worker=worker)
    db.session.add(run)
    try:
        db.session.flush()  # the claim: a second worker's insert fails (or waits, then fails)
    except IntegrityError:
        db.session.rollback()
        return None
    run.messages = daily_job(moment)
    try:
        db.session.commit()
    except IntegrityError:  # another worker claimed the day while we were writing
        db.session.rollback()
        return None
    return run.messages


def daily_job(moment: datetime) -> int:
    """Every reminder and digest of the Vietnam-time day of `moment`, in the current transaction."""
    day = local(moment).date()
    made = 0
    drive = standings.active_drive()
    if drive is not None:
        made += report_reminders(drive, day)
        made += deadline_reminders(drive, day)
        made += judge_digests(drive, moment, day)
        made += admin_reminders(drive, moment, day)
    db.session.flush()
    email_digests(moment, day)
    return made


def notify_once(users: Iterable[User], kind: str, link: str, key: str, **values: object) -> int:
    """`notify` for scheduled messages: anyone who already has `key` is skipped."""
    users = list(users)
    if not users:
        return 0
    told = set(db.session.scalars(
        select(Notification.user_id).where(
            Notification.key == key, Notification.user_id.in_([u.id for u in users]))
    ))
    fresh = [u for u in users if u.id not in told]
    return len(notify(fresh, kind, link, key=key, **values)) if fresh else 0


# --- Reporters -----------------------------------------------------------------

REPORT_REMINDERS = {3: "report_due_soon", 0: "report_due_today", -1: "report_late"}


def report_reminders(drive: Drive, day: date) -> int:
    """Monthly reports not filed: 3 days before the deadline, on its day, the day after."""
    made = 0
    for month in reports.drive_months(drive):
        limit = local(reports.deadline(drive, month))
        kind = REPORT_REMINDERS.get((limit.date() - day).days)
        if kind is None:
            continue
        filed = set(db.session.scalars(
            select(MonthlyReport.unit_id).where(
                MonthlyReport.drive_id == drive.id, MonthlyReport.month == month,
                MonthlyReport.filed_at.is_not(None))
        ))
        units = [u for u in reports.reporting_units() if u.id not in filed]
        people = recipients.reporters_by_unit(units)
        for unit in units:
            made += notify_once(
                people[unit.id], kind,
                path_for("reports.monthly", slug=unit.slug, month_text=f"{month:%Y-%m}"),
                key=f"{kind}:{drive.id}:{month:%Y-%m}:{unit.id}",
                month=vi_month(month), unit=unit.name, deadline=vi_day(limit),
            )
    return made


def deadline_reminders(drive: Drive, day: date) -> int:
    """The submission close (3 days before, and on the day) and the freeze (3 days before)."""
    close = local(calendar.submissions_close(drive)).date()
    kinds = []
    if (close - day).days == 3:
        kinds.append("submissions_close_soon")
    if close == day:
        kinds.append("submissions_close_today")
    freeze = local(drive.freeze_at) if drive.freeze_at else None
    if freeze is not None and (freeze.date() - day).days == 3:
        kinds.append("freeze_soon")
    if not kinds:
        return 0
    units = reports.reporting_units()
    people = [user for users in recipients.reporters_by_unit(units).values() for user in users]
    link = path_for("entries.dashboard")
    return sum(
        notify_once(people, kind, link, key=f"{kind}:{drive.id}", drive=drive.code,
                    close=vi_day(close), freeze=vi_moment(freeze) if freeze else "")
        for kind in kinds
    )


# --- Judges ----------------------------------------------------------------------


def waiting_by_unit(drive: Drive, before: datetime) -> dict[Unit, int]:
    """Entries of the drive submitted before `before` and still waiting, counted per unit."""
    rows = db.session.execute(
        select(Entry.unit_id, func.count()).join(Criterion, Entry.criterion_id == Criterion.id)
        .where(Criterion.drive_id == drive.id, Entry.status == EntryStatus.SUBMITTED,
               Entry.submitted_at <= before)
        .group_by(Entry.unit_id)
    ).all()
    units = {u.id: u for u in db.session.scalars(
        select(Unit).where(Unit.id.in_([unit_id for unit_id, _ in rows])))}
    return {units[unit_id]: count for unit_id, count in rows}


def judge_digests(drive: Drive, moment: datetime, day: date) -> int:
    """One message per judge: how many entries in their scope wait too long, and where."""
    days = current_app.config["NOTIFY_WAITING_DAYS"]
    waiting = waiting_by_unit(drive, moment - timedelta(days=days))
    if not waiting:
        return 0
    made = 0
    link = path_for("judging.queue")
    for judge in recipients.judges():
        mine = Counter({unit: n for unit, n in waiting.items()
                        if recipients.judge_sees_unit(judge, unit)})
        if not mine:
            continue
        ordered = sorted(mine.items(), key=lambda item: (-item[1], item[0].name))
        shown = [f"{unit.name} ({vi_number(n)})" for unit, n in ordered[:DIGEST_UNITS_SHOWN]]
        if len(ordered) > DIGEST_UNITS_SHOWN:
            shown.append(f"và {vi_number(len(ordered) - DIGEST_UNITS_SHOWN)} đơn vị khác")
        made += notify_once([judge], "judge_digest", link, key=f"judge_digest:{day}",
                            count=vi_number(sum(mine.values())), days=vi_number(days),
                            units=", ".join(shown))
    return made


# --- Admins ----------------------------------------------------------------------


def admin_reminders(drive: Drive, moment: datetime, day: date) -> int:
    """The appeal window closing tomorrow; publication possible (the rule publishing itself
    applies: past the window, no appeal open, not yet published)."""
    end = calendar.appeal_deadline(drive)
    if end is None or drive.published_at is not None:
        return 0
    made = 0
    link = path_for("admin.results")
    if (local(end).date() - day).days == 1:
        made += notify_once(recipients.admins(), "appeal_window_closing", link,
                            key=f"appeal_window_closing:{drive.id}", drive=drive.code,
                            end=vi_moment(local(end)))
    if publication.readiness(drive, moment).ready:
        made += notify_once(recipients.admins(), "publication_possible", link,
                            key=f"publication_possible:{drive.id}", drive=drive.code)
    return made


# --- Email digests ---------------------------------------------------------------


def email_digests(moment: datetime, day: date) -> int:
    """One email per digest reader with the unread notifications since their last digest."""
    readers = db.session.scalars(
        select(User).where(User.email_preference == EmailPreference.DIGEST, User.active,
                           User.email.is_not(None), User.email != "")
    ).all()
    made = 0
    for user in readers:
        since = db.session.scalar(
            select(func.max(OutboxMessage.created_at))
            .where(OutboxMessage.user_id == user.id, OutboxMessage.kind == "digest")
        )
        query = select(Notification).where(
            Notification.user_id == user.id, Notification.read_at.is_(None))
        if since is not None:
            query = query.where(Notification.created_at > since)
        unread = db.session.scalars(query.order_by(Notification.created_at, Notification.id)).all()
        if not unread:
            continue
        subject = SUBJECT_PREFIX + DIGEST_SUBJECT.format(day=vi_day(day))
        body = email_body(user, [(n.text, n.link) for n in unread])
        queue_email(user, subject, body, "digest", key=f"digest:{user.id}:{day}")
        made += 1
    return made
