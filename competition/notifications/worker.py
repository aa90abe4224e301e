"""The notification worker: the daily schedule, then the outbox; `notify once` or `notify run`."""

from __future__ import annotations

import signal
import threading
from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from competition.clock import now
from competition.extensions import db
from competition.notifications import outbox, schedule

notify_cli = AppGroup("notify", help="Thông báo: gửi email trong hộp thư đi và nhắc việc hằng ngày.")


def one_pass(moment: datetime | None = None) -> tuple[int | None, int, int]:
    """Today's reminders if due (once across all workers), then every due email."""
    moment = moment or now()
    made = schedule.run_schedule(moment, worker=outbox.worker_name())
    sent, failed = outbox.send_due()
    db.session.remove()
    return made, sent, failed


def _report(made: int | None, sent: int, failed: int) -> None:
    if made is not None:
        click.echo(f"Đã tạo {made} thông báo nhắc việc trong ngày.")
    click.echo(f"Đã gửi {sent} email; {failed} email lỗi sẽ được thử lại.")


@notify_cli.command("once")
def notify_once() -> None:
    """One pass (for cron, e.g. every 5 minutes): reminders when due, then the outbox."""
    _report(*one_pass())


@notify_cli.command("run")
def notify_run() -> None:
    """Run until stopped: one pass every NOTIFY_POLL_SECONDS (the Procfile's worker).

    Ctrl+C (SIGINT) and a process manager's stop (SIGTERM) end it after the pass under way,
    so an email is never cut off mid-send; the handlers are set here because a worker started
    in the background may inherit an ignored SIGINT.
    """
    seconds = current_app.config["NOTIFY_POLL_SECONDS"]
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    click.echo(f"Tiến trình gửi thông báo đang chạy (mỗi {seconds} giây một lượt; Ctrl+C để dừng).")
    while not stop.is_set():
        made, sent, failed = one_pass()
        if made is not None or sent or failed:
            _report(made, sent, failed)
        stop.wait(seconds)
    click.echo("Đã dừng.")
