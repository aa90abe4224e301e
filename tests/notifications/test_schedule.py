"""Reminders and digests fire once, at the right Vietnam-time moment, whatever the number of workers.

The default drive runs 10/03–30/06/2021, monthly reports are due by the end of
day 5 of the next month, the freeze is 30/06/2021 17:00 and the appeal window
lasts 5 days after it (until 05/07/2021 17:00). The daily job runs at 07:00.
"""

from __future__ import annotations

import threading
from datetime import date, datetime

from sqlalchemy import select, update

from competition import clock
from competition.extensions import db
from competition.models import (
    Appeal,
    AppealStatus,
    EmailPreference,
    Entry,
    MonthlyReport,
    Role,
)
from competition.notifications import outbox, schedule
from competition.notifications.models import Notification, OutboxMessage, ScheduledRun
from tests import factories
from tests.notifications.conftest import body


def vn(*parts: int) -> datetime:
    """A moment given as Vietnam wall-clock time (how the federation names it)."""
    return clock.from_local(datetime(*parts))


def told(kind: str | None = None) -> list[tuple[str, str]]:
    query = select(Notification).order_by(Notification.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return [(n.user.username, n.text) for n in db.session.scalars(query)]


def file_report(unit, month: date) -> None:
    db.session.add(MonthlyReport(drive_id=unit_drive().id, unit_id=unit.id, month=month,
                                 filed_at=vn(2021, 5, 1, 9, 0)))
    db.session.commit()


def unit_drive():
    from competition import standings

    return standings.active_drive()


def test_report_reminders_fire_at_seven_vietnam_time_three_days_before_on_the_day_and_after(world):
    file_report(world.hoa_an, date(2021, 4, 1))  # Hòa An filed April: it is never reminded

    assert schedule.run_schedule(vn(2021, 5, 2, 6, 59, 59)) is None  # not yet 07:00
    assert told() == []
    assert schedule.run_schedule(vn(2021, 5, 2, 7, 0, 0)) == 2
    assert told() == [
        ("blam", "Báo cáo tháng 04/2021 của LĐLĐ huyện Bảo Lâm đến hạn sau 3 ngày "
                 "(hết ngày 05/05/2021)."),
        ("thpt", "Báo cáo tháng 04/2021 của CĐCS Trường THPT Hòa An đến hạn sau 3 ngày "
                 "(hết ngày 05/05/2021)."),
    ]
    assert schedule.run_schedule(vn(2021, 5, 2, 23, 59)) is None  # once a day
    for day in (3, 4):
        schedule.run_schedule(vn(2021, 5, day, 7, 0))
    assert len(told()) == 2

    schedule.run_schedule(vn(2021, 5, 5, 7, 0))
    assert told("report_due_today")[0] == (
        "blam", "Hôm nay (05/05/2021) là hạn cuối nộp báo cáo tháng 04/2021 của LĐLĐ huyện Bảo Lâm.")
    file_report(world.thpt_hoa_an, date(2021, 4, 1))  # the union files: no "late" for it
    schedule.run_schedule(vn(2021, 5, 6, 7, 0))
    assert told("report_late") == [
        ("blam", "Báo cáo tháng 04/2021 của LĐLĐ huyện Bảo Lâm đã quá hạn (hết ngày 05/05/2021); "
                 "hãy nộp ngay."),
    ]
    schedule.run_schedule(vn(2021, 5, 7, 7, 0))
    assert len(told("report_late")) == 1  # late is said once, the day after the deadline


def test_the_reminder_links_to_the_units_report_of_that_month(world):
    schedule.run_schedule(vn(2021, 5, 2, 7, 0))
    notification = db.session.scalars(
        select(Notification).where(Notification.user_id == world.reporter_bao_lam.id)).one()
    assert notification.link == f"/bao-cao/{world.bao_lam.slug}/2021-04"


def test_the_cli_fires_on_the_day_competition_today_names(world, runner, app, monkeypatch):
    app.config["NOTIFY_DAILY_AT"] = "00:00"
    monkeypatch.setenv("COMPETITION_TODAY", "2021-05-04")  # neither 3 days before nor the day
    assert "Đã tạo 0 thông báo" in runner.invoke(args=["notify", "once"]).output
    monkeypatch.setenv("COMPETITION_TODAY", "2021-05-05")
    result = runner.invoke(args=["notify", "once"])
    assert "Đã tạo 3 thông báo nhắc việc trong ngày." in result.output
    assert runner.invoke(args=["notify", "once"]).output.count("thông báo nhắc việc") == 0
    assert {user for user, _ in told("report_due_today")} == {"hoaan", "blam", "thpt"}


def test_two_workers_at_the_same_moment_write_the_days_reminders_once(world, app):
    db.session.commit()  # SQLite: the test holds no transaction while the workers run
    barrier = threading.Barrier(2)
    results: list[int | None] = []

    def worker(name: str) -> None:
        with app.app_context():
            barrier.wait()
            results.append(schedule.run_schedule(vn(2021, 5, 2, 7, 0), worker=name))
            db.session.remove()

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results, key=str) == [3, None]
    assert sorted(user for user, _ in told()) == ["blam", "hoaan", "thpt"]
    assert len(db.session.scalars(select(ScheduledRun)).all()) == 1


def test_a_second_run_by_hand_never_repeats_a_reminder(world):
    schedule.run_schedule(vn(2021, 5, 2, 7, 0))
    db.session.query(ScheduledRun).delete()  # as if the day's claim were lost
    db.session.commit()
    assert schedule.run_schedule(vn(2021, 5, 2, 8, 0)) == 0
    assert len(told()) == 3


def _waiting(unit, submitted: datetime, title: str = "Chờ") -> Entry:
    entry = factories.entry(unit, factories.criterion(world_drive(), "SK"), 1,
                            status="submitted", title=title)
    db.session.execute(update(Entry).where(Entry.id == entry.id).values(submitted_at=submitted))
    db.session.commit()
    return entry


def world_drive():
    return unit_drive()


def test_judges_get_one_digest_of_what_waits_in_their_scope(world, app):
    app.config["NOTIFY_WAITING_DAYS"] = 3
    old = vn(2021, 5, 6, 9, 0)
    _waiting(world.hoa_an, old)
    _waiting(world.hoa_an, old)
    _waiting(world.thpt_hoa_an, old)
    _waiting(world.bao_lam, vn(2021, 5, 7, 7, 0))  # exactly 3 days before the run: counts
    _waiting(world.bao_lam, vn(2021, 5, 7, 7, 0, 1))  # a second short: not yet
    schedule.run_schedule(vn(2021, 5, 10, 7, 0))
    assert told("judge_digest") == [
        ("thamdinh1", "4 kết quả chờ thẩm định quá 3 ngày: LĐLĐ huyện Hòa An (2), "
                      "CĐCS Trường THPT Hòa An (1), LĐLĐ huyện Bảo Lâm (1)."),
        # thamdinh2 belongs to Hòa An: neither Hòa An nor the union under it are theirs.
        ("thamdinh2", "1 kết quả chờ thẩm định quá 3 ngày: LĐLĐ huyện Bảo Lâm (1)."),
    ]
    link = db.session.scalars(select(Notification.link).where(
        Notification.kind == "judge_digest")).first()
    assert link == "/tham-dinh/"


def test_a_digest_names_five_units_and_counts_the_rest(world, app):
    app.config["NOTIFY_WAITING_DAYS"] = 3
    units = [factories.unit(f"CS{n}", f"CĐCS số {n}", "cdcs", world.bao_lam, 50, "cdcs")
             for n in range(1, 8)]
    for unit in units:
        _waiting(unit, vn(2021, 5, 1, 8, 0))
    schedule.run_schedule(vn(2021, 5, 10, 7, 0))
    text = dict(told("judge_digest"))["thamdinh1"]
    assert text == ("7 kết quả chờ thẩm định quá 3 ngày: CĐCS số 1 (1), CĐCS số 2 (1), "
                    "CĐCS số 3 (1), CĐCS số 4 (1), CĐCS số 5 (1), và 2 đơn vị khác.")


def test_submission_close_and_freeze_are_announced_three_days_before(world):
    schedule.run_schedule(vn(2021, 6, 26, 7, 0))
    assert told() == []
    schedule.run_schedule(vn(2021, 6, 27, 7, 0))
    assert sorted({kind for kind, in db.session.execute(select(Notification.kind))}) == [
        "freeze_soon", "submissions_close_soon"]
    assert dict(told("freeze_soon"))["blam"] == (
        "Còn 3 ngày đến lúc chốt số liệu đợt 129/KH-LĐLĐ (17:00 30/06/2021); "
        "kết quả bị trả lại cần được gửi lại trước lúc đó.")
    assert sorted(user for user, _ in told("submissions_close_soon")) == ["blam", "hoaan", "thpt"]
    schedule.run_schedule(vn(2021, 6, 30, 7, 0))
    assert dict(told("submissions_close_today"))["thpt"] == (
        "Hôm nay (30/06/2021) là ngày cuối gửi kết quả đợt 129/KH-LĐLĐ.")


def test_admins_hear_of_the_appeal_window_closing_and_then_that_they_may_publish(world):
    schedule.run_schedule(vn(2021, 7, 4, 7, 0))
    assert told("appeal_window_closing") == [
        ("admin", "Thời hạn khiếu nại đợt 129/KH-LĐLĐ kết thúc lúc 17:00 05/07/2021.")]
    schedule.run_schedule(vn(2021, 7, 5, 7, 0))  # the window is still open until 17:00
    assert told("publication_possible") == []
    schedule.run_schedule(vn(2021, 7, 6, 7, 0))
    schedule.run_schedule(vn(2021, 7, 7, 7, 0))
    assert told("publication_possible") == [
        ("admin", "Đợt 129/KH-LĐLĐ đã hết thời hạn khiếu nại và không còn khiếu nại chờ giải quyết: "
                  "có thể công bố kết quả.")]


def test_an_open_appeal_holds_back_the_publication_reminder(world):
    entry = factories.entry(world.bao_lam, factories.criterion(world.drive, "SK"), 1,
                            status="rejected")
    appeal = Appeal(drive_id=world.drive.id, unit_id=world.bao_lam.id, entry_id=entry.id,
                    kind="rejection", reason="Có minh chứng")
    db.session.add(appeal)
    db.session.commit()
    schedule.run_schedule(vn(2021, 7, 6, 7, 0))
    assert told("publication_possible") == []
    appeal.status = AppealStatus.UPHELD
    db.session.commit()
    schedule.run_schedule(vn(2021, 7, 7, 7, 0))
    assert [user for user, _ in told("publication_possible")] == ["admin"]


def test_the_submission_close_set_on_the_drive_is_the_one_announced(world):
    world.drive.submissions_close_at = vn(2021, 6, 20, 23, 59, 59)
    db.session.commit()
    schedule.run_schedule(vn(2021, 6, 17, 7, 0))
    assert dict(told("submissions_close_soon"))["blam"] == (
        "Còn 3 ngày là hết hạn gửi kết quả đợt 129/KH-LĐLĐ (hết ngày 20/06/2021). "
        "Hãy gửi các kết quả còn lại.")


def test_no_publication_reminder_once_published(world):
    world.drive.published_at = vn(2021, 7, 6, 6, 0)
    db.session.commit()
    schedule.run_schedule(vn(2021, 7, 6, 7, 0))
    assert told("publication_possible") == []


def test_a_digest_reader_gets_one_email_a_day_with_the_unread_notifications(world, smtp):
    world.reporter_bao_lam.email = "blam@example.vn"
    world.reporter_bao_lam.email_preference = EmailPreference.DIGEST
    factories.user("blam-im-lang", Role.UNIT, world.bao_lam, email="khong@example.vn",
                   email_preference=EmailPreference.NONE)
    db.session.commit()
    factories.entry(world.bao_lam, factories.criterion(world.drive, "SK"), 1, status="returned",
                    title="Sáng kiến A")
    assert db.session.scalars(select(OutboxMessage)).all() == []  # no email as it happens

    schedule.run_schedule(vn(2021, 5, 5, 7, 0))  # adds "due today" for April
    outbox.send_due()
    assert smtp.mailbox.recipients() == ["blam@example.vn"]
    message = smtp.mailbox.received[0][1]
    assert str(message["Subject"]).strip() == "[Thi đua] Thông báo trong ngày 05/05/2021"
    text = body(message)
    assert "Kết quả «Sáng kiến A» bị trả lại để bổ sung. Lý do: bổ sung" in text
    assert "Hôm nay (05/05/2021) là hạn cuối nộp báo cáo tháng 04/2021 của LĐLĐ huyện Bảo Lâm." in text
    assert text.index("Sáng kiến A") < text.index("Hôm nay")

    schedule.run_schedule(vn(2021, 5, 6, 7, 0))  # "late" is new: a second digest with it only
    outbox.send_due()
    assert len(smtp.mailbox.received) == 2
    second = body(smtp.mailbox.received[1][1])
    assert "đã quá hạn" in second and "Sáng kiến A" not in second
