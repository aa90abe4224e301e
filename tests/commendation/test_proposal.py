"""From the published result to the locked list, through the admin's pages."""

from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy import func, select

from competition.extensions import db
from competition.models import AuditEvent, AwardRule, Commendation, CommendationItem, Drive
from tests import factories
from tests.commendation.conftest import publish_by_hand

PAGE = "/quan-tri/khen-thuong/"


def lists(drive) -> dict[str, list[tuple[str, str]]]:
    commendation = db.session.scalars(select(Commendation)
                                      .where(Commendation.drive_id == drive.id)).one()
    db.session.refresh(commendation)
    result: dict[str, list[tuple[str, str]]] = {}
    for item in commendation.items:
        result.setdefault(item.award_rule.code, []).append((item.unit.code, item.status))
    return result


def item_of(code: str) -> CommendationItem:
    return next(i for i in db.session.scalars(select(CommendationItem)) if i.unit.code == code)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def propose(visitor):
    return visitor.post(PAGE + "de-xuat", token_from=PAGE)


def test_the_proposal_follows_the_rules_by_hand(published, visitor):
    visitor.login("admin")
    response = propose(visitor)
    assert response.status_code == 302
    # Worked out in conftest.py: HOAAN qualifies for both awards and gets only the Bằng khen;
    # TK and HL share 4th place across Giấy khen's last place: flagged, not split (by name
    # inside the tie: Hạ Lang before Trùng Khánh).
    assert lists(published.drive) == {
        "BK-TLĐ": [("HOAAN", "proposed"), ("CDN-GD", "proposed")],
        "GK-LĐLĐ": [("BLAM", "proposed"), ("HQ", "proposed"), ("HL", "tied"), ("TK", "tied"),
                    ("CS-DIENLUC", "proposed")],
    }
    page = visitor.get(PAGE).get_data(as_text=True)
    assert "Đồng hạng ở vị trí cuối: cần quyết định" in page
    assert published.snapshot.sha256 in page


def test_proposing_before_publication_is_refused_and_writes_nothing(world, visitor):
    visitor.login("admin")
    response = propose(visitor)
    assert response.status_code == 409
    assert "Kết quả chưa được công bố" in response.get_data(as_text=True)
    assert count(Commendation) == 0


def test_removing_or_adding_without_a_reason_is_refused(published, visitor):
    visitor.login("admin")
    propose(visitor)
    events = count(AuditEvent)
    item = item_of("BLAM")
    response = visitor.post(f"{PAGE}dong/{item.id}/bo", {"reason": "  "}, token_from=PAGE)
    assert response.status_code == 400
    assert "Hãy ghi lý do cho thay đổi này." in response.get_data(as_text=True)
    rule = db.session.scalars(select(AwardRule).where(AwardRule.code == "GK-LĐLĐ")).one()
    response = visitor.post(PAGE + "them", {"unit": "NB", "award": rule.id, "reason": ""},
                            token_from=PAGE)
    assert response.status_code == 400
    assert count(AuditEvent) == events
    assert ("NB", "added") not in lists(published.drive)["GK-LĐLĐ"]


def test_changes_with_a_reason_are_made_and_audited(published, visitor):
    visitor.login("admin")
    propose(visitor)
    rule = db.session.scalars(select(AwardRule).where(AwardRule.code == "GK-LĐLĐ")).one()
    visitor.post(f"{PAGE}dong/{item_of('TK').id}/giu",
                 {"reason": "Nhiều sáng kiến hơn trong đợt 3"}, token_from=PAGE)
    visitor.post(f"{PAGE}dong/{item_of('HL').id}/bo",
                 {"reason": "Đã được khen thưởng đợt trước"}, token_from=PAGE)
    visitor.post(PAGE + "them", {"unit": "CS-THPT-HOAAN", "award": rule.id,
                                 "reason": "Điển hình tiên tiến của huyện"}, token_from=PAGE)
    gk = lists(published.drive)["GK-LĐLĐ"]
    assert ("TK", "added") in gk and ("HL", "removed") in gk and ("CS-THPT-HOAAN", "added") in gk
    reasons = db.session.execute(select(AuditEvent.action, AuditEvent.reason).where(
        AuditEvent.action.in_(["commendation.add", "commendation.remove"]))
        .order_by(AuditEvent.id)).all()
    assert [tuple(r) for r in reasons] == [
        ("commendation.add", "Nhiều sáng kiến hơn trong đợt 3"),
        ("commendation.remove", "Đã được khen thưởng đợt trước"),
        ("commendation.add", "Điển hình tiên tiến của huyện"),
    ]


def test_a_unit_gets_one_award_only(published, visitor):
    visitor.login("admin")
    propose(visitor)
    rule = db.session.scalars(select(AwardRule).where(AwardRule.code == "GK-LĐLĐ")).one()
    response = visitor.post(PAGE + "them", {"unit": "HOAAN", "award": rule.id,
                                            "reason": "thêm"}, token_from=PAGE)
    assert response.status_code == 409
    assert "mỗi đơn vị chỉ nhận một hình thức khen thưởng" in response.get_data(as_text=True)


def _settle_ties(visitor):
    for code in ("TK", "HL"):
        visitor.post(f"{PAGE}dong/{item_of(code).id}/giu", {"reason": "Hội đồng thống nhất"},
                     token_from=PAGE)


def _decide(visitor, number="120/QĐ-LĐLĐ", day="2021-07-15"):
    return visitor.post(PAGE + "quyet-dinh", {
        "issue": "1", "proposal_number": "45/TTr-LĐLĐ", "decision_number": number,
        "decision_date": day, "signer_title": "TM. BAN THƯỜNG VỤ\nCHỦ TỊCH",
        "signer_name": "Hoàng Văn Thạch"}, token_from=PAGE)


def test_the_decision_waits_for_every_tie_to_be_settled(published, visitor, monkeypatch):
    monkeypatch.setenv("COMPETITION_TODAY", "2021-07-20")
    visitor.login("admin")
    propose(visitor)
    response = _decide(visitor)
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "chưa được quyết định" in text and "LĐLĐ huyện Trùng Khánh" in text
    assert db.session.scalars(select(Commendation.decision_number)).one() is None


def test_the_decision_locks_the_list(published, visitor, monkeypatch):
    monkeypatch.setenv("COMPETITION_TODAY", "2021-07-20")
    visitor.login("admin")
    propose(visitor)
    _settle_ties(visitor)
    assert _decide(visitor).status_code == 302
    commendation = db.session.scalars(select(Commendation)).one()
    db.session.refresh(commendation)
    assert (commendation.decision_number, commendation.decision_date,
            commendation.signer_name) == ("120/QĐ-LĐLĐ", date(2021, 7, 15), "Hoàng Văn Thạch")
    before = lists(published.drive)
    for path, data in ((f"dong/{item_of('BLAM').id}/bo", {"reason": "x"}), ("de-xuat", {})):
        response = visitor.post(PAGE + path, data, token_from=PAGE)
        assert response.status_code == 409
    assert "Danh sách đã khóa theo Quyết định số 120/QĐ-LĐLĐ" in visitor.post(
        f"{PAGE}dong/{item_of('BLAM').id}/bo", {"reason": "x"}, token_from=PAGE).get_data(
        as_text=True)
    rule = db.session.scalars(select(AwardRule).where(AwardRule.code == "GK-LĐLĐ")).one()
    response = visitor.post(f"{PAGE}hinh-thuc/{rule.id}", {
        "code": "GK-LĐLĐ", "name": rule.name, "block": "", "max_units": 9,
        "min_classification": "hoan_thanh"}, token_from=PAGE)
    assert response.status_code == 409
    assert lists(published.drive) == before
    assert db.session.scalars(select(AwardRule.max_units).where(AwardRule.id == rule.id)).one() == 3


def test_a_decision_number_already_used_is_refused(published, visitor, monkeypatch):
    monkeypatch.setenv("COMPETITION_TODAY", "2021-07-20")
    visitor.login("admin")
    propose(visitor)
    earlier = Drive(code="12/KH-LĐLĐ", title="Đợt thi đua năm 2020", issuer="LĐLĐ tỉnh",
                    starts_on=date(2020, 3, 1), ends_on=date(2020, 6, 30), is_active=False)
    db.session.add(earlier)
    db.session.commit()
    db.session.add(Commendation(drive_id=earlier.id, snapshot=publish_by_hand(earlier, []),
                                decision_number="120/QĐ-LĐLĐ", decision_date=date(2020, 7, 1)))
    db.session.commit()
    _settle_ties(visitor)
    response = _decide(visitor)
    assert response.status_code == 409
    assert "Số quyết định «120/QĐ-LĐLĐ» đã được dùng." in response.get_data(as_text=True)


def test_a_decision_dated_after_today_is_refused(published, visitor, monkeypatch):
    monkeypatch.setenv("COMPETITION_TODAY", "2021-07-20")
    visitor.login("admin")
    propose(visitor)
    _settle_ties(visitor)
    assert _decide(visitor, day="2021-07-20").status_code == 302  # today itself is fine


def test_a_decision_dated_tomorrow_is_refused(published, visitor, monkeypatch):
    monkeypatch.setenv("COMPETITION_TODAY", "2021-07-20")
    visitor.login("admin")
    propose(visitor)
    _settle_ties(visitor)
    response = _decide(visitor, day="2021-07-21")
    assert response.status_code == 400
    assert "Ngày ký quyết định không được sau hôm nay." in response.get_data(as_text=True)


def test_only_admins_reach_the_commendation_pages(published, visitor):
    visitor.login("thamdinh1")
    assert visitor.get(PAGE).status_code == 403
    assert visitor.post(PAGE + "de-xuat", token_from="/").status_code == 403
    assert count(Commendation) == 0


def test_award_rule_form_refuses_bad_values_in_vietnamese(published, visitor):
    visitor.login("admin")
    response = visitor.post(PAGE + "hinh-thuc/moi", {
        "code": "BK-TLĐ", "name": "Bằng khen", "block": "", "max_units": -1,
        "min_classification": "hoan_thanh_tot"}, token_from=PAGE)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Số đơn vị tối đa không được nhỏ hơn 0." in text
    response = visitor.post(PAGE + "hinh-thuc/moi", {
        "code": "BK-TLĐ", "name": "Bằng khen", "block": "", "max_units": 1,
        "min_classification": "hoan_thanh_tot"}, token_from=PAGE)
    assert response.status_code == 400
    assert "mã «BK-TLĐ» đã có trong đợt thi đua" in response.get_data(as_text=True)
    assert len(factories.default_drive().award_rules) == 2


def test_the_public_result_shows_the_awards_only_once_decided(published, visitor, client,
                                                              monkeypatch):
    monkeypatch.setenv("COMPETITION_TODAY", "2021-07-20")
    visitor.login("admin")
    propose(visitor)
    page = client.get("/ket-qua").get_data(as_text=True)
    assert published.snapshot.sha256 in page and "Giấy khen của Ban Chấp hành" not in page
    assert client.get("/api/v1/results").get_json()["awards"] == []
    _settle_ties(visitor)
    _decide(visitor)
    page = client.get("/ket-qua").get_data(as_text=True)
    assert "Khen thưởng theo Quyết định số 120/QĐ-LĐLĐ ngày 15/07/2021." in page
    assert page.count("Giấy khen của Ban Chấp hành Liên đoàn Lao động tỉnh") == 1 + 5
    api = client.get("/api/v1/results").get_json()
    assert api["decision"]["number"] == "120/QĐ-LĐLĐ" and api["decision"]["date"] == "2021-07-15"
    assert [(a["code"], [u["code"] for u in a["units"]]) for a in api["awards"]] == [
        ("BK-TLĐ", ["HOAAN", "CDN-GD"]),
        ("GK-LĐLĐ", ["BLAM", "HQ", "HL", "TK", "CS-DIENLUC"]),
    ]
    rows = list(csv.reader(io.StringIO(client.get("/ket-qua.csv").get_data(as_text=True))))
    assert rows[1] == ["Khối LĐLĐ huyện, thành phố", "1", "HOAAN", "LĐLĐ huyện Hòa An", "96.00",
                       "96.00", "Hoàn thành xuất sắc", "5",
                       "Bằng khen của Ban Chấp hành Tổng Liên đoàn Lao động Việt Nam",
                       "120/QĐ-LĐLĐ", "2021-07-15"]
