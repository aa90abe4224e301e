"""The kept standings: rows written with each change, read in ranking order, invalidated narrowly.

A board page reads the standing rows through their index; these tests hold
that reading to the pure `scoring` module (the same ranks, ties and
tie-breaks on random boards), the rows kept one change at a time to a full
rebuild, and a change to the pages it really changed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import template_rendered
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from competition import clock, lifecycle, scoring, standings
from competition.extensions import db
from competition.models import (
    EntryStatus,
    PropagandaTally,
    StandingsScope,
    UnitKind,
    UnitStanding,
)
from competition.standings import rows as kept_rows
from competition.standings.pages import KeptBoard
from tests import factories

V = EntryStatus.VERIFIED
# Few distinct values, so that boards are full of ties on every key.
POINTS = st.integers(0, 6).map(lambda n: Decimal(n) / 2)
NAMES = ["An", "an", "Ân", "Bảo", "bao", "Đức", "Zê", "Ăn"]
DAYS = st.one_of(st.none(), st.sampled_from([date(2021, 4, 1), date(2021, 4, 2),
                                              date(2021, 5, 3)]))


def _current(drive, block_code: str) -> None:
    """Mark the block's rows as rebuilt today, so reading them rebuilds nothing."""
    db.session.merge(StandingsScope(drive_id=drive.id, scope=standings.block_scope(block_code),
                                    version=1, as_of=clock.today()))
    db.session.flush()


def test_ranks_read_from_the_rows_are_scorings_ranks(world):
    """Shared ranks (1, 2, 2, 4) and both tie-breaks, on the total or the percent, page by page."""
    drive = world.drive
    block = factories.block("nganh")
    units = [factories.unit(f"R{i:02d}", f"Đơn vị {i}", "nganh", kind=UnitKind.CONG_DOAN_NGANH)
             for i in range(10)]
    _current(drive, "nganh")

    @settings(max_examples=60, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        values=st.lists(st.tuples(POINTS, POINTS, st.integers(0, 2), DAYS,
                                  st.sampled_from(NAMES), st.sampled_from(list(
                                      scoring.Classification))),
                        min_size=1, max_size=len(units)),
        by=st.sampled_from(list(scoring.RankBy)),
        size=st.integers(1, 4),
    )
    def check(values, by, size):
        db.session.execute(delete(UnitStanding).where(UnitStanding.block_id == block.id))
        drive.rank_by = by.value
        board = []
        for unit, (total, percent, at_target, latest, name, grade) in zip(units, values,
                                                                          strict=False):
            unit.name = name
            board.append(scoring.Standing(
                unit=scoring.UnitFacts(unit.code, name, "nganh", unit.member_count), scores=(),
                total=total, max_total=Decimal(10), percent=percent,
                classification=grade, criteria_at_target=at_target,
                latest_activity=latest))
        db.session.flush()
        kept_rows._write(drive, [(u.id, block.id, s) for u, s in zip(units, board, strict=False)])
        expected = [(row.unit.code, row.rank) for row in scoring.rank(board, by)]

        read = KeptBoard(drive, block)
        pages = [read.page(offset, size).rows for offset in range(0, len(board), size)]
        assert [(row.unit.code, row.rank) for page in pages for row in page] == expected
        grades = {s.unit.code: s.classification for s in board}
        assert all(row.classification == grades[row.unit.code] for page in pages for row in page)
        ranks = dict(expected)
        for unit in units[:len(board)]:
            assert read.standing(unit.id).rank == ranks[unit.code]
        assert read.size() == len(board)

    check()
    db.session.rollback()


def _kept(drive) -> tuple[dict, dict]:
    standing_rows = {
        row.unit_id: (row.block_id, row.total, row.max_total, row.percent, row.classification,
                      row.criteria_at_target, row.latest_activity, row.order_first,
                      row.order_targets, row.order_activity, row.order_name, row.scores)
        for row in db.session.scalars(select(UnitStanding).where(UnitStanding.drive_id == drive.id))
    }
    sums = {
        (row.criterion_id, row.phase_id, row.channel, row.day): (row.activities, row.quantity,
                                                                  row.people)
        for row in db.session.scalars(select(PropagandaTally).where(PropagandaTally.activities > 0))
    }
    return standing_rows, sums


def test_rows_and_propaganda_sums_kept_one_change_at_a_time_equal_a_rebuild(world):
    drive = world.drive
    tb, hn, kh, dv = (factories.criterion(drive, code) for code in ("TB", "HN", "KH", "DV"))
    standings.refresh(drive)
    db.session.commit()
    factories.entry(world.hoa_an, tb, 4, status=V, activity_date=date(2021, 4, 12),
                    channel="zalo")
    factories.entry(world.hoa_an, tb, 2, status=V, activity_date=date(2021, 4, 12),
                    channel="zalo")
    factories.entry(world.bao_lam, hn, 3, status=V, activity_date=date(2021, 5, 3),
                    channel="hoi_nghi")
    factories.entry(world.dien_luc, kh, 1, status=V, activity_date=date(2021, 3, 15))
    # A grassroots union under Hòa An, on a rolled-up criterion: Hòa An's row moves too.
    factories.entry(world.thpt_hoa_an, dv, 5, status=V, activity_date=date(2021, 4, 20))
    reopened = factories.entry(world.bao_lam, tb, 7, status=V, activity_date=date(2021, 4, 20),
                               channel="facebook", verified_quantity=6)
    lifecycle.reopen(reopened, world.admin, "nhầm đơn vị")
    db.session.commit()
    kept = _kept(drive)
    assert kept[0] and kept[1]

    standings.rebuild(drive)
    db.session.commit()
    assert standings.refresh(drive) == 3
    assert _kept(drive) == kept


def test_a_verification_changes_only_the_pages_it_changed(client, world):
    drive = world.drive
    kh, tb, dv = (factories.criterion(drive, code) for code in ("KH", "TB", "DV"))
    plan = factories.entry(world.hoa_an, kh, 1, status=EntryStatus.SUBMITTED)
    news = factories.entry(world.hoa_an, tb, 2, status=EntryStatus.SUBMITTED)
    below = factories.entry(world.thpt_hoa_an, dv, 3, status=EntryStatus.SUBMITTED)
    pages = ["/bang-xep-hang/huyen", "/bang-xep-hang/nganh", "/bang-xep-hang/cdcs",
             "/tuyen-truyen", f"/don-vi-thi-dua/{world.giao_duc.slug}",
             f"/don-vi-thi-dua/{world.hoa_an.slug}"]

    def changed_after(entry) -> set[str]:
        before = {path: client.get(path).headers["ETag"] for path in pages}
        lifecycle.verify(entry, world.judge)
        db.session.commit()
        return {path for path in pages
                if client.get(path, headers={"If-None-Match": before[path]}).status_code != 304}

    # A plan (not propaganda) of a district: its block and its own page, nothing else.
    assert changed_after(plan) == {"/bang-xep-hang/huyen", f"/don-vi-thi-dua/{world.hoa_an.slug}"}
    # A news item is propaganda: the feed moves too.
    assert changed_after(news) == {"/bang-xep-hang/huyen", f"/don-vi-thi-dua/{world.hoa_an.slug}",
                                   "/tuyen-truyen"}
    # A grassroots union's service on a rolled-up criterion: its block, and its district's.
    assert changed_after(below) == {"/bang-xep-hang/cdcs", "/bang-xep-hang/huyen",
                                    f"/don-vi-thi-dua/{world.hoa_an.slug}"}


def test_a_board_page_shows_what_scoring_computes_after_changes(client, world):
    tb = factories.criterion(world.drive, "TB")
    factories.entry(world.bao_lam, tb, 6, status=V, channel="zalo")
    factories.entry(world.hoa_an, tb, 2, status=V, channel="zalo")
    api = client.get("/api/v1/leaderboard?block=huyen").get_json()["blocks"][0]["rows"]
    # By hand: 6 news items of a target of 30 at 10 points is 2.00; 2 items is 0.67.
    assert [(row["unit"]["code"], row["rank"]) for row in api] == [("BLAM", 1), ("HOAAN", 2)]
    assert [row["criteria"][3]["points"] for row in api] == ["2.00", "0.67"]


def test_the_first_reader_of_a_new_day_rebuilds_the_block_once(client, world, monkeypatch):
    client.get("/bang-xep-hang/huyen")
    huyen = factories.block("huyen")
    as_of = set(db.session.scalars(select(UnitStanding.as_of).where(
        UnitStanding.block_id == huyen.id)))
    assert as_of == {date(2021, 5, 10)}
    monkeypatch.setenv("COMPETITION_TODAY", "2021-05-11")
    assert client.get("/bang-xep-hang/huyen").status_code == 200
    db.session.expire_all()
    assert set(db.session.scalars(select(UnitStanding.as_of).where(
        UnitStanding.block_id == huyen.id))) == {date(2021, 5, 11)}
    # The other blocks wait for their own first reader.
    nganh = factories.block("nganh")
    assert set(db.session.scalars(select(UnitStanding.as_of).where(
        UnitStanding.block_id == nganh.id))) <= {date(2021, 5, 10)}


def test_a_nation_types_the_unit_code_in_the_propaganda_filter(client, world, monkeypatch):
    tb = factories.criterion(world.drive, "TB")
    factories.entry(world.hoa_an, tb, 2, status=V, channel="zalo", title="Tin Hòa An")
    factories.entry(world.bao_lam, tb, 1, status=V, channel="zalo", title="Tin Bảo Lâm")
    listed = client.get("/tuyen-truyen").get_data(as_text=True)
    assert '<select id="f-unit"' in listed and world.bao_lam.name in listed
    monkeypatch.setattr("competition.public.views.UNIT_CHOICES", 4)  # five ranked units
    page = client.get("/tuyen-truyen?unit=HOAAN")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<input type="text" id="f-unit" name="unit" value="HOAAN"' in text
    assert "Tin Hòa An" in text and "Tin Bảo Lâm" not in text
    wrong = client.get("/tuyen-truyen?unit=KHONG-CO")
    assert wrong.status_code == 400 and "Không có đơn vị mang mã này." in wrong.get_data(
        as_text=True)


def _progress_of(page: str, slug: str) -> str:
    start = page.index(f'<a href="/don-vi-thi-dua/{slug}">')
    return page[start:page.index("</details>", start)]


def test_a_rows_criteria_are_drawn_again_only_when_that_row_changes(app, client, world):
    tb = factories.criterion(world.drive, "TB")
    pending = factories.entry(world.hoa_an, tb, 6, status=EntryStatus.SUBMITTED)
    before = client.get("/bang-xep-hang/huyen").get_data(as_text=True)
    # By hand: no news item of a target of 30 is 0 points of 10; six are 2.
    assert "0 / 30 tin bài · 0,00/10 điểm" in _progress_of(before, world.hoa_an.slug)
    lifecycle.verify(pending, world.judge)
    db.session.commit()
    drawn = []

    def remember(_sender, template, context, **_extra):
        if template.name == "public/_criteria_progress.html":
            drawn.append(context["row"].unit.code)

    template_rendered.connect(remember, app)
    try:
        after = client.get("/bang-xep-hang/huyen").get_data(as_text=True)
    finally:
        template_rendered.disconnect(remember, app)
    assert drawn == ["HOAAN"]
    assert "6 / 30 tin bài · 2,00/10 điểm" in _progress_of(after, world.hoa_an.slug)
    assert _progress_of(after, world.bao_lam.slug) == _progress_of(before, world.bao_lam.slug)


def test_a_unit_moved_to_another_block_is_ranked_there_at_once(client, world):
    def codes(block: str) -> list[str]:
        rows = client.get(f"/api/v1/leaderboard?block={block}").get_json()["blocks"][0]["rows"]
        return [row["unit"]["code"] for row in rows]

    assert "HOAAN" in codes("huyen") and "HOAAN" not in codes("nganh")
    world.hoa_an.block = factories.block("nganh")
    standings.bump_version(world.drive.id)  # what the admin's unit form does
    db.session.commit()
    # The block it moved to is read first, while its old row still names the old block.
    assert "HOAAN" in codes("nganh")
    assert "HOAAN" not in codes("huyen")
