"""Backup → wipe → restore gives back the same standings and audit log, on either database."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from competition import backup, standings
from competition.extensions import db
from competition.models import (
    Assessment,
    AuditEvent,
    Criterion,
    EntryStatus,
    MonthlyReport,
    Unit,
    User,
)
from tests import factories
from tests.conftest import ON_POSTGRES
from tests.factories import vn


def _history(world) -> None:
    """A drive with verified and pending entries, an assessment, a monthly report and its log."""
    drive = world.drive
    factories.entry(world.hoa_an, factories.criterion(drive, "KH"), 1,
                    status=EntryStatus.VERIFIED, judge=world.judge)
    factories.entry(world.hoa_an, factories.criterion(drive, "TB"), 12,
                    status=EntryStatus.VERIFIED, judge=world.judge, verified_quantity=10)
    factories.entry(world.bao_lam, factories.criterion(drive, "CT"), 2,
                    status=EntryStatus.VERIFIED, judge=world.judge_hoa_an)
    factories.entry(world.giao_duc, factories.criterion(drive, "HN"), 3, status=EntryStatus.SUBMITTED)
    judged = Criterion(drive=drive, code="GK", name="Hội đồng chấm", measure="judged",
                       max_points=Decimal(10), position=99)
    db.session.add(judged)
    db.session.add(Assessment(unit=world.dien_luc, criterion=judged, judge=world.judge,
                              points=Decimal("7.5"), comment="tốt"))
    db.session.add(MonthlyReport(drive=drive, unit=world.bao_lam, month=date(2021, 3, 1),
                                 highlights="Đã tuyên truyền", filed_at=vn(2021, 4, 2, 9, 30),
                                 filed_by=world.reporter_bao_lam))
    standings.bump_version(drive.id)
    db.session.commit()


def _board(drive) -> list[tuple]:
    board = standings.standings(drive)
    return [(block, row.unit.code, row.total, row.percent, row.rank, row.classification,
             tuple((s.code, s.points) for s in row.scores))
            for block, rows in board.items() for row in rows]


def _log() -> list[tuple]:
    return [(e.id, e.at, e.actor_id, e.actor_name, e.ip, e.action, e.object_type, e.object_id,
             e.unit_id, e.reason, e.before, e.after)
            for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_backup_wipe_restore_gives_identical_standings_and_audit_log(app, world):
    _history(world)
    drive_id = world.drive.id
    board, log = _board(world.drive), _log()
    text = backup.dumps()
    assert "password_hash" not in text and world.reporter_bao_lam.password_hash not in text

    backup.wipe()
    db.session.commit()
    assert backup.is_empty()

    counts = backup.restore(backup.parse(text))
    db.session.commit()

    db.session.expire_all()
    drive = standings.active_drive()
    assert drive.id == drive_id
    assert _board(drive) == board
    restored = _log()
    assert restored[:len(log)] == log
    assert [e[5] for e in restored[len(log):]] == ["backup.restore"]
    assert counts["entry"] == 4 and counts["assessment"] == 1 and counts["monthly_report"] == 1
    assert _count(Unit) == 6


def test_restored_accounts_cannot_sign_in_until_a_password_is_set(app, world, make_visitor):
    text = backup.dumps()
    backup.restore(backup.parse(text), replace=True)
    db.session.commit()
    refused = make_visitor().post("/tai-khoan/dang-nhap",
                                  {"username": "blam", "password": factories.PASSWORD})
    assert refused.status_code == 401
    user = db.session.scalars(select(User).where(User.username == "blam")).one()
    assert user.must_change_password
    # New rows get fresh ids after a restore with explicit ids (PostgreSQL sequences moved on).
    newcomer = factories.user("sau-khoi-phuc", "judge")
    assert newcomer.id > world.reporter_thpt.id


def test_restore_refuses_a_non_empty_database_or_a_foreign_file(app, world):
    text = backup.dumps()
    with pytest.raises(backup.RestoreError, match="đang có dữ liệu"):
        backup.restore(backup.parse(text))
    with pytest.raises(backup.RestoreError, match="không phải là bản sao lưu"):
        backup.parse(json.dumps({"hello": 1}))
    with pytest.raises(backup.RestoreError, match="cột lạ"):
        data = json.loads(text)
        data["tables"]["unit"][0]["secret"] = "x"
        backup.parse(json.dumps(data))
    assert _count(Unit) == 6


def test_cli_backup_and_restore_through_json(app, world, runner, tmp_path):
    _history(world)
    board, log = _board(world.drive), _log()
    target = tmp_path / "sao-luu.json"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0

    refused = runner.invoke(args=["restore", str(target)])
    assert refused.exit_code == 1 and "đang có dữ liệu" in refused.output
    done = runner.invoke(args=["restore", "--replace", str(target)])
    assert done.exit_code == 0, done.output

    db.session.expire_all()
    assert _board(standings.active_drive()) == board
    assert _log()[:len(log)] == log
    reset = runner.invoke(args=["users", "set-password", "--username", "admin"],
                          input="mot-mat-khau-moi\nmot-mat-khau-moi\n")
    assert reset.exit_code == 0, reset.output
    db.session.expire_all()
    assert db.session.scalars(select(User).where(User.username == "admin")).one().check_password(
        "mot-mat-khau-moi")


def test_cli_sqlite_online_backup_round_trip(app, world, runner, tmp_path):
    """On SQLite an online copy round-trips; on PostgreSQL the command points to the JSON route."""
    _history(world)
    board, log = _board(world.drive), _log()
    target = tmp_path / "sao-luu.sqlite"
    made = runner.invoke(args=["backup", str(target)])
    if ON_POSTGRES:
        assert made.exit_code == 1
        assert "hãy dùng tệp .json" in made.output
        assert not target.exists()
        return
    assert made.exit_code == 0
    backup.wipe()
    db.session.commit()
    done = runner.invoke(args=["restore", str(target)])
    assert done.exit_code == 0, done.output
    db.session.expire_all()
    assert _board(standings.active_drive()) == board
    assert _log() == log


def test_admin_downloads_and_restores_from_the_pages_keeping_their_own_password(
    admin, world, make_visitor
):
    _history(world)
    board = _board(world.drive)
    download = admin.get("/quan-tri/sao-luu/tai-ve")
    assert download.status_code == 200 and download.mimetype == "application/json"
    content = download.get_data()
    factories.unit("THEM", "Đơn vị thêm sau sao lưu")

    preview = admin.post("/quan-tri/sao-luu/khoi-phuc",
                         {"file": (io.BytesIO(content), "sao-luu.json")},
                         token_from="/quan-tri/sao-luu", content_type="multipart/form-data")
    assert preview.status_code == 200
    assert _count(Unit) == 7
    token = re.search(r'name="token" value="([^"]+)"', preview.get_data(as_text=True)).group(1)
    done = admin.post("/quan-tri/sao-luu/khoi-phuc/xac-nhan", {"token": token},
                      token_from="/quan-tri/sao-luu")
    assert done.status_code == 302

    db.session.expire_all()
    assert _count(Unit) == 6
    assert _board(standings.active_drive()) == board
    make_visitor().login("admin")  # the restoring admin keeps their password
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "backup.restore")).one()
    assert event.actor_name == "admin"
