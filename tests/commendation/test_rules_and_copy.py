"""Award rules in the drive file, and a new drive copied from an old one (CLI)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from competition import standings
from competition.extensions import db
from competition.models import AuditEvent, AwardRule, Criterion, Drive, Entry, Target
from tests import factories

DRIVE_FILE = Path(__file__).resolve().parents[2] / "examples" / "drive-129.toml"
NEW_DRIVE = """
[drive]
code = "15/KH-LĐLĐ"
title = "Đợt thi đua chào mừng cuộc bầu cử đại biểu Quốc hội khóa XVI"
issuer = "Liên đoàn Lao động tỉnh Cao Bằng"
issued_on = 2026-01-20
starts_on = 2026-01-20
ends_on = 2026-04-30
election_day = 2026-03-15

[[phases]]
code = "dot1"
name = "Đợt 1"
starts_on = 2026-01-20
ends_on = 2026-03-15
"""


def test_the_default_drive_ships_its_award_rules_in_order(runner):
    result = runner.invoke(args=["drive", "load", str(DRIVE_FILE)])
    assert result.exit_code == 0, result.output
    rules = standings.active_drive().award_rules
    assert [(r.code, r.max_units, r.min_classification, r.min_percent, r.block) for r in rules] == [
        ("BK-TLĐ", 1, "hoan_thanh_xuat_sac", Decimal(90), None),
        ("GK-LĐLĐ", 3, "hoan_thanh_tot", None, None),
    ]
    assert rules[0].name == "Bằng khen của Ban Chấp hành Tổng Liên đoàn Lao động Việt Nam"


@pytest.mark.parametrize(
    ("old", "new", "place", "message"),
    [
        ('max_units = 3', 'max_units = 3\nblock = "xa"', "awards[2].block",
         "khối «xa» không có trong đợt thi đua"),
        ('min_classification = "hoan_thanh_tot"', 'min_classification = "gioi"',
         "awards[2].min_classification", "xếp loại «gioi» không tồn tại"),
        ('max_units = 3', 'max_units = -1', "awards[2].max_units",
         "số đơn vị tối đa không được nhỏ hơn 0"),
    ],
    ids=["unknown-block", "unknown-classification", "negative-max"],
)
def test_a_bad_award_rule_is_refused_with_its_place_and_nothing_is_written(
        runner, tmp_path, old, new, place, message):
    bad = tmp_path / "drive.toml"
    bad.write_text(DRIVE_FILE.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    result = runner.invoke(args=["drive", "load", str(bad)])
    assert result.exit_code == 1
    assert place in result.output and message in result.output
    assert db.session.scalar(select(func.count()).select_from(Drive)) == 0
    assert db.session.scalar(select(func.count()).select_from(AwardRule)) == 0


def test_drive_copy_takes_criteria_targets_and_awards_but_no_entries(runner, tmp_path):
    runner.invoke(args=["drive", "load", str(DRIVE_FILE)])
    old = standings.active_drive()
    unit = factories.unit("hoaan")
    db.session.add(Target(criterion=factories.criterion(old, "DV"), unit=unit, value=150))
    factories.entry(unit, factories.criterion(old, "TB"), quantity=4, status="verified")
    db.session.commit()
    new_file = tmp_path / "dot-2026.toml"
    new_file.write_text(NEW_DRIVE, encoding="utf-8")

    result = runner.invoke(args=["drive", "copy", "129/KH-LĐLĐ", str(new_file)])

    assert result.exit_code == 0, result.output
    new = standings.active_drive()
    assert new.code == "15/KH-LĐLĐ" and new.slug == "15-kh-ldld" and new.id != old.id
    assert [c.code for c in new.criteria] == [c.code for c in old.criteria]
    assert [r.code for r in new.award_rules] == ["BK-TLĐ", "GK-LĐLĐ"]
    assert [p.code for p in new.phases] == ["dot1"]
    dv = factories.criterion(new, "DV")
    assert {(t.block.code if t.block else None, t.unit.code if t.unit else None, int(t.value))
            for t in dv.targets} == {("huyen", None, 100), ("nganh", None, 40),
                                     ("cdcs", None, 5), (None, "hoaan", 150)}
    new_criteria = select(Criterion.id).where(Criterion.drive_id == new.id)
    assert db.session.scalar(select(func.count()).select_from(Entry)
                             .where(Entry.criterion_id.in_(new_criteria))) == 0
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 1
    assert db.session.scalars(select(AuditEvent.action)
                              .where(AuditEvent.action == "drive.copy")).all() == ["drive.copy"]


def test_drive_copy_onto_an_existing_code_is_refused_and_writes_nothing(runner, tmp_path):
    runner.invoke(args=["drive", "load", str(DRIVE_FILE)])
    same = tmp_path / "same.toml"
    same.write_text(NEW_DRIVE.replace("15/KH-LĐLĐ", "129/KH-LĐLĐ"), encoding="utf-8")
    targets = db.session.scalar(select(func.count()).select_from(Target))

    result = runner.invoke(args=["drive", "copy", "129/KH-LĐLĐ", str(same)])

    assert result.exit_code == 1
    assert "mã «129/KH-LĐLĐ» đã là của một đợt thi đua khác" in result.output
    assert db.session.scalar(select(func.count()).select_from(Drive)) == 1
    assert db.session.scalar(select(func.count()).select_from(Target)) == targets


def test_drive_copy_from_an_unknown_drive_says_so(runner, tmp_path):
    new_file = tmp_path / "dot-2026.toml"
    new_file.write_text(NEW_DRIVE, encoding="utf-8")
    result = runner.invoke(args=["drive", "copy", "99/KH", str(new_file)])
    assert result.exit_code == 1 and "Không có đợt thi đua mã «99/KH»" in result.output


def test_the_admin_copies_a_drive_on_its_page_and_a_taken_code_is_refused(world, visitor):
    visitor.login("admin")
    page = "/quan-tri/dot-thi-dua/sao-chep"
    form = {"source": world.drive.id, "code": "129/KH-LĐLĐ", "title": "Đợt 2026",
            "issuer": "Liên đoàn Lao động tỉnh Cao Bằng", "place": "Cao Bằng",
            "starts_on": "2026-01-20", "ends_on": "2026-04-30", "election_day": "2026-03-15"}
    response = visitor.post(page, form, token_from=page)
    assert response.status_code == 400
    assert "Mã này đã được dùng cho một đợt thi đua khác." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Drive)) == 1

    response = visitor.post(page, {**form, "code": "15/KH-LĐLĐ"}, token_from=page)
    assert response.status_code == 302
    new = standings.active_drive()
    assert (new.code, new.election_day.isoformat(), len(new.criteria), len(new.award_rules)) == (
        "15/KH-LĐLĐ", "2026-03-15", 12, 2)
    assert new.threshold_excellent == world.drive.threshold_excellent
    assert new.freeze_at is None and new.published_at is None
