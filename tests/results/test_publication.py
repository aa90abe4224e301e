"""Publishing the official result: only after the freeze and the appeal window with no appeal
open; a numbered snapshot with its SHA-256; a lock on every route; withdrawal with a public
reason; republishing as n+1."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import select

from competition import lifecycle
from competition.extensions import db
from competition.lifecycle import Forbidden, TransitionError
from competition.models import AuditEvent, Drive, ResultSnapshot, Target
from competition.results import appeals, publication
from tests import factories
from tests.public.test_pages import text

AFTER_WINDOW = "2021-07-06T08:00:00"


def _publish(world) -> ResultSnapshot:
    snapshot = publication.publish(world.drive, world.admin)
    db.session.commit()
    return snapshot


@pytest.mark.parametrize("moment, refusal", [
    ("2021-06-30T16:59:59", "before_freeze"),
    ("2021-07-02T09:00:00", "appeal_window_open"),
    ("2021-07-05T17:00:00", "appeal_window_open"),  # the window's last second
])
def test_publishing_too_early_is_refused(ended, at, moment, refusal):
    at(moment)
    with pytest.raises(TransitionError) as refused:
        publication.publish(ended.drive, ended.world.admin)
    assert refused.value.message == refusal
    assert db.session.scalar(select(ResultSnapshot.id)) is None


def test_publishing_with_an_open_appeal_is_refused(ended, at):
    appeals.file_appeal(ended.world.reporter_hoa_an, "Lý do", entry=ended.kh_rejected)
    db.session.commit()
    at(AFTER_WINDOW)
    with pytest.raises(TransitionError) as refused:
        publication.publish(ended.drive, ended.world.admin)
    assert refused.value.message == "appeals_open"


def test_only_an_admin_publishes_and_only_once(ended, at):
    at("2021-07-05T17:00:01")
    with pytest.raises(Forbidden):
        publication.publish(ended.drive, ended.world.judge)
    first = _publish(ended.world)
    assert first.number == 1
    with pytest.raises(TransitionError) as twice:
        publication.publish(ended.drive, ended.world.admin)
    assert twice.value.message == "already_published"


def test_the_snapshot_holds_the_standings_as_of_the_freeze_with_its_hash(client, ended, at):
    lifecycle.verify(ended.tb_pending, ended.world.judge)  # after the freeze: not official
    db.session.commit()
    at(AFTER_WINDOW)
    snapshot = _publish(ended.world)
    payload = snapshot.payload
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert snapshot.sha256 == hashlib.sha256(canonical.encode()).hexdigest()
    huyen = next(b for b in payload["blocks"] if b["code"] == "huyen")
    first, second = huyen["standings"][:2]
    # Hòa An 6.83 (TB 1.33, DV 0.50, AN 5), Bảo Lâm 6.50 (HN 1.50, AN 5).
    assert (first["unit_code"], first["rank"], first["total"], first["percent"]) == (
        "HOAAN", 1, "6.83", "6.83")
    assert first["points"]["TB"] == "1.33" and first["classification"] == "chua_hoan_thanh"
    assert (second["unit_code"], second["total"]) == ("BLAM", "6.50")
    assert payload["number"] == 1 and payload["drive"]["code"] == "129/KH-LĐLĐ"
    assert payload["published_at"].startswith("2021-07-06T01:00:00")  # 08:00 Vietnam time

    api = client.get("/api/v1/results").get_json()
    assert api["current"]["sha256"] == snapshot.sha256 and api["current"]["payload"] == payload
    page = text(client.get("/bang-xep-hang/huyen"))
    assert snapshot.sha256 in page and "bản công bố số 1" in page
    board = client.get("/api/v1/leaderboard").get_json()
    assert next(r for r in board["blocks"][0]["rows"] if r["unit"]["code"] == "HOAAN")["total"] \
        == "6.83"


def test_after_publication_nothing_of_the_drive_changes(ended, at, make_visitor, runner, tmp_path):
    at(AFTER_WINDOW)
    _publish(ended.world)
    world = ended.world
    with pytest.raises(TransitionError) as reopen:
        lifecycle.reopen(ended.tb_verified, world.judge, "Xem lại")
    assert reopen.value.message == "results_published"
    db.session.rollback()

    judge = make_visitor()
    judge.login("thamdinh1")
    page = judge.post(f"/tham-dinh/ket-qua/{ended.tb_pending.id}/xac-nhan",
                      {"version": ended.tb_pending.version},
                      token_from=f"/tham-dinh/ket-qua/{ended.tb_pending.id}")
    assert page.status_code == 409 and "đã được công bố" in text(page)

    # A target through the ORM (any form or import) is refused by the one guard.
    target = db.session.scalars(select(Target)).first()
    target.value = 1
    with pytest.raises(TransitionError):
        db.session.commit()
    db.session.rollback()

    admin = make_visitor()
    admin.login("admin")
    settings = admin.get("/quan-tri/dot-thi-dua")
    assert settings.status_code == 200
    hoa_an = world.hoa_an
    moved = admin.post(f"/quan-tri/don-vi/{hoa_an.id}", {
        "code": hoa_an.code, "name": hoa_an.name, "kind": hoa_an.kind, "block": "",
        "parent": "", "member_count": "10"}, token_from=f"/quan-tri/don-vi/{hoa_an.id}")
    assert moved.status_code == 409 and "đã được công bố" in text(moved)
    db.session.expire_all()
    assert db.session.get(type(hoa_an), hoa_an.id).member_count == 2900
    refusals = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "results.locked_refusal")).all()
    assert refusals

    rows = tmp_path / "entries.csv"
    rows.write_text("unit_code,criterion_code,activity_date,quantity,status,phase,channel,title,"
                    "judge\nHOAAN,CT,2021-05-20,1,submitted,,,Công trình,\n", encoding="utf-8")
    result = runner.invoke(args=["entries", "import", str(rows)])
    assert result.exit_code == 1 and "đã được công bố" in result.output

    backup = tmp_path / "backup.json"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    restored = runner.invoke(args=["restore", "--replace", str(backup)])
    assert restored.exit_code == 1 and "đã được công bố" in restored.output


def test_withdraw_needs_a_public_reason_and_republishing_makes_the_next_number(client, ended, at):
    at(AFTER_WINDOW)
    world = ended.world
    first = _publish(world)
    with pytest.raises(TransitionError) as no_reason:
        publication.withdraw(world.drive, world.admin, "  ")
    assert no_reason.value.message == "reason_required"
    publication.withdraw(world.drive, world.admin, "Sai điểm tiêu chí DV của LĐLĐ Hòa An.")
    db.session.commit()
    assert "Sai điểm tiêu chí DV" in text(client.get("/bang-xep-hang/huyen"))
    assert client.get("/api/v1/results").get_json()["current"] is None

    # Unlocked: the admin corrects Hòa An's DV target (100 → 50) and republishes.
    dv = factories.criterion(world.drive, "DV")
    db.session.add(Target(criterion=dv, unit=world.hoa_an, value=50))
    db.session.commit()
    second = _publish(world)
    assert (first.number, second.number) == (1, 2) and first.sha256 != second.sha256
    log = text(client.get("/nhat-ky-xep-hang"))
    # DV 10 × 5/50 = 1.00 instead of 0.50: 6.83 → 7.33.
    assert "bản số 2" in log and "6.83 điểm → hạng 1, 7.33 điểm" in log
    assert "Rút lại bản công bố số 1" in log


def test_the_cli_reports_status_refuses_early_and_publishes(runner, ended, at):
    status = runner.invoke(args=["results", "freeze-status"])
    assert status.exit_code == 0
    assert "Thời điểm chốt: 30/06/2021 17:00" in status.output
    assert "Hết hạn khiếu nại: 05/07/2021 17:00" in status.output
    early = runner.invoke(args=["results", "publish"])
    assert early.exit_code == 1 and "thời hạn nhận khiếu nại" in early.output
    at(AFTER_WINDOW)
    done = runner.invoke(args=["results", "publish"])
    assert done.exit_code == 0 and "bản số 1" in done.output
    again = runner.invoke(args=["results", "publish"])
    assert again.exit_code == 1
    no_reason = runner.invoke(args=["results", "withdraw"])
    assert no_reason.exit_code == 1 and "lý do" in no_reason.output.lower()
    withdrawn = runner.invoke(args=["results", "withdraw", "--reason", "Sai sót số liệu"])
    assert withdrawn.exit_code == 0
    db.session.expire_all()
    assert db.session.get(Drive, ended.drive.id).published_at is None


def test_the_admin_page_says_why_publishing_waits(ended, make_visitor, at):
    admin = make_visitor()
    admin.login("admin")
    page = admin.post("/quan-tri/ket-qua-chinh-thuc/cong-bo", {},
                      token_from="/quan-tri/ket-qua-chinh-thuc")
    assert page.status_code == 409 and "Đang trong thời hạn nhận khiếu nại" in text(page)
    at(AFTER_WINDOW)
    done = admin.post("/quan-tri/ket-qua-chinh-thuc/cong-bo", {},
                      token_from="/quan-tri/ket-qua-chinh-thuc")
    assert done.status_code == 302
    no_reason = admin.post("/quan-tri/ket-qua-chinh-thuc/rut-lai", {"reason": ""},
                           token_from="/quan-tri/ket-qua-chinh-thuc")
    assert no_reason.status_code == 400 and "Hãy nhập lý do" in text(no_reason)
