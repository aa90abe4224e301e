"""What the product tells people: notifications in the app, their emails, and the schedule's runs.

A `Notification` is the message a person reads in the app; when that person
wants it by email an `OutboxMessage` with the same text is written in the
same transaction, so the change that caused it and its message commit or
vanish together. The worker sends the outbox later, outside any web request.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competition.clock import UTCDateTime, now
from competition.extensions import db
from competition.models import User


class Notification(db.Model):
    """One message to one person, with a link to the page it is about."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(String(48))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Scheduled messages carry a key ("report_due_3:2021-05:HOAAN"): the unique
    # constraint makes a second worker's copy fail instead of reaching the person twice.
    key: Mapped[str | None] = mapped_column(String(160))

    user: Mapped[User] = relationship()
    __table_args__ = (
        UniqueConstraint("user_id", "key", name="uq_notification_user_key"),
        Index("ix_notification_user_read", "user_id", "read_at"),
        Index("ix_notification_user_created", "user_id", "created_at"),
    )


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for the worker (maybe after a failed try)
    SENDING = "sending"  # claimed by a worker that has not yet recorded the result
    SENT = "sent"
    FAILED = "failed"  # gave up after the last retry; the admin sees it


class OutboxMessage(db.Model):
    """An email waiting to be sent, being sent, sent or given up on."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(48))
    # Daily digests carry "digest:<user>:<day>"; unique, so two workers write one.
    key: Mapped[str | None] = mapped_column(String(160), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str] = mapped_column(String(64), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User | None] = relationship()
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)


class ScheduledRun(db.Model):
    """A daily job done for one Vietnam-time day: the row is the claim.

    The worker that inserts ("daily", 2021-05-10) does that day's reminders in
    the same transaction; any other worker's insert breaks the primary key
    and it does nothing. Works the same on SQLite and PostgreSQL.
    """

    job: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    worker: Mapped[str] = mapped_column(String(64), default="")
    messages: Mapped[int] = mapped_column(Integer, default=0)
