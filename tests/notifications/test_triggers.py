"""Each event tells exactly the right people, once, in the app and by email; nobody else."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from competition import lifecycle
from competition.extensions import db
from competition.models import Appeal, AppealStatus, EmailPreference, Role
from competition.notifications import outbox, triggers
from competition.notifications.models import Notification, OutboxMessage
from tests import factories
from tests.notifications.conftest import body


def told(kind: str | None = None) -> list[tuple[str, str]]:
    """(username, text) of every notification, in order."""
    query = select(Notification).order_by(Notification.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return [(n.user.username, n.text) for n in db.session.scalars(query)]


@pytest.fixture
def people(world):
    """Email addresses: hoaan wants every email, hoaan2 a daily digest, blam every email."""
    world.reporter_hoa_an.email = "hoaan@example.vn"
    world.reporter_bao_lam.email = "blam@example.vn"
    world.judge.email = "thamdinh1@example.vn"
    world.judge_hoa_an.email = "thamdinh2@example.vn"
    second = factories.user("hoaan2", Role.UNIT, world.hoa_an, email="hoaan2@example.vn",
                            email_preference=EmailPreference.DIGEST)
    db.session.commit()
    return second


def test_returning_an_entry_tells_the_units_reporters_and_emails_who_wants_it(
    world, people, smtp
):
    criterion = factories.criterion(world.drive, "SK")
    entry = factories.entry(world.hoa_an, criterion, 2, status="submitted", title="Sáng kiến số hóa")
    lifecycle.return_for_revision(entry, world.judge, "Thiếu ảnh minh chứng")
    db.session.commit()

    text = "Kết quả «Sáng kiến số hóa» bị trả lại để bổ sung. Lý do: Thiếu ảnh minh chứng"
    assert told() == [("hoaan", text), ("hoaan2", text)]
    assert db.session.scalars(select(Notification.link)).all() == [f"/don-vi/ket-qua/{entry.id}"] * 2
    # Only hoaan wants each email; hoaan2 reads it in the daily digest; no mail left yet.
    assert [m.to_address for m in db.session.scalars(select(OutboxMessage))] == ["hoaan@example.vn"]
    assert smtp.mailbox.received == []

    assert outbox.send_due() == (1, 0)
    assert smtp.mailbox.recipients() == ["hoaan@example.vn"]
    message = smtp.mailbox.to("hoaan@example.vn")[0]
    assert str(message["Subject"]).strip() == "[Thi đua] Kết quả bị trả lại để bổ sung"
    assert message["From"] == "thidua@ldld.caobang.vn"
    text_of_mail = body(message)
    assert text_of_mail.startswith(text + f"\nhttps://thidua.example.vn/don-vi/ket-qua/{entry.id}\n")
    assert "https://thidua.example.vn/thong-bao/huy-nhan-email/" in text_of_mail
    assert message["List-Unsubscribe"].strip().startswith("<https://thidua.example.vn/thong-bao/huy-nhan-email/")
    assert outbox.send_due() == (0, 0)  # nothing twice
    assert len(smtp.mailbox.received) == 1


def test_rejecting_tells_the_reporters_with_the_reason(world, people):
    criterion = factories.criterion(world.drive, "SK")
    entry = factories.entry(world.bao_lam, criterion, 1, status="submitted", title="Cải tiến")
    lifecycle.reject(entry, world.judge, "Không thuộc thời gian đợt thi đua")
    db.session.commit()
    assert told() == [("blam", "Kết quả «Cải tiến» không được công nhận. "
                               "Lý do: Không thuộc thời gian đợt thi đua")]


def test_verifying_as_reported_tells_nobody_and_an_adjusted_quantity_is_told(world, people):
    criterion = factories.criterion(world.drive, "TB")
    as_reported = factories.entry(world.hoa_an, criterion, 12, status="submitted", title="Tin bài")
    lifecycle.verify(as_reported, world.judge)
    db.session.commit()
    assert told() == []

    adjusted = factories.entry(world.hoa_an, criterion, 1250, status="submitted", title="Tin bài 2")
    lifecycle.verify(adjusted, world.judge, 1200, "Trùng 50 tin")
    db.session.commit()
    text = "Kết quả «Tin bài 2» được xác nhận 1.200 (đơn vị báo cáo 1.250). Lý do: Trùng 50 tin"
    assert told() == [("hoaan", text), ("hoaan2", text)]


def test_reopening_a_verified_entry_tells_the_reporters(world, people):
    entry = factories.entry(world.bao_lam, factories.criterion(world.drive, "SK"), 1,
                            status="verified", title="Sáng kiến")
    lifecycle.reopen(entry, world.judge, "Xem lại minh chứng")
    db.session.commit()
    assert [kind for kind, in db.session.execute(select(Notification.kind))] == ["entry_reopened"]
    assert told()[0][0] == "blam"


def test_a_refused_or_rolled_back_decision_tells_nobody(world, people):
    entry = factories.entry(world.hoa_an, factories.criterion(world.drive, "SK"), 1,
                            status="submitted")
    with pytest.raises(lifecycle.Forbidden):  # thamdinh2 belongs to Hòa An: conflicted
        lifecycle.return_for_revision(entry, world.judge_hoa_an, "bổ sung")
    lifecycle.return_for_revision(entry, world.judge, "bổ sung")
    db.session.rollback()
    assert told() == []
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_an_inactive_reporter_and_other_units_reporters_are_not_told(world, people):
    people.active = False
    db.session.commit()
    factories.entry(world.thpt_hoa_an, factories.criterion(world.drive, "SK"), 1,
                    status="returned")
    # The grassroots union under Hòa An has its own reporter; Hòa An's are not told.
    assert [user for user, _ in told()] == ["thpt"]


def _appeal(world, entry, **fields) -> Appeal:
    appeal = Appeal(drive_id=world.drive.id, unit_id=entry.unit_id, entry_id=entry.id,
                    kind="rejection", reason="Có minh chứng bổ sung",
                    original_decider_id=entry.decided_by_id, **fields)
    db.session.add(appeal)
    db.session.flush()
    return appeal


def test_an_appeal_goes_to_judges_in_scope_except_the_conflicted_and_the_one_who_decided(
    world, people
):
    other = factories.user("thamdinh3", Role.JUDGE)
    entry = factories.entry(world.thpt_hoa_an, factories.criterion(world.drive, "SK"), 3,
                            status="rejected", judge=world.judge, title="Sáng kiến bếp ăn")
    db.session.query(Notification).delete()
    appeal = _appeal(world, entry)
    triggers.appeal_opened(appeal)
    db.session.commit()
    # thamdinh1 decided; thamdinh2 belongs to Hòa An, above the appealing union; admins are not judges.
    assert told() == [(other.username, "CĐCS Trường THPT Hòa An khiếu nại về «Sáng kiến bếp ăn»; "
                                       "cần một thành viên tổ thẩm định giải quyết.")]
    assert db.session.scalars(select(Notification.link)).one() == f"/khieu-nai/{appeal.id}"


def test_an_answered_appeal_tells_the_units_reporters_with_the_outcome(world, people):
    entry = factories.entry(world.bao_lam, factories.criterion(world.drive, "TB"), 40,
                            status="verified", verified_quantity=30, title="Tin bài tháng 6")
    db.session.query(Notification).delete()
    appeal = _appeal(world, entry, status=AppealStatus.AMENDED, amended_value=Decimal(36),
                     decision_reason="Sáu tin có đường dẫn hợp lệ")
    triggers.appeal_answered(appeal)
    db.session.commit()
    assert told() == [("blam", "Khiếu nại về «Tin bài tháng 6» đã được giải quyết: sửa thành 36. "
                               "Lý do: Sáu tin có đường dẫn hợp lệ")]
    assert db.session.scalars(select(Notification.link)).one() == f"/khieu-nai/{appeal.id}"
