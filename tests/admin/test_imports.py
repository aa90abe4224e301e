"""Imports from the pages: a dry run that lists every row, then all rows or nothing."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from competition.extensions import db
from competition.models import AuditEvent, Entry, Target, Unit, User
from competition.tables import xlsx_bytes
from tests import factories
from tests.admin.conftest import text_of

MIXED_UNITS = (
    "code,name,kind,block,parent_code,members\n"
    "CS-GTVT,CĐCS Sở Giao thông vận tải,cdcs,cdcs,LDLD-CB,120\n"
    "CS-XD,,cdcs,cdcs,LDLD-CB,80\n"
    "CS-YT,CĐCS Bệnh viện tỉnh,benh_vien,cdcs,LDLD-CB,400\n"
    "CS-NN,CĐCS Sở Nông nghiệp,cdcs,cdcs,KHONG-CO,nhiều\n"
)


def _upload(admin, kind: str, name: str, content: bytes):
    return admin.post("/quan-tri/nhap-du-lieu", {"kind": kind, "file": (io.BytesIO(content), name)},
                      token_from="/quan-tri/nhap-du-lieu", content_type="multipart/form-data")


def _units() -> int:
    return db.session.scalar(select(func.count()).select_from(Unit))


def test_dry_run_of_a_mixed_file_lists_every_row_and_writes_nothing(admin, world):
    units, events = _units(), db.session.scalar(select(func.count()).select_from(AuditEvent))

    response = _upload(admin, "units", "don-vi.csv", MIXED_UNITS.encode())

    assert response.status_code == 400
    page = text_of(response)
    assert "thêm CS-GTVT – CĐCS Sở Giao thông vận tải" in page  # line 2: its effect
    assert "Cột «name»: thiếu tên đơn vị" in page  # line 3
    assert "Cột «kind»: loại «benh_vien» không hợp lệ" in page  # line 4
    assert "Cột «members»: số đoàn viên phải là số nguyên không âm" in page  # line 5
    rows = re.findall(r'<tr class="row-(ok|bad)">\s*<td class="num">(\d+)</td>',
                      response.get_data(as_text=True))
    assert rows == [("ok", "2"), ("bad", "3"), ("bad", "4"), ("bad", "5")]
    assert "Ghi vào cơ sở dữ liệu" not in page
    assert _units() == units
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_a_clean_file_is_committed_whole_after_its_preview(admin, world):
    content = b"code,name,kind,block,parent_code,members\n" \
              b"CS-GTVT,CD GTVT,cdcs,cdcs,LDLD-CB,120\nCS-XD,CD XD,cdcs,cdcs,CS-GTVT,80\n"
    preview = _upload(admin, "units", "don-vi.csv", content)
    assert preview.status_code == 200
    token = re.search(r'name="token" value="([^"]+)"', preview.get_data(as_text=True)).group(1)
    before = _units()
    assert before == 6

    done = admin.post("/quan-tri/nhap-du-lieu/ghi", {"kind": "units", "token": token},
                      token_from="/quan-tri/nhap-du-lieu")

    assert done.status_code == 302
    assert _units() == before + 2
    assert db.session.scalars(select(Unit).where(Unit.code == "CS-XD")).one().parent.code == "CS-GTVT"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "units.import")).one()
    assert event.actor_name == "admin"
    again = admin.post("/quan-tri/nhap-du-lieu/ghi", {"kind": "units", "token": token},
                       token_from="/quan-tri/nhap-du-lieu")
    assert again.status_code == 409  # the staged file is gone once written
    assert _units() == before + 2


def test_a_staged_file_belongs_to_the_session_that_uploaded_it(admin, world, make_visitor):
    preview = _upload(admin, "units", "don-vi.csv",
                      b"code,name,kind,block,parent_code,members\nCS-A,CD A,cdcs,cdcs,,1\n")
    token = re.search(r'name="token" value="([^"]+)"', preview.get_data(as_text=True)).group(1)
    factories.user("quantri2", "admin")
    other = make_visitor()
    other.login("quantri2")
    stolen = other.post("/quan-tri/nhap-du-lieu/ghi", {"kind": "units", "token": token},
                        token_from="/quan-tri/nhap-du-lieu")
    assert stolen.status_code == 409
    assert db.session.scalars(select(Unit).where(Unit.code == "CS-A")).first() is None


def test_entries_commit_writes_nothing_when_the_data_changed_since_the_preview(admin, world):
    content = ("unit_code,criterion_code,activity_date,quantity,status,phase,channel,title,judge\n"
               "HOAAN,KH,2021-03-15,1,verified,,,Kế hoạch,thamdinh1\n"
               "BLAM,CT,2021-04-02,2,submitted,,,Công trình,\n").encode()
    preview = _upload(admin, "entries", "ket-qua.csv", content)
    assert preview.status_code == 200
    token = re.search(r'name="token" value="([^"]+)"', preview.get_data(as_text=True)).group(1)
    factories.criterion(world.drive, "CT").retired = True
    db.session.commit()

    refused = admin.post("/quan-tri/nhap-du-lieu/ghi", {"kind": "entries", "token": token},
                         token_from="/quan-tri/nhap-du-lieu")

    assert refused.status_code == 409
    assert "tiêu chí «CT» không tồn tại" in text_of(refused)
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 0


def test_users_import_shows_generated_passwords_once(admin, world, make_visitor):
    content = ("username,full_name,role,unit_code,password\n"
               "gd-moi,Cán bộ Giáo dục,unit,CDN-GD,\n"
               "thamdinh3,Thẩm định 3,judge,,mot-mat-khau-dai\n").encode()
    preview = _upload(admin, "users", "tai-khoan.csv", content)
    token = re.search(r'name="token" value="([^"]+)"', preview.get_data(as_text=True)).group(1)
    done = admin.post("/quan-tri/nhap-du-lieu/ghi", {"kind": "users", "token": token},
                      token_from="/quan-tri/nhap-du-lieu")
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    password = re.search(r"<code>gd-moi</code></td><td><code>([^<]+)</code>",
                         done.get_data(as_text=True)).group(1)
    assert "mot-mat-khau-dai" not in done.get_data(as_text=True)
    newcomer = make_visitor()
    newcomer.login("gd-moi", password)
    judge = db.session.scalars(select(User).where(User.username == "thamdinh3")).one()
    assert judge.check_password("mot-mat-khau-dai") and judge.must_change_password


def test_targets_import_from_xlsx_sets_block_and_unit_targets(admin, world):
    content = xlsx_bytes([("Chỉ tiêu", ["criterion_code", "block", "unit_code", "target"], [
        ["HN", "huyen", "", 25], ["TB", "", "HOAAN", 12.5],
    ])])
    preview = _upload(admin, "targets", "chi-tieu.xlsx", content)
    assert preview.status_code == 200, text_of(preview)
    token = re.search(r'name="token" value="([^"]+)"', preview.get_data(as_text=True)).group(1)
    admin.post("/quan-tri/nhap-du-lieu/ghi", {"kind": "targets", "token": token},
               token_from="/quan-tri/nhap-du-lieu")
    hn, tb = factories.criterion(world.drive, "HN"), factories.criterion(world.drive, "TB")
    block_target = db.session.scalars(select(Target).where(
        Target.criterion_id == hn.id, Target.block_id == factories.block("huyen").id)).one()
    unit_target = db.session.scalars(select(Target).where(
        Target.criterion_id == tb.id, Target.unit_id == world.hoa_an.id)).one()
    assert (block_target.value, unit_target.value) == (25, 12.5)


def test_targets_rows_naming_both_a_block_and_a_unit_are_refused(admin, world):
    content = b"criterion_code,block,unit_code,target\nHN,huyen,HOAAN,5\nKH,,HOAAN,1\n"
    response = _upload(admin, "targets", "chi-tieu.csv", content)
    assert response.status_code == 400
    page = text_of(response)
    assert "mỗi dòng ghi một khối hoặc một đơn vị" in page
    assert "chỉ tiêu chí đếm hoặc tỷ lệ mới có chỉ tiêu giao" in page


def test_cli_users_and_targets_import(runner, world, tmp_path):
    users = tmp_path / "users.csv"
    users.write_text("username,full_name,role,unit_code\nbl2,Cán bộ 2,unit,BLAM\n", encoding="utf-8")
    result = runner.invoke(args=["users", "import", str(users)])
    assert result.exit_code == 0 and "bl2" in result.output
    targets = tmp_path / "targets.csv"
    targets.write_text("criterion_code,block,unit_code,target\nHN,,KHONG-CO,5\n", encoding="utf-8")
    failed = runner.invoke(args=["targets", "import", str(targets)])
    assert failed.exit_code == 1 and "KHONG-CO" in failed.output


def test_entries_preview_speaks_plainly_warns_of_duplicates_and_shows_the_score_impact(
    admin, world
):
    from datetime import date

    tb = factories.criterion(world.drive, "TB")
    factories.entry(world.hoa_an, tb, 4, status="verified", activity_date=date(2021, 5, 3),
                    title="Bốn tin bài")
    db.session.commit()
    content = (
        "unit_code,criterion_code,activity_date,quantity,status,phase,channel,title,judge\n"
        "HOAAN,TB,2021-05-03,4,verified,dot2,zalo,Bốn tin bài,thamdinh1\n"
        "BLAM,TB,2021-05-04,6,submitted,dot2,facebook,Sáu tin bài,\n"
        "BLAM,TB,2021-05-04,6,submitted,dot2,facebook,Sáu  tin bài,\n"
    ).encode()
    entries = db.session.scalar(select(func.count()).select_from(Entry))
    response = _upload(admin, "entries", "ket-qua.csv", content)
    assert response.status_code == 200
    page = text_of(response)
    assert ("thêm: LĐLĐ huyện Hòa An · TB Tin, bài, ảnh, video (website, fanpage, Zalo, PT-TH,"
            " báo) · 4 tin bài · ngày 03/05/2021 · đã xác nhận") in page
    assert "chờ thẩm định" in page
    assert "trùng với kết quả số" in page  # line 2 repeats the verified entry
    assert "trùng với dòng 3 của tệp" in page  # line 4 repeats line 3 (spaces aside)
    # Writing it would add 4 verified items to Hòa An's TB: 8 of 30 → 2.67 instead of 1.33;
    # with AN's 5 (no case), Hòa An's total goes from 6.33 to 7.67.
    assert "Ảnh hưởng tới bảng xếp hạng" in page
    assert re.search(r"LĐLĐ huyện Hòa An\s+6,33\s+7,67", page)
    for raw in ("verified", "submitted", "(judge)", "huyen", "None"):
        assert raw not in page.split("Kiểm tra tệp", 1)[1].split("Ghi vào cơ sở dữ liệu")[0]
    assert db.session.scalar(select(func.count()).select_from(Entry)) == entries


def test_units_preview_names_the_kind_and_block(admin, world):
    response = _upload(admin, "units", "don-vi.csv", (
        "code,name,kind,block,parent_code,members,place\n"
        "CS-GTVT,CĐCS Sở Giao thông vận tải,cdcs,cdcs,LDLD-CB,120,\n").encode())
    page = text_of(response)
    assert ("thêm CS-GTVT – CĐCS Sở Giao thông vận tải · Công đoàn cơ sở · "
            "Khối Công đoàn cơ sở trực thuộc · 120 đoàn viên") in page
