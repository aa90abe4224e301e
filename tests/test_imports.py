"""Imports from the command line are all-or-nothing: a bad row names its file, line and
field, the command exits non-zero, and the database is exactly as it was."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import AuditEvent, Entry, EntryStatus, Unit

UNIT_HEADER = "code,name,kind,block,parent_code,members\n"
ENTRY_HEADER = "unit_code,criterion_code,activity_date,quantity,status,phase,channel,title,judge\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def counts() -> tuple[int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Unit, Entry, AuditEvent)
    )


def test_units_import_creates_the_hierarchy(runner, drive, tmp_path):
    path = Path(__file__).resolve().parent.parent / "examples" / "units.csv"
    result = runner.invoke(args=["units", "import", str(path)])
    assert result.exit_code == 0, result.output
    thpt = db.session.scalars(select(Unit).where(Unit.code == "CS-THPT-HOAAN")).one()
    assert thpt.parent.code == "HOAAN"
    assert thpt.block.code == "cdcs"
    assert thpt.slug == "cdcs-truong-thpt-hoa-an"
    # Importing again updates in place rather than duplicating.
    assert runner.invoke(args=["units", "import", str(path)]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 7


def test_units_import_reads_xlsx_with_the_same_columns(runner, drive, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["code", "name", "kind", "block", "parent_code", "members"])
    book.active.append(["BLAC", "LĐLĐ huyện Bảo Lạc", "ldld_huyen", "huyen", "", 1900])
    book.save(tmp_path / "units.xlsx")
    result = runner.invoke(args=["units", "import", str(tmp_path / "units.xlsx")])
    assert result.exit_code == 0, result.output
    unit = db.session.scalars(select(Unit).where(Unit.code == "BLAC")).one()
    assert (unit.name, unit.member_count) == ("LĐLĐ huyện Bảo Lạc", 1900)


@pytest.mark.parametrize(
    ("rows", "line", "field", "message"),
    [
        ("A,Một,ldld_huyen,huyen,,10\nA,Hai,ldld_huyen,huyen,,10\n", 3, "code", "bị trùng"),
        ("A,Một,ldld_huyen,khong-co,,10\n", 2, "block", "không tồn tại"),
        ("A,Một,ldld_huyen,huyen,,mười\n", 2, "members", "số nguyên"),
        ("A,Một,ldld_huyen,huyen,,-5\n", 2, "members", "số nguyên"),
        ("A,Một,ldld_huyen,huyen,ZZZ,10\n", 2, "parent_code", "không tồn tại"),
        ("A,Một,ldld_huyen,huyen,B,10\nB,Hai,ldld_huyen,huyen,A,10\n", 2, "parent_code", "vòng lặp"),
        ("A,Một,quan,huyen,,10\n", 2, "kind", "không hợp lệ"),
    ],
    ids=["duplicate-code", "unknown-block", "non-numeric", "negative",
         "unknown-parent", "cycle", "bad-kind"],
)
def test_a_bad_unit_row_names_its_place_and_writes_nothing(
    runner, drive, tmp_path, rows, line, field, message
):
    # A good first row proves that nothing at all is written, not just the bad row.
    good = "OK,Đơn vị tốt,ldld_huyen,huyen,,100\n"
    path = write(tmp_path, "units.csv", UNIT_HEADER + good + rows)
    before = counts()
    result = runner.invoke(args=["units", "import", str(path)])
    assert result.exit_code == 1
    assert f"units.csv, dòng {line + 1}, trường «{field}»" in result.output
    assert message in result.output
    assert counts() == before


def test_units_import_with_a_missing_column_is_refused(runner, drive, tmp_path):
    path = write(tmp_path, "units.csv", "code,name,kind,block,members\nA,Một,ldld_huyen,huyen,10\n")
    result = runner.invoke(args=["units", "import", str(path)])
    assert result.exit_code == 1
    assert "units.csv, dòng 1, trường «parent_code»: thiếu cột bắt buộc" in result.output
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 0


def test_entries_import_adds_entries_and_counts_verified_ones(runner, world, tmp_path):
    path = write(tmp_path, "entries.csv", ENTRY_HEADER
                 + "HOAAN,TB,2021-04-12,4,verified,dot2,facebook,Tin bài bầu cử,thamdinh1\n"
                 + "HOAAN,HN,2021-04-20,2,submitted,dot2,hoi_nghi,Hội nghị,\n")
    result = runner.invoke(args=["entries", "import", str(path)])
    assert result.exit_code == 0, result.output
    from competition import standings

    row = standings.standing_of(standings.standings(world.drive), "HOAAN")
    # 4 news items against the district block's target of 30: 10 × 4/30 = 1.33 points.
    assert row.score("TB").points == Decimal("1.33")
    assert row.score("HN").points == 0
    assert db.session.scalar(
        select(func.count()).select_from(Entry).where(Entry.status == EntryStatus.SUBMITTED)
    ) == 1


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ("NOPE,TB,2021-04-12,1,submitted,dot2,facebook,x,", "unit_code", "không tồn tại"),
        ("HOAAN,XX,2021-04-12,1,submitted,dot2,facebook,x,", "criterion_code", "không tồn tại"),
        ("HOAAN,KH,2021-03-01,1,submitted,,,x,", "activity_date", "thời gian đợt thi đua"),
        ("HOAAN,TB,2021-05-05,1,submitted,dot1,facebook,x,", "activity_date", "Đợt 1"),
        ("HOAAN,TB,12/04/2021,1,submitted,dot2,facebook,x,", "activity_date", "YYYY-MM-DD"),
        ("HOAAN,TB,2021-04-12,-3,submitted,dot2,facebook,x,", "quantity", "không âm"),
        ("HOAAN,TB,2021-04-12,ba,submitted,dot2,facebook,x,", "quantity", "không âm"),
        ("HOAAN,TB,2021-04-12,1.5,submitted,dot2,facebook,x,", "quantity", "không âm"),
        ("HOAAN,DV,2021-04-12,3,submitted,,facebook,x,", "channel", "tuyên truyền"),
        ("HOAAN,TB,2021-04-12,1,submitted,dot2,,x,", "channel", "kênh"),
        ("HOAAN,TB,2021-04-12,1,verified,dot2,facebook,x,", "judge", "tổ thẩm định"),
        ("HOAAN,TB,2021-04-12,1,verified,dot2,facebook,x,thamdinh2", "judge", "đơn vị của mình"),
    ],
    ids=["unknown-unit", "unknown-criterion", "outside-drive", "outside-phase", "bad-date",
         "negative", "non-numeric", "fractional", "channel-on-non-propaganda", "missing-channel",
         "verified-without-judge", "conflicted-judge"],
)
def test_a_bad_entry_row_names_its_place_and_writes_nothing(
    runner, world, tmp_path, row, field, message
):
    good = "BLAM,TB,2021-04-12,2,verified,dot2,zalo,Tin tốt,thamdinh1\n"
    path = write(tmp_path, "entries.csv", ENTRY_HEADER + good + row + "\n")
    from competition import standings

    before, version = counts(), standings.current_version(world.drive.id)
    result = runner.invoke(args=["entries", "import", str(path)])
    assert result.exit_code == 1
    assert f"entries.csv, dòng 3, trường «{field}»" in result.output
    assert message in result.output
    assert counts() == before
    assert standings.current_version(world.drive.id) == version


def test_entries_import_with_a_missing_column_is_refused(runner, world, tmp_path):
    path = write(tmp_path, "entries.csv", "unit_code,criterion_code,quantity\nHOAAN,TB,1\n")
    result = runner.invoke(args=["entries", "import", str(path)])
    assert result.exit_code == 1
    assert "trường «activity_date»: thiếu cột bắt buộc" in result.output


def test_entries_import_refuses_a_file_that_is_not_utf8(runner, world, tmp_path):
    path = tmp_path / "entries.csv"
    path.write_bytes((ENTRY_HEADER + "HOAAN,TB,2021-04-12,1,submitted,dot2,zalo,Tin bài,\n")
                     .encode("cp1258", errors="replace"))
    result = runner.invoke(args=["entries", "import", str(path)])
    assert result.exit_code == 1
    assert "UTF-8" in result.output


def test_importing_entries_without_a_drive_says_what_to_do(runner, tmp_path):
    path = write(tmp_path, "entries.csv", ENTRY_HEADER)
    result = runner.invoke(args=["entries", "import", str(path)])
    assert result.exit_code == 1
    assert "drive load" in result.output
