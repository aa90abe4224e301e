"""Leaderboard downloads and the history behind the charts."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from competition import history, standings
from competition.extensions import db
from competition.models import Entry


def test_csv_download_holds_the_public_board(client, scored):
    response = client.get("/bang-xep-hang/huyen.csv")
    assert response.mimetype == "text/csv"
    assert "bang-xep-hang-huyen-20210510.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header, body = rows[0], rows[1:]
    assert header[:7] == ["Hạng", "Mã đơn vị", "Đơn vị", "Tổng điểm", "Tỷ lệ (%)", "Xếp loại",
                          "Số tiêu chí đạt chỉ tiêu"]
    board = standings.public_standings(scored.drive)["huyen"]
    assert [(r[0], r[1], r[3]) for r in body] == [
        (str(s.rank), s.unit.code, str(s.total)) for s in board
    ]
    tb = header.index("TB – điểm")
    assert Decimal(body[0][tb]) == board[0].score("TB").points


def test_xlsx_download_has_one_sheet_per_block_download(client, scored):
    response = client.get("/bang-xep-hang/cdcs.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.title == "Khối Công đoàn cơ sở trực thuộc"
    values = list(sheet.iter_rows(values_only=True))
    board = standings.public_standings(scored.drive)["cdcs"]
    assert [row[1] for row in values[1:]] == [s.unit.code for s in board]
    assert values[1][3] == float(board[0].total)


def test_points_over_time_follow_the_verifications(scored):
    live = standings.standing_of(standings.standings(scored.drive), "HOAAN")
    series = history.points_over_time(scored.drive, None, [live])
    assert series.days[0] == date(2021, 3, 10) and series.days[-1] == date(2021, 5, 10)
    hoa_an = series.of("HOAAN")
    assert hoa_an[-1] == live.total
    # Every entry was verified today, so each earlier week shows less than today.
    assert all(total < live.total for total in hoa_an[:-1])


def test_an_earlier_verification_shows_in_the_earlier_weeks(scored):
    entry = db.session.scalars(db.select(Entry).where(Entry.title == "Hội nghị cử tri")).one()
    entry.verified_at = entry.verified_at.replace(month=4, day=20)
    standings.bump_version(scored.drive.id)  # what a real change does alongside
    db.session.commit()
    board = standings.standings(scored.drive)
    series = history.points_over_time(scored.drive, None, board["huyen"][:5])
    week = series.days.index(date(2021, 4, 21))
    assert series.of("BLAM")[week] > series.of("BLAM")[week - 1]


def test_a_charted_unit_scores_each_week_as_the_whole_board_did_then(scored):
    entry = db.session.scalars(db.select(Entry).where(Entry.title == "Hội nghị cử tri")).one()
    entry.verified_at = entry.verified_at.replace(month=4, day=20)
    standings.bump_version(scored.drive.id)
    db.session.commit()
    rows = [row for rows in standings.standings(scored.drive).values() for row in rows]
    series = history.points_over_time(scored.drive, None, rows)
    for index, day in enumerate(series.days[:-1]):
        then = standings.compute_board(scored.drive, history.end_of(day))
        assert {r.unit.code: r.total for rows in then.values() for r in rows} == {
            code: totals[index] for code, totals in series.totals.items()
        }, day


def test_rank_changes_compare_with_the_end_of_the_day_a_week_before(scored):
    board = standings.standings(scored.drive)
    huyen = next(b for b in standings.blocks() if b.code == "huyen")
    changes = history.rank_changes(scored.drive, huyen, board["huyen"], None)
    # A week ago nobody had a verified entry: ranks were decided by name.
    assert set(changes) == {r.unit.code for r in board["huyen"]}
    week_ago = standings.compute_board(scored.drive, history.end_of(date(2021, 5, 3)))
    assert changes == {r.unit.code: before.rank - r.rank
                       for r in board["huyen"] for before in week_ago["huyen"]
                       if before.unit.code == r.unit.code}
    assert history.rank_reference(None) == date(2021, 5, 3)


def test_change_log_pages_newest_first(scored):
    changes, total = history.change_log(scored.drive, None, page=1, per_page=2)
    assert total == 4
    assert [c.unit_code for c in changes] == ["CS-DIENLUC", "BLAM"]
    rest, _ = history.change_log(scored.drive, None, page=2, per_page=2)
    assert [c.unit_code for c in rest] == ["HOAAN", "HOAAN"]
    assert all(c.action == "entry.verify" for c in changes + rest)
