"""Sending the email outbox: claim, send, record; retries with backoff; never twice.

Every message goes through three steps, each its own commit:

1. claim: `pending → sending` by one conditional UPDATE (only one worker can
   win it, on SQLite and PostgreSQL alike), with the attempt counted;
2. hand it to the SMTP server;
3. record: `sending → sent`, or back to `pending` with the error and a later
   `next_attempt_at` (after the last retry: `failed`).

A worker that dies between 1 and 3 leaves the message in `sending`. It is
never sent again by itself — the server may already have accepted it — and
the admin's outbox page lists it as "not known whether sent", with a button
to send it again on purpose.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_mailman import EmailMessage, Mail
from sqlalchemy import func, select, update

from competition import faults
from competition.clock import now
from competition.extensions import db
from competition.notifications.models import OutboxMessage, OutboxStatus

# Minutes to wait after the 1st, 2nd, … failed try; after the last the message is `failed`.
BACKOFF_MINUTES = (1, 5, 15, 60, 180, 360)
BATCH = 50


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def backoff(attempts: int) -> timedelta | None:
    """How long to wait after the `attempts`-th failure; None once the retries are spent."""
    if attempts > len(BACKOFF_MINUTES):
        return None
    return timedelta(minutes=BACKOFF_MINUTES[attempts - 1])


def configure_mail() -> None:
    """Read the MAIL_* settings afresh for this pass (a changed setting needs no restart)."""
    app = current_app._get_current_object()
    app.extensions["mailman"] = Mail.init_mail(app.config, app.testing)


def _due_ids(moment: datetime) -> list[int]:
    return list(db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.PENDING,
               OutboxMessage.next_attempt_at <= moment)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(BATCH)
    ))


def claim(message_id: int, worker: str) -> bool:
    """Take one message for this worker; False when another worker took it first."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.SENDING, claimed_at=now(), claimed_by=worker,
                attempts=OutboxMessage.attempts + 1)
    )
    db.session.commit()
    return result.rowcount == 1


@dataclass(frozen=True)
class Envelope:
    """What one send needs, read before the send so no transaction stays open during SMTP."""

    message_id: int
    to_address: str
    subject: str
    body: str
    headers: dict[str, str]


def _envelope(message: OutboxMessage) -> Envelope:
    from competition.notifications.services import absolute, path_for, unsubscribe_token

    headers = {}
    if message.user is not None and message.user.email:
        link = absolute(path_for("notifications.unsubscribe",
                                 token=unsubscribe_token(message.user)))
        headers = {"List-Unsubscribe": f"<{link}>",
                   "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return Envelope(message.id, message.to_address, message.subject, message.body, headers)


def _deliver(envelope: Envelope) -> None:
    EmailMessage(envelope.subject, envelope.body, to=[envelope.to_address],
                 headers=envelope.headers).send()


def _record_failure(message: OutboxMessage, error: Exception) -> None:
    wait = backoff(message.attempts)
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if wait is None:
        message.status = OutboxStatus.FAILED
    else:
        message.status = OutboxStatus.PENDING
        message.next_attempt_at = now() + wait


def send_due(moment: datetime | None = None) -> tuple[int, int]:
    """Send every message that is due; returns (sent, failed tries)."""
    configure_mail()
    worker = worker_name()
    sent = failed = 0
    for message_id in _due_ids(moment or now()):
        if not claim(message_id, worker):
            continue
        envelope = _envelope(db.session.get(OutboxMessage, message_id))
        db.session.commit()  # SQLite: no write lock held while the mail server answers
        try:
            _deliver(envelope)
        except Exception as error:  # SMTP refusals, a server down, DNS: all are retried
            _record_failure(db.session.get(OutboxMessage, message_id), error)
            db.session.commit()
            failed += 1
            continue
        faults.pause("outbox.sent")  # a durability test kills the worker here
        message = db.session.get(OutboxMessage, message_id)
        message.status = OutboxStatus.SENT
        message.sent_at = now()
        message.last_error = ""
        db.session.commit()
        sent += 1
    return sent, failed


def send_again(message: OutboxMessage) -> None:
    """The admin's choice for a failed or uncertain message: back in the queue, due now."""
    message.status = OutboxStatus.PENDING
    message.next_attempt_at = now()
    message.claimed_by = ""


def counts() -> dict[str, int]:
    rows = db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    )
    return {status: count for status, count in rows}


def troubles():
    """What the admin must look at: given up, uncertain (claimed, never recorded), retrying."""
    return (
        select(OutboxMessage)
        .where((OutboxMessage.status.in_((OutboxStatus.FAILED, OutboxStatus.SENDING)))
               | ((OutboxMessage.status == OutboxStatus.PENDING)
                  & (OutboxMessage.attempts > 0)))
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    )
