"""What a member of the public reads on the leaderboard, unit pages, feed and change log."""

from __future__ import annotations

import re

from competition import standings
from competition.extensions import db
from competition.models import Evidence
from tests import factories


def text(response) -> str:
    """The visible text of a page, tags removed and spaces collapsed."""
    body = re.sub(r"<script.*?</script>", " ", response.get_data(as_text=True), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_home_shows_the_drive_the_running_phase_and_days_to_election(client, scored):
    page = text(client.get("/"))
    assert "129/KH-LĐLĐ" in page
    assert "Liên đoàn Lao động tỉnh Cao Bằng" in page
    assert "Đợt 2" in page  # 10/5/2021 lies in Đợt 2 only
    assert "13 ngày nữa đến Ngày bầu cử" in page
    assert "LĐLĐ huyện Hòa An" in page


def test_home_counts_verified_activities_by_channel(client, scored):
    page = text(client.get("/"))
    # One verified activity each on Zalo, Facebook and meetings; the pending one is not counted.
    assert re.search(r"Zalo 1 4 ", page)
    assert re.search(r"Cộng 3 9 ", page)
    assert "Tin bài đang chờ" not in page


def test_home_says_when_election_day_has_passed(client, scored, monkeypatch):
    monkeypatch.setenv("COMPETITION_TODAY", "2021-05-30")
    page = text(client.get("/"))
    assert "Ngày bầu cử đã qua 7 ngày" in page
    assert "Đợt 3" in page


def test_leaderboard_ranks_a_block_with_links_and_progress(client, scored):
    response = client.get("/bang-xep-hang/huyen")
    body = response.get_data(as_text=True)
    board = standings.public_standings(scored.drive)["huyen"]
    assert [r.unit.code for r in board] == ["HOAAN", "BLAM"]
    assert body.index("LĐLĐ huyện Hòa An") < body.index("LĐLĐ huyện Bảo Lâm")
    assert 'href="/don-vi-thi-dua/hoaan"' in body
    assert f"{board[0].total:.2f}".replace(".", ",") in body
    # TB: 4 of the block target 30 tin bài
    assert "4 / 30 tin bài" in text(response)
    assert "<progress" in body


def test_leaderboard_shows_rank_change_since_a_week_ago(client, world):
    tb = factories.criterion(world.drive, "TB")
    # A week ago Hòa An led; Bảo Lâm overtook it since (entries verified today, 10/5).
    factories.entry(world.hoa_an, tb, 2, status=factories.EntryStatus.VERIFIED)
    first = db.session.scalars(db.select(factories.Entry)).first()
    first.verified_at = first.verified_at.replace(day=1)
    db.session.commit()
    factories.entry(world.bao_lam, tb, 20, status=factories.EntryStatus.VERIFIED)
    page = text(client.get("/bang-xep-hang/huyen"))
    assert "Tăng 1 bậc so với 7 ngày trước" in page
    assert "Giảm 1 bậc so với 7 ngày trước" in page


def test_grassroots_unions_can_be_filtered_by_their_district(client, scored):
    everyone = text(client.get("/bang-xep-hang/cdcs"))
    assert "CĐCS Trường THPT Hòa An" in everyone and "CĐCS Công ty Điện lực Cao Bằng" in everyone
    hoa_an = text(client.get("/bang-xep-hang/cdcs?parent=HOAAN")).split("Tổng điểm các đơn vị")[0]
    assert "CĐCS Trường THPT Hòa An" in hoa_an
    assert "CĐCS Công ty Điện lực Cao Bằng" not in hoa_an
    assert client.get("/bang-xep-hang/cdcs?parent=BLAM").status_code == 400


def test_unit_page_shows_declared_beside_verified_total(client, scored):
    page = text(client.get("/don-vi-thi-dua/hoaan"))
    verified = standings.standing_of(standings.public_standings(scored.drive), "HOAAN")
    declared = standings.projected_standing(scored.drive, scored.hoa_an)
    assert declared.total > verified.total  # the 6 pending tin bài count as declared only
    assert f"{verified.total:.2f}".replace(".", ",") in page
    assert f"{declared.total:.2f}".replace(".", ",") in page
    assert "Tin bài tháng Tư" in page
    assert "Tin bài đang chờ" not in page  # pending entries are never listed as verified


def test_unit_page_links_public_evidence_files_only(client, scored):
    entry = db.session.scalars(
        db.select(factories.Entry).where(factories.Entry.title == "Tin bài tháng Tư")
    ).one()
    public = Evidence(entry=entry, stored_name="a" * 32, original_name="anh-cong-khai.jpg",
                      content_type="image/jpeg", is_public=True)
    db.session.add_all([
        Evidence(entry=entry, url="https://baocaobang.vn/tin-bau-cu"),
        public,
        Evidence(entry=entry, stored_name="b" * 32, original_name="danh-sach-rieng.pdf",
                 content_type="application/pdf", is_public=False),
    ])
    db.session.commit()
    response = client.get("/don-vi-thi-dua/hoaan")
    page = text(response)
    # The file is linked through the entries area's evidence route, which serves public files.
    assert f'href="/don-vi/minh-chung/{public.id}"' in response.get_data(as_text=True)
    assert "https://baocaobang.vn/tin-bau-cu" in page
    assert "anh-cong-khai.jpg" in page
    assert "danh-sach-rieng.pdf" not in page


def test_units_outside_the_ranking_have_no_page(client, scored):
    assert client.get("/don-vi-thi-dua/ldld-cb").status_code == 404
    assert client.get("/don-vi-thi-dua/khong-co").status_code == 404


def test_propaganda_feed_filters_by_phase_channel_unit_and_dates(client, scored):
    everything = text(client.get("/tuyen-truyen"))
    assert "Tin bài tháng Tư" in everything and "Hội nghị cử tri" in everything
    assert "Tin bài đang chờ" not in everything and "Bản nháp" not in everything
    zalo = text(client.get("/tuyen-truyen?channel=zalo"))
    assert "Tin bài tháng Tư" in zalo and "Bài trên fanpage" not in zalo
    may = text(client.get("/tuyen-truyen?from=2021-05-01&to=2021-05-31"))
    assert "Hội nghị cử tri" in may and "Tin bài tháng Tư" not in may
    blam = text(client.get("/tuyen-truyen?unit=BLAM&phase=dot2"))
    assert "Hội nghị cử tri" in blam and "Bài trên fanpage" not in blam


def test_propaganda_feed_explains_a_bad_filter(client, scored):
    response = client.get("/tuyen-truyen?from=04/30/2021&channel=radio")
    assert response.status_code == 400
    page = text(response)
    assert "Ngày phải có dạng ngày/tháng/năm, ví dụ 30/04/2021." in page
    assert "Không có kênh tuyên truyền này" in page


def test_propaganda_feed_is_paginated(client, world, app):
    app.config["ENTRIES_PER_PAGE"] = 2
    tb = factories.criterion(world.drive, "TB")
    for n in range(5):
        factories.entry(world.bao_lam, tb, 1, status=factories.EntryStatus.VERIFIED,
                        title=f"Tin số {n}")
    first, third = text(client.get("/tuyen-truyen")), text(client.get("/tuyen-truyen?page=3"))
    assert "Trang 1 / 3" in first and "Tin số 4" in first and "Tin số 0" not in first
    assert "Tin số 0" in third


def test_change_log_says_what_each_verification_moved(client, scored):
    page = text(client.get("/nhat-ky-xep-hang"))
    # TB for Hòa An: 4 of 30 tin bài, 10 points × 4/30 = 1,33
    assert re.search(r"\+1,33 điểm : LĐLĐ huyện Hòa An — 4 tin bài", page)
    assert "xác nhận 10/05/2021" in page
    # Newest first: Điện lực's verification came last.
    assert page.index("CĐCS Công ty Điện lực") < page.index("LĐLĐ huyện Hòa An — 4 tin bài")


def test_change_log_shows_a_reopening_as_points_lost(client, scored):
    from competition import lifecycle

    entry = db.session.scalars(
        db.select(factories.Entry).where(factories.Entry.title == "Hội nghị cử tri")
    ).one()
    lifecycle.reopen(entry, scored.judge, "Thiếu biên bản")
    db.session.commit()
    page = text(client.get("/nhat-ky-xep-hang"))
    assert re.search(r"−1,5 điểm : LĐLĐ huyện Bảo Lâm — mở lại để thẩm định lại", page)
