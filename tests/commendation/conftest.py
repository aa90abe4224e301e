"""A published result whose figures are set by hand, so every proposed list can be worked out.

The default drive's award rules apply: Bằng khen (BK-TLĐ) for 1 unit per block,
Hoàn thành xuất sắc and at least 90 %; Giấy khen (GK-LĐLĐ) for 3 units per
block, Hoàn thành tốt or better.

    huyen  1 HOAAN 96 XS · 2 BLAM 92 XS · 3 HQ 85 TỐT · 4 TK 80 TỐT · 4 HL 80 TỐT · 6 NB 75 TỐT
    nganh  1 CDN-GD 91 XS
    cdcs   1 CS-DIENLUC 80 TỐT · 2 CS-THPT-HOAAN 40 CHƯA HT

By hand: Bằng khen → HOAAN (huyen), CDN-GD (nganh); nobody in cdcs (TỐT only).
Giấy khen, huyen: HOAAN already has the Bằng khen; BLAM, HQ, then the third
place falls on TK and HL, tied 4th → BLAM, HQ proposed, TK and HL flagged;
NB stays out. cdcs: CS-DIENLUC. nganh: nobody left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from competition.extensions import db
from competition.models import Drive, ResultSnapshot, Unit
from competition.results import payload_sha256
from tests import factories

XS, TOT, HT, CHT = "hoan_thanh_xuat_sac", "hoan_thanh_tot", "hoan_thanh", "chua_hoan_thanh"
# 09:00 on 10/7/2021, Vietnam time (stored as UTC, as every moment is).
PUBLISHED_AT = datetime(2021, 7, 10, 2, 0)


def _row(rank: int, unit: Unit, percent: str, classification: str) -> dict:
    return {"rank": rank, "unit_code": unit.code, "unit_name": unit.name, "total": percent,
            "percent": percent, "classification": classification, "criteria_at_target": 5,
            "points": {"KH": "5.00"}}


@dataclass
class Published:
    drive: Drive
    snapshot: ResultSnapshot
    units: dict[str, Unit]


def publish_by_hand(drive: Drive, blocks: list[tuple[str, str, list[dict]]],
                    number: int = 1) -> ResultSnapshot:
    """A snapshot as the publication stores it, with the figures given."""
    payload = {
        "drive": {"code": drive.code, "title": drive.title}, "number": number,
        "published_at": PUBLISHED_AT.isoformat(), "rank_by": "total",
        "blocks": [{"code": code, "name": name, "organiser": None, "standings": rows}
                   for code, name, rows in blocks],
    }
    snapshot = ResultSnapshot(drive_id=drive.id, number=number, published_at=PUBLISHED_AT,
                              payload=payload, sha256=payload_sha256(payload))
    drive.published_at = PUBLISHED_AT
    db.session.add(snapshot)
    db.session.commit()
    return snapshot


@pytest.fixture
def published(world) -> Published:
    province = world.hoa_an.parent
    more = {code: factories.unit(code, f"LĐLĐ huyện {name}", "huyen", province, 1500)
            for code, name in (("HQ", "Hà Quảng"), ("TK", "Trùng Khánh"), ("HL", "Hạ Lang"),
                               ("NB", "Nguyên Bình"))}
    units = {"HOAAN": world.hoa_an, "BLAM": world.bao_lam, "CDN-GD": world.giao_duc,
             "CS-DIENLUC": world.dien_luc, "CS-THPT-HOAAN": world.thpt_hoa_an, **more}
    snapshot = publish_by_hand(world.drive, [
        ("huyen", "Khối LĐLĐ huyện, thành phố", [
            _row(1, units["HOAAN"], "96.00", XS), _row(2, units["BLAM"], "92.00", XS),
            _row(3, units["HQ"], "85.00", TOT), _row(4, units["TK"], "80.00", TOT),
            _row(4, units["HL"], "80.00", TOT), _row(6, units["NB"], "75.00", TOT)]),
        ("nganh", "Khối Công đoàn ngành và Công đoàn Viên chức", [
            _row(1, units["CDN-GD"], "91.00", XS)]),
        ("cdcs", "Khối Công đoàn cơ sở trực thuộc", [
            _row(1, units["CS-DIENLUC"], "80.00", TOT),
            _row(2, units["CS-THPT-HOAAN"], "40.00", CHT)]),
    ])
    return Published(drive=world.drive, snapshot=snapshot, units=units)
