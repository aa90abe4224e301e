"""The outbox: nothing is sent inside a request, the SMTP server down then up delivers
everything exactly once, retries back off, failures reach the admin, a crash never doubles."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from competition.clock import now
from competition.extensions import db
from competition.faults import ENVIRONMENT_VARIABLE
from competition.notifications import outbox
from competition.notifications.models import OutboxMessage, ScheduledRun
from tests import factories
from tests.conftest import ROOT, TEST_CONFIG
from tests.notifications.conftest import SmtpServer, free_port

PAUSE_DEADLINE = 60.0


@pytest.fixture
def mailed(world):
    """Two reporters with addresses, each told once that an entry came back."""
    world.reporter_hoa_an.email = "hoaan@example.vn"
    world.reporter_bao_lam.email = "blam@example.vn"
    db.session.commit()
    criterion = factories.criterion(world.drive, "SK")
    factories.entry(world.hoa_an, criterion, 1, status="returned", title="A")
    factories.entry(world.bao_lam, criterion, 1, status="returned", title="B")
    return world


@pytest.fixture
def down(app):
    """An SMTP server that is down at first (nothing listens on its port); `start()` brings it up."""
    server = SmtpServer(free_port())
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port,
                      MAIL_TIMEOUT=5, MAIL_DEFAULT_SENDER="thidua@ldld.caobang.vn")
    yield server
    server.stop()


def statuses() -> list[tuple[str, str, int]]:
    return [(m.to_address, m.status, m.attempts)
            for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def test_a_judge_decides_while_the_mail_server_is_down_and_the_page_answers(world, down, make_visitor):
    world.reporter_hoa_an.email = "hoaan@example.vn"
    db.session.commit()
    entry = factories.entry(world.hoa_an, factories.criterion(world.drive, "SK"), 1,
                            status="submitted")
    judge = make_visitor()
    judge.login("thamdinh1")
    response = judge.post(f"/tham-dinh/ket-qua/{entry.id}/tra-lai",
                          {"version": str(entry.version), "reason": "Thiếu minh chứng"},
                          token_from=f"/tham-dinh/ket-qua/{entry.id}")
    assert response.status_code == 302
    assert statuses() == [("hoaan@example.vn", "pending", 0)]  # waiting for the worker


def test_smtp_down_then_up_delivers_everything_exactly_once(mailed, down, admin_visitor):
    assert outbox.send_due() == (0, 2)
    assert statuses() == [("hoaan@example.vn", "pending", 1), ("blam@example.vn", "pending", 1)]
    first = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
    # The first retry waits one minute after the failed try.
    wait = first.next_attempt_at - first.claimed_at
    assert timedelta(seconds=59) < wait < timedelta(seconds=61)
    assert "ConnectionRefusedError" in first.last_error

    page = admin_visitor.get("/thong-bao/hop-thu-di").get_data(as_text=True)
    assert "hoaan@example.vn" in page and "ConnectionRefusedError" in page
    assert "Sẽ thử lại lúc" in page

    down.start()
    assert outbox.send_due() == (0, 0)  # not due before the backoff ends
    assert outbox.send_due(now() + timedelta(minutes=2)) == (2, 0)
    assert outbox.send_due(now() + timedelta(days=1)) == (0, 0)
    assert down.mailbox.recipients() == ["blam@example.vn", "hoaan@example.vn"]
    assert [s for _, s, _ in statuses()] == ["sent", "sent"]


def test_after_the_last_retry_the_message_fails_and_the_admin_can_send_it_again(
    mailed, down, admin_visitor
):
    later = now()
    for _try in range(7):
        outbox.send_due(later)
        later += timedelta(hours=7)  # past every backoff (the longest is 6 hours)
    assert statuses() == [("hoaan@example.vn", "failed", 7), ("blam@example.vn", "failed", 7)]
    assert outbox.send_due(later) == (0, 0)  # given up: no more tries by itself

    page = admin_visitor.get("/thong-bao/hop-thu-di").get_data(as_text=True)
    assert page.count("Thất bại") >= 2
    message = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
    response = admin_visitor.post(f"/thong-bao/hop-thu-di/{message.id}/gui-lai",
                                  token_from="/thong-bao/hop-thu-di")
    assert response.status_code == 302
    down.start()
    assert outbox.send_due() == (1, 0)
    assert down.mailbox.recipients() == ["hoaan@example.vn"]


def test_only_one_worker_can_claim_a_message(mailed):
    message = db.session.scalars(select(OutboxMessage)).first()
    assert outbox.claim(message.id, "worker-1") is True
    assert outbox.claim(message.id, "worker-2") is False
    db.session.refresh(message)
    assert (message.status, message.claimed_by, message.attempts) == ("sending", "worker-1", 1)


def test_backoff_grows_and_ends():
    minutes = [outbox.backoff(n) for n in range(1, 8)]
    assert minutes[:6] == [timedelta(minutes=m) for m in (1, 5, 15, 60, 180, 360)]
    assert minutes[6] is None


@pytest.mark.slow
def test_a_worker_killed_after_sending_never_sends_the_message_twice(
    mailed, smtp, database_uri, tmp_path, admin_visitor
):
    marker = tmp_path / "paused-after-send"
    # The day's reminders are already done, so the worker only sends the outbox.
    db.session.add(ScheduledRun(job="daily", day=date(2021, 5, 10)))
    db.session.commit()
    env = {**os.environ, "DATABASE_URL": database_uri, "SECRET_KEY": TEST_CONFIG["SECRET_KEY"],
           "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp.port), "REDIS_URL": "",
           ENVIRONMENT_VARIABLE: f"outbox.sent:{marker}"}
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "notify", "once"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + PAUSE_DEADLINE
    while not marker.exists() or not marker.read_text():
        assert worker.poll() is None, worker.stdout.read().decode()
        assert time.monotonic() < deadline, "the worker never reached the pause"
        time.sleep(0.05)
    os.kill(int(marker.read_text()), signal.SIGKILL)
    worker.wait(timeout=PAUSE_DEADLINE)

    # The server took the first message; the worker died before recording it.
    assert smtp.mailbox.recipients() == ["hoaan@example.vn"]
    db.session.expire_all()
    assert statuses() == [("hoaan@example.vn", "sending", 1), ("blam@example.vn", "pending", 0)]

    assert outbox.send_due(now() + timedelta(days=1)) == (1, 0)
    assert smtp.mailbox.recipients() == ["blam@example.vn", "hoaan@example.vn"]  # once each
    page = admin_visitor.get("/thong-bao/hop-thu-di").get_data(as_text=True)
    assert "Chưa rõ đã gửi chưa" in page


@pytest.mark.slow
def test_the_long_running_worker_sends_what_arrives_and_stops_on_ctrl_c(
    mailed, smtp, database_uri
):
    db.session.add(ScheduledRun(job="daily", day=date(2021, 5, 10)))
    db.session.commit()
    env = {**os.environ, "DATABASE_URL": database_uri, "SECRET_KEY": TEST_CONFIG["SECRET_KEY"],
           "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp.port), "REDIS_URL": "",
           "NOTIFY_POLL_SECONDS": "1"}
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "notify", "run"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + PAUSE_DEADLINE
        while len(smtp.mailbox.received) < 2:
            assert worker.poll() is None, worker.stdout.read().decode()
            assert time.monotonic() < deadline, "the worker sent nothing"
            time.sleep(0.05)
        # A message written while the worker runs goes out on one of its next passes.
        factories.entry(mailed.hoa_an, factories.criterion(mailed.drive, "TB"), 1,
                        status="returned", title="C")
        db.session.commit()
        while len(smtp.mailbox.received) < 3:
            assert time.monotonic() < deadline, "the worker missed the new message"
            time.sleep(0.05)
    finally:
        worker.send_signal(signal.SIGINT)
        output = worker.communicate(timeout=PAUSE_DEADLINE)[0].decode()
    assert worker.returncode == 0
    assert "Đã dừng." in output
    assert smtp.mailbox.recipients() == ["blam@example.vn", "hoaan@example.vn", "hoaan@example.vn"]
