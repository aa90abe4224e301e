"""The command line a federation's office uses: load a drive, create users, the demo, standings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from competition import standings
from competition.extensions import db
from competition.models import AuditEvent, Criterion, Drive, Entry, EntryStatus, Unit, User
from tests import factories

DRIVE_FILE = Path(__file__).resolve().parent.parent / "examples" / "drive-129.toml"


def test_drive_load_reads_the_default_drive_of_plan_129(runner):
    result = runner.invoke(args=["drive", "load", str(DRIVE_FILE)])
    assert result.exit_code == 0, result.output
    assert "129/KH-LĐLĐ" in result.output
    drive = standings.active_drive()
    assert [p.name for p in drive.phases] == ["Đợt 1", "Đợt 2", "Đợt 3"]
    assert sum(c.max_points for c in drive.criteria) == 100
    hn = factories.criterion(drive, "HN")
    assert hn.is_propaganda and {t.block.code: int(t.value) for t in hn.targets} == {
        "huyen": 20, "nganh": 10, "cdcs": 4}


def test_loading_a_drive_twice_changes_nothing(runner):
    runner.invoke(args=["drive", "load", str(DRIVE_FILE)])
    runner.invoke(args=["drive", "load", str(DRIVE_FILE)])
    assert db.session.scalar(select(func.count()).select_from(Drive)) == 1
    assert db.session.scalar(select(func.count()).select_from(Criterion)) == 12


@pytest.mark.parametrize(
    ("change", "place", "message"),
    [
        (('measure = "count"\nunit_label = "buổi"', 'measure = "dem"\nunit_label = "buổi"'),
         "criteria[2].measure", "không phải là một trong"),
        (("ends_on = 2021-06-30\nelection_day", "ends_on = 2021-02-01\nelection_day"),
         "drive.ends_on", "trước ngày bắt đầu"),
        (("block_targets = { huyen = 20, nganh = 10, cdcs = 4 }",
          "block_targets = { huyen = 20, khoi_la = 10 }"),
         "criteria[2].block_targets.khoi_la", "không có trong [[blocks]]"),
        (('code = "TB"', 'code = "HN"'), "criteria[4].code", "bị trùng"),
        (("points = 15", 'points = "mười lăm"'), "criteria[5].points", "phải là số"),
        (('issuer = "Liên đoàn Lao động tỉnh Cao Bằng"\n', ""), "drive.issuer", "thiếu giá trị"),
    ],
    ids=["unknown-measure", "dates-reversed", "unknown-block", "duplicate-code", "non-numeric",
         "missing-key"],
)
def test_a_bad_drive_file_is_refused_with_its_place_and_nothing_changes(
    runner, tmp_path, change, place, message
):
    runner.invoke(args=["drive", "load", str(DRIVE_FILE)])
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    old, new = change
    text = DRIVE_FILE.read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = runner.invoke(args=["drive", "load", str(bad)])
    assert result.exit_code == 1
    assert f"bad.toml, trường «{place}»" in result.output
    assert message in result.output
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before
    assert standings.active_drive().ends_on.isoformat() == "2021-06-30"


def test_a_file_that_is_not_toml_reports_its_line(runner, tmp_path):
    bad = tmp_path / "broken.toml"
    bad.write_text('[drive]\ncode = "x"\ntitle = \n', encoding="utf-8")
    result = runner.invoke(args=["drive", "load", str(bad)])
    assert result.exit_code == 1
    assert "broken.toml, dòng 3" in result.output


def test_users_create_makes_an_account_that_can_sign_in(runner, world, visitor):
    result = runner.invoke(args=[
        "users", "create", "--username", "cb-gd", "--role", "unit", "--unit", "CDN-GD",
        "--full-name", "Cán bộ Giáo dục", "--password", "Ngay-Hoi-Non-Song-2021",
    ])
    assert result.exit_code == 0, result.output
    assert visitor.login("cb-gd", "Ngay-Hoi-Non-Song-2021").status_code == 302


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--username", "x1", "--role", "unit", "--password", "Ngay-Hoi-Non-Song-2021"], "--unit"),
        (["--username", "x2", "--role", "unit", "--unit", "NOPE",
          "--password", "Ngay-Hoi-Non-Song-2021"], "không tồn tại"),
        (["--username", "x3", "--role", "judge", "--password", "ngan"], "10 ký tự"),
        (["--username", "admin", "--role", "judge", "--password", "Ngay-Hoi-Non-Song-2021"],
         "đã có"),
    ],
    ids=["reporter-without-unit", "unknown-unit", "short-password", "taken-username"],
)
def test_users_create_refuses_bad_input(runner, world, args, message):
    before = db.session.scalar(select(func.count()).select_from(User))
    result = runner.invoke(args=["users", "create", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == before


def test_demo_loads_every_status_and_is_idempotent(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "thidua2021" in first.output and "thamdinh2" in first.output
    entries = db.session.scalar(select(func.count()).select_from(Entry))
    assert 200 <= entries <= 1500
    statuses = set(db.session.scalars(select(Entry.status).distinct()))
    assert statuses == {s.value for s in EntryStatus}
    # On its today (10/05/2021) Đợt 3 has not begun: nothing is dated in it, nor after today.
    phases = set(db.session.scalars(select(Entry.phase_id).where(Entry.phase_id.is_not(None))))
    assert len(phases) == 2
    assert db.session.scalar(select(func.max(Entry.activity_date))) <= date(2021, 5, 10)
    districts = {u.parent.code for u in db.session.scalars(select(Unit).where(Unit.kind == "cdcs"))}
    assert {"HOAAN", "TPCB"} <= districts
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Entry)) == entries


def test_standings_prints_every_block(runner):
    runner.invoke(args=["demo"])
    result = runner.invoke(args=["standings"])
    assert result.exit_code == 0
    for block in ("Khối LĐLĐ huyện, thành phố", "Khối Công đoàn ngành và Công đoàn Viên chức",
                  "Khối Công đoàn cơ sở trực thuộc"):
        assert block in result.output
    board = standings.standings(standings.active_drive())
    leader = board["huyen"][0]
    assert leader.unit.name in result.output.splitlines()[3]


def test_standings_rebuild_repairs_a_damaged_tally(runner):
    runner.invoke(args=["demo"])
    drive = standings.active_drive()
    good = standings.standings(drive)
    db.session.execute(db.text("UPDATE criterion_tally SET quantity = quantity + 7"))
    db.session.commit()
    result = runner.invoke(args=["standings", "rebuild"])
    assert result.exit_code == 0
    assert "khác với trước khi tính lại" in result.output
    assert " 0 dòng khác" not in result.output
    assert standings.standings(drive) == good


def test_the_demo_on_2_july_is_inside_its_appeal_window_with_open_appeals(runner, monkeypatch):
    monkeypatch.setenv("COMPETITION_TODAY", "2021-07-02")
    assert runner.invoke(args=["demo"]).exit_code == 0
    status = runner.invoke(args=["results", "freeze-status"]).output
    assert "Đã chốt, đang nhận khiếu nại" in status and "Khiếu nại chưa giải quyết: 3" in status
    freeze = db.session.scalar(select(Drive.freeze_at))
    # Every verification of the demo happened before the freeze, every submission by the close.
    assert db.session.scalar(select(func.max(Entry.verified_at))) < freeze
    assert db.session.scalar(select(func.max(Entry.activity_date))) <= date(2021, 6, 30)
    assert len(set(db.session.scalars(select(Entry.phase_id).where(Entry.phase_id.is_not(None))))) == 3
