"""The commendation pages: full admins only; a scoped admin, judges and reporters get 403.

The cases run in order, each for every role with the full admin last, and
follow the admin's real work: award rules first; a proposal refused before
the result is published; then the result is published (the freeze moved
to 30/4/2021, so the appeal window has ended by the tests' today, 10/5/2021)
and the list is drawn, changed with reasons, decided and printed. Nobody
has entries, so every unit scores 0 and no award is proposed by the rules:
the admin adds the units by hand, as the council may.
"""

from sqlalchemy import select

from competition.extensions import db
from competition.models import AwardRule, Commendation
from tests.access import Case, only, published

PAGE = "/quan-tri/khen-thuong/"


def _spare_rule(world) -> AwardRule:
    """An award rule the admin edits, moves and at last deletes (the same one for every role)."""
    drive = world.drive
    rule = next((r for r in drive.award_rules if r.code == "KT-THU"), None)
    if rule is None:
        rule = AwardRule(code="KT-THU", name="Khen thưởng thử", level="", max_units=1,
                         min_classification="hoan_thanh_xuat_sac", position=len(drive.award_rules))
        drive.award_rules.append(rule)
        db.session.commit()
    return rule


def _rule_path(suffix: str = ""):
    return lambda world: f"{PAGE}hinh-thuc/{_spare_rule(world).id}{suffix}"


def _rule_form(code: str, name: str, block: str = "", max_units: str = "1") -> dict:
    return {"code": code, "name": name, "level": "Ban Chấp hành Liên đoàn Lao động tỉnh Cao Bằng",
            "block": block, "max_units": max_units, "min_classification": "hoan_thanh_tot",
            "min_percent": ""}


def _line_path(unit_attr: str, action: str):
    """The list line of `unit_attr` in the drive's commendation, with `action` (bo, giu)."""
    def build(world) -> str:
        commendation = db.session.scalars(select(Commendation)
                                          .where(Commendation.drive_id == world.drive.id)).one()
        unit = getattr(world, unit_attr)
        item = next(i for i in commendation.items if i.unit_id == unit.id)
        return f"{PAGE}dong/{item.id}/{action}"
    return build


def _add(unit_attr: str, reason: str):
    def data(world) -> dict:
        rule = next(r for r in world.drive.award_rules if r.code == "GK-LĐLĐ")
        return {"unit": getattr(world, unit_attr).code, "award": rule.id, "reason": reason}
    return data


DECISION = {"proposal_number": "45/TTr-LĐLĐ", "decision_number": "120/QĐ-LĐLĐ",
            "decision_date": "2021-05-10", "signer_title": "TM. BAN THƯỜNG VỤ\nCHỦ TỊCH",
            "signer_name": "Hoàng Văn Thạch"}


def cases(world):
    def admin(ok):
        return only("admin", ok=ok)

    return [
        Case("commendation.index", "GET", PAGE, admin(200)),
        # Award rules: the admin adds, edits, reorders and deletes; a bad form is 400.
        Case("commendation.rule_new", "GET", PAGE + "hinh-thuc/moi", admin(200)),
        Case("commendation.rule_new", "POST", PAGE + "hinh-thuc/moi", admin(302),
             data=_rule_form("GK-CDCS", "Giấy khen khối Công đoàn cơ sở", block="cdcs")),
        Case("commendation.rule_new", "POST", PAGE + "hinh-thuc/moi", admin(400),
             data=_rule_form("GK-AM", "Số đơn vị âm", max_units="-1"),
             note="a negative number of units is refused on the form"),
        Case("commendation.rule_edit", "GET", _rule_path(), admin(200)),
        Case("commendation.rule_edit", "POST", _rule_path(), admin(302),
             data=_rule_form("KT-THU", "Khen thưởng thử (đã sửa)", max_units="2")),
        Case("commendation.rule_move", "POST", _rule_path("/thu-tu"), admin(302),
             data={"direction": "up"}),
        Case("commendation.rule_delete", "POST", _rule_path("/xoa"), admin(302),
             note="no list names it yet"),
        # Before the result is published there is nothing to propose, decide or print.
        Case("commendation.propose", "POST", PAGE + "de-xuat", admin(409)),
        Case("commendation.add", "POST", PAGE + "them", admin(404),
             data=_add("dien_luc", "Điển hình tiên tiến")),
        Case("commendation.decide", "POST", PAGE + "quyet-dinh", admin(404), data=DECISION),
        Case("commendation.proposal_file", "GET", PAGE + "to-trinh.docx", admin(404)),
        Case("commendation.decision_file", "GET", PAGE + "quyet-dinh.docx", admin(404)),
        Case("commendation.certificate_file", "GET", PAGE + "giay-khen.docx", admin(404)),
        # Published: the list is drawn, changed with written reasons, decided and printed.
        Case("commendation.propose", "POST", published(PAGE + "de-xuat"), admin(302)),
        Case("commendation.add", "POST", PAGE + "them", admin(302),
             data=_add("dien_luc", "Điển hình tiên tiến trong phong trào của khối")),
        Case("commendation.add", "POST", PAGE + "them", admin(302),
             data=_add("thpt_hoa_an", "Đề nghị của LĐLĐ huyện Hòa An")),
        Case("commendation.add", "POST", PAGE + "them", admin(409),
             data=_add("dien_luc", "Thêm lần nữa"), note="one award per unit"),
        Case("commendation.remove", "POST", _line_path("thpt_hoa_an", "bo"), admin(400),
             data={"reason": "  "}, note="a change needs a written reason"),
        Case("commendation.remove", "POST", _line_path("thpt_hoa_an", "bo"), admin(302),
             data={"reason": "Đã được khen thưởng trong năm"}),
        Case("commendation.keep", "POST", _line_path("dien_luc", "giu"), admin(404),
             data={"reason": "Hội đồng thống nhất"}, note="no tie to settle on this line"),
        Case("commendation.proposal_file", "GET", PAGE + "to-trinh.docx", admin(200)),
        Case("commendation.proposal_file", "GET", PAGE + "to-trinh.odt", admin(404)),
        Case("commendation.certificate_file", "GET", PAGE + "giay-khen.docx", admin(409),
             note="certificates only once the decision is issued"),
        Case("commendation.decide", "POST", PAGE + "quyet-dinh", admin(302),
             data={k: v for k, v in DECISION.items() if k != "decision_number"},
             note="the papers' details saved, the decision not yet issued"),
        Case("commendation.decide", "POST", PAGE + "quyet-dinh", admin(302),
             data={**DECISION, "issue": "1"}),
        Case("commendation.decision_file", "GET", PAGE + "quyet-dinh.docx", admin(200)),
        Case("commendation.certificate_file", "GET", PAGE + "giay-khen.docx", admin(200)),
        Case("commendation.certificate_file", "GET", PAGE + "giay-khen/CS-DIENLUC.docx",
             admin(200)),
        Case("commendation.certificate_file", "GET", PAGE + "giay-khen/CS-THPT-HOAAN.docx",
             admin(404), note="taken off the list: no certificate"),
        Case("commendation.rule_move", "POST",
             lambda w: f"{PAGE}hinh-thuc/{w.drive.award_rules[0].id}/thu-tu", admin(409),
             data={"direction": "down"}, note="the decision locks the award rules"),
    ]
