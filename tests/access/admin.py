"""The admin area: every route is for admins only; anonymous visitors are sent to sign in."""

from itertools import count

from tests import factories
from tests.access import Case, only

_serial = count()


def _fresh_user_path(world) -> str:
    # A new account for each role, so resetting a password never locks out a test user.
    made = factories.user(f"reset-{next(_serial)}", "unit", world.dien_luc)
    return f"/quan-tri/tai-khoan/{made.id}/dat-lai-mat-khau"


def _fresh_c_user_path(world) -> str:
    made = factories.user(f"reset-c-{next(_serial)}", "unit", world.mn_hoa_an)
    return f"/quan-tri/tai-khoan/{made.id}/dat-lai-mat-khau"


def _unit_under(parent_attr: str):
    """A new unit's form under `parent_attr` (a fresh code for each role)."""
    def data(world) -> dict:
        serial = next(_serial)
        return {"code": f"MOI-{serial}", "name": f"CĐCS mới {serial}", "kind": "cdcs",
                "parent_id": getattr(world, parent_attr).id, "block_id": 0,
                "member_count": 20, "active": "y"}
    return data


def _spare_criterion_path(world) -> str:
    criterion = factories.criterion(world.drive, "PL")
    return f"/quan-tri/tieu-chi/{criterion.id}"


def _copy_form(world, code: str) -> dict:
    """The next drive's own settings, its rules copied from the world's drive."""
    return {"source": world.drive.id, "code": code, "title": "Đợt thi đua chào mừng bầu cử 2026",
            "issuer": "Liên đoàn Lao động tỉnh Cao Bằng", "place": "Cao Bằng",
            "starts_on": "20/01/2026", "ends_on": "30/04/2026", "election_day": "15/03/2026"}


def cases(world):
    drive = world.drive
    phase = factories.phase(drive, "dot3")
    block = factories.block("nganh")

    def admin(ok):
        return only("admin", ok=ok)

    def any_admin(ok, district=None):
        """Full and scoped admins; `district` when the scoped one gets another status."""
        expect = only("admin", "district_admin", ok=ok)
        if district is not None:
            expect["district_admin"] = district
        return expect

    return [
        Case("admin.index", "GET", "/quan-tri/", any_admin(200, district=302),
             note="a scoped admin starts at its own units"),
        Case("admin.drive_settings", "GET", "/quan-tri/dot-thi-dua", admin(200)),
        Case("admin.drive_new", "GET", "/quan-tri/dot-thi-dua/moi", admin(200)),
        Case("admin.drive_copy_page", "GET", "/quan-tri/dot-thi-dua/sao-chep", admin(200)),
        Case("admin.drive_copy_page", "POST", "/quan-tri/dot-thi-dua/sao-chep", admin(400),
             data=lambda w: _copy_form(w, w.drive.code), note="the code is the source's own"),
        Case("admin.drive_activate", "POST", f"/quan-tri/dot-thi-dua/{drive.id}/kich-hoat",
             admin(302)),
        # Before the freeze publishing is refused (409) for admins, and closed to everyone else.
        Case("admin.results", "GET", "/quan-tri/ket-qua-chinh-thuc", admin(200)),
        Case("admin.results_publish", "POST", "/quan-tri/ket-qua-chinh-thuc/cong-bo", admin(409)),
        Case("admin.results_withdraw", "POST", "/quan-tri/ket-qua-chinh-thuc/rut-lai", admin(409),
             data={"reason": "Sai sót"}),
        Case("admin.phase_new", "GET", "/quan-tri/dot-tuyen-truyen/moi", admin(200)),
        Case("admin.phase_edit", "GET", f"/quan-tri/dot-tuyen-truyen/{phase.id}", admin(200)),
        Case("admin.phase_delete", "POST", f"/quan-tri/dot-tuyen-truyen/{phase.id}/xoa",
             admin(302)),
        Case("admin.blocks", "GET", "/quan-tri/khoi", admin(200)),
        Case("admin.block_edit", "GET", f"/quan-tri/khoi/{block.id}", admin(200)),
        Case("admin.block_move", "POST", f"/quan-tri/khoi/{block.id}/thu-tu", admin(302),
             data={"direction": "up"}),
        Case("admin.criteria", "GET", "/quan-tri/tieu-chi", admin(200)),
        Case("admin.criterion_new", "GET", "/quan-tri/tieu-chi/moi", admin(200)),
        Case("admin.criterion_edit", "GET", _spare_criterion_path, admin(200)),
        Case("admin.criterion_move", "POST", lambda w: _spare_criterion_path(w) + "/thu-tu",
             admin(302), data={"direction": "down"}),
        Case("admin.criterion_retire", "POST", lambda w: _spare_criterion_path(w) + "/ngung",
             admin(200), note="without confirm: the score-impact preview"),
        Case("admin.criterion_delete", "POST", lambda w: _spare_criterion_path(w) + "/xoa",
             admin(302), note="PL has no entries, so it may be deleted"),
        Case("admin.targets", "GET", "/quan-tri/chi-tieu", any_admin(200)),
        Case("admin.targets_save", "POST", "/quan-tri/chi-tieu", any_admin(302),
             note="nothing changed: back to the grid"),
        Case("admin.targets_save", "POST", "/quan-tri/chi-tieu", any_admin(200, district=403),
             data=lambda w: {f"u-{w.bao_lam.id}-{factories.criterion(w.drive, 'HN').id}": "7"},
             note="a target of a unit outside Hòa An (the full admin sees the preview)"),
        Case("admin.targets_paste", "POST", "/quan-tri/chi-tieu/dan-cot", any_admin(400)),
        Case("admin.units", "GET", "/quan-tri/don-vi", any_admin(200)),
        Case("admin.unit_new", "GET", "/quan-tri/don-vi/moi", any_admin(200)),
        Case("admin.unit_new", "POST", "/quan-tri/don-vi/moi", any_admin(302),
             data=_unit_under("hoa_an"), note="a grassroots union under Hòa An"),
        Case("admin.unit_new", "POST", "/quan-tri/don-vi/moi", any_admin(302, district=400),
             data=_unit_under("bao_lam"), note="under Bảo Lâm: outside Hòa An"),
        Case("admin.unit_edit", "GET", f"/quan-tri/don-vi/{world.bao_lam.id}",
             any_admin(200, district=403)),
        Case("admin.unit_edit", "GET", f"/quan-tri/don-vi/{world.mn_hoa_an.id}", any_admin(200)),
        Case("admin.users", "GET", "/quan-tri/tai-khoan", any_admin(200)),
        Case("admin.user_new", "GET", "/quan-tri/tai-khoan/moi", any_admin(200)),
        Case("admin.user_edit", "GET", f"/quan-tri/tai-khoan/{world.reporter_bao_lam.id}",
             any_admin(200, district=403)),
        Case("admin.user_edit", "GET", f"/quan-tri/tai-khoan/{world.reporter_mn.id}",
             any_admin(200)),
        Case("admin.user_reset_password", "POST", _fresh_user_path, any_admin(200, district=403)),
        Case("admin.user_reset_password", "POST", _fresh_c_user_path, any_admin(200)),
        Case("admin.import_upload", "GET", "/quan-tri/nhap-du-lieu", admin(200)),
        Case("admin.import_commit", "POST", "/quan-tri/nhap-du-lieu/ghi", admin(409),
             data={"kind": "units", "token": "khong-co"}),
        Case("admin.backup_page", "GET", "/quan-tri/sao-luu", admin(200)),
        Case("admin.backup_download", "GET", "/quan-tri/sao-luu/tai-ve", admin(200)),
        Case("admin.restore_upload", "POST", "/quan-tri/sao-luu/khoi-phuc", admin(400)),
        Case("admin.restore_commit", "POST", "/quan-tri/sao-luu/khoi-phuc/xac-nhan", admin(409),
             data={"token": "khong-co"}),
        Case("admin.audit_log", "GET", "/quan-tri/nhat-ky", admin(200)),
        # Last: the copy becomes the active drive, which every case above is about.
        Case("admin.drive_copy_page", "POST", "/quan-tri/dot-thi-dua/sao-chep", admin(302),
             data=lambda w: _copy_form(w, "15/KH-LĐLĐ")),
    ]
