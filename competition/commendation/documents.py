"""The commendation's papers as official documents (Decree 30/2020 layout, `reports.docx`).

The submission (tờ trình đề nghị khen thưởng) with its list, and the
decision (quyết định khen thưởng) with the list attached. Both carry the
Trade Union's header — the Vietnam General Confederation of Labour above the
drive's issuer — and draw their grounds (căn cứ) from the drive's data and
the published snapshot, so nothing is retyped. Dates are Vietnam dates.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from competition import clock
from competition.commendation import services
from competition.extensions import db
from competition.labels import CLASSIFICATION_LABELS
from competition.models import AwardRule, Block, Commendation, CommendationItem
from competition.reports.documents import (
    Annex,
    HeaderCell,
    OfficialDocument,
    Preamble,
    Section,
    Table,
)
from competition.scoring import Classification

CONFEDERATION = "Tổng Liên đoàn Lao động Việt Nam"
SYMBOL = "LĐLĐ"
# The start of the snapshot's SHA-256 in the căn cứ line: enough to match the public page's
# full hash, short enough not to stretch a justified line.
HASH_SHOWN = 16


def day_text(day: date) -> str:
    """"10/03/2021": a date inside the text of a decision or submission."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def title_phrase(title: str) -> str:
    """A drive's title inside a sentence: its first letter in lower case."""
    return title[:1].lower() + title[1:] if title else title


def _block_names(items: list[CommendationItem]) -> dict[str, str]:
    codes = {i.block_code for i in items}
    return {b.code: b.name for b in db.session.scalars(select(Block).where(Block.code.in_(codes)))}


def award_table(number: int, rule: AwardRule, items: list[CommendationItem],
                blocks: dict[str, str]) -> Table:
    """One award's list: TT, unit, block, classification, then rank, points and percent."""
    body = [
        [str(i), item.unit.name, blocks.get(item.block_code, item.block_code),
         str(CLASSIFICATION_LABELS[Classification(item.classification)]),
         item.rank, item.total, item.percent]
        for i, item in enumerate(items, start=1)
    ]
    return Table(
        caption=_("%(n)s. %(award)s (%(count)s tập thể)", n=number, award=rule.name,
                  count=len(items)),
        sheet=rule.code[:31],
        header=[[HeaderCell(_("TT")), HeaderCell(_("Tên tập thể")), HeaderCell(_("Khối thi đua")),
                 HeaderCell(_("Xếp loại")), HeaderCell(_("Hạng")), HeaderCell(_("Tổng điểm")),
                 HeaderCell(_("Tỷ lệ (%)"))]],
        rows=body, widths_mm=[10, 48, 36, 28, 12, 15, 16], label_columns=4,
    )


def _award_tables(commendation: Commendation) -> list[Table]:
    lists = services.awarded(commendation)
    blocks = _block_names([i for items in lists.values() for i in items])
    return [award_table(n, rule, items, blocks)
            for n, (rule, items) in enumerate(lists.items(), start=1)]


def _signer(commendation: Commendation) -> list[str]:
    title = commendation.signer_title or services.DEFAULT_SIGNER_TITLE
    return [line.strip() for line in title.splitlines() if line.strip()]


def _grounds(commendation: Commendation) -> list[str]:
    """The căn cứ lines: the union's charter, the plan (number, date, issuer), the published result."""
    drive, snapshot = commendation.drive, commendation.snapshot
    if drive.issued_on:
        plan = _("Căn cứ Kế hoạch số %(code)s ngày %(day)s của %(issuer)s về %(title)s;",
                 code=drive.code, day=day_text(drive.issued_on), issuer=drive.issuer,
                 title=title_phrase(drive.title))
    else:
        plan = _("Căn cứ Kế hoạch số %(code)s của %(issuer)s về %(title)s;", code=drive.code,
                 issuer=drive.issuer, title=title_phrase(drive.title))
    return [
        _("Căn cứ Điều lệ Công đoàn Việt Nam;"),
        plan,
        _("Căn cứ kết quả chấm điểm, xếp hạng thi đua đã công bố ngày %(day)s (công bố lần "
          "%(number)s, mã kiểm tra %(sha)s);",
          day=day_text(clock.local_day(snapshot.published_at)), number=snapshot.number,
          sha=snapshot.sha256[:HASH_SHOWN]),
    ]


def _document_day(commendation: Commendation) -> date:
    return commendation.decision_date or clock.today()


def _number(kind: str, number: str) -> str:
    return _("Số: %(number)s", number=number or f"      /{kind}-{SYMBOL}")


def proposal_document(commendation: Commendation) -> OfficialDocument:
    """Tờ trình đề nghị khen thưởng, with the proposed list (the units on the list now)."""
    drive = commendation.drive
    lists = services.awarded(commendation)
    offers = [_("- %(award)s: %(count)s tập thể;", award=rule.name, count=len(items))
              for rule, items in lists.items()]
    return OfficialDocument(
        issuer=CONFEDERATION, author=drive.issuer,
        number=_number("TTr", commendation.proposal_number),
        place=drive.place, day=_document_day(commendation), kind=_("TỜ TRÌNH"),
        summary=_("Về việc đề nghị khen thưởng các tập thể có thành tích xuất sắc trong %(title)s",
                  title=title_phrase(drive.title)),
        preamble=Preamble(
            addressee=_("Kính gửi: Ban Thường vụ %(issuer)s", issuer=drive.issuer),
            grounds=_grounds(commendation)[1:],
        ),
        sections=[Section("", [
            _("Căn cứ quy định khen thưởng của đợt thi đua và thứ hạng của các đơn vị trong "
              "từng khối, Ban Thi đua - Khen thưởng kính trình Ban Thường vụ xem xét, khen "
              "thưởng các tập thể sau:"),
            *offers,
            _("(Có danh sách kèm theo)"),
        ], _award_tables(commendation))],
        closing=_("Kính trình Ban Thường vụ xem xét, quyết định./."),
        recipients=[_("- Như trên;"), _("- Lưu: VT, TĐKT.")],
        signer_title=_signer(commendation), signer_name=commendation.signer_name,
        filename=f"to-trinh-khen-thuong-{drive.slug}",
        draft=not commendation.locked,
    )


def decision_document(commendation: Commendation) -> OfficialDocument:
    """Quyết định khen thưởng: căn cứ lines, Điều 1–3, nơi nhận, the signer, the list attached."""
    drive = commendation.drive
    lists = services.awarded(commendation)
    total = sum(len(items) for items in lists.values())
    article_one = [
        _("Khen thưởng %(count)s tập thể đã có thành tích xuất sắc trong %(title)s, gồm:",
          count=total, title=title_phrase(drive.title)),
        *[_("%(n)s. Tặng %(award)s cho %(count)s tập thể;", n=n, award=rule.name,
            count=len(items)) for n, (rule, items) in enumerate(lists.items(), start=1)],
        _("(Có danh sách kèm theo)"),
    ]
    number = commendation.decision_number or ""
    issued = (_("Kèm theo Quyết định số %(number)s ngày %(day)s của Ban Thường vụ %(issuer)s",
                number=number, day=day_text(commendation.decision_date), issuer=drive.issuer)
              if commendation.locked else _("Kèm theo dự thảo Quyết định khen thưởng"))
    grounds = _grounds(commendation)
    proposal = (_("Xét đề nghị của Ban Thi đua - Khen thưởng tại Tờ trình số %(number)s.",
                  number=commendation.proposal_number) if commendation.proposal_number
                else _("Xét đề nghị của Ban Thi đua - Khen thưởng."))
    return OfficialDocument(
        issuer=CONFEDERATION, author=drive.issuer,
        number=_number("QĐ", number), place=drive.place, day=_document_day(commendation),
        kind=_("QUYẾT ĐỊNH"),
        summary=_("Về việc khen thưởng các tập thể có thành tích xuất sắc trong %(title)s",
                  title=title_phrase(drive.title)),
        preamble=Preamble(
            authority=_("BAN THƯỜNG VỤ %(issuer)s", issuer=drive.issuer.upper()),
            grounds=[*grounds, proposal],
            decides=_("QUYẾT ĐỊNH:"),
            articles=[
                (_("Điều 1."), article_one),
                (_("Điều 2."), [_("Các tập thể có tên tại Điều 1 được nhận Giấy chứng nhận "
                                  "hình thức khen thưởng và tiền thưởng theo quy định hiện "
                                  "hành về công tác thi đua, khen thưởng của tổ chức Công đoàn.")]),
                (_("Điều 3."), [_("Văn phòng, các ban của %(issuer)s, các đơn vị có liên quan "
                                  "và các tập thể có tên tại Điều 1 chịu trách nhiệm thi hành "
                                  "Quyết định này./.", issuer=drive.issuer)]),
            ],
        ),
        sections=[], closing="",
        recipients=[_("- Như Điều 3;"), _("- Thường trực %(issuer)s;", issuer=drive.issuer),
                    _("- Lưu: VT, TĐKT.")],
        signer_title=_signer(commendation), signer_name=commendation.signer_name,
        filename=f"quyet-dinh-khen-thuong-{drive.slug}",
        draft=not commendation.locked,
        annexes=[Annex(title=_("DANH SÁCH CÁC TẬP THỂ ĐƯỢC KHEN THƯỞNG"),
                       subtitle=f"({issued})", tables=_award_tables(commendation))],
    )
