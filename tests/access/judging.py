"""Routes of the judges' area; the judge from Hòa An may look at unit A but never act on it.

Hòa An's council (district_judge, and district_admin) verifies unit C of Hòa An's own block
and only looks at A (ranked by the province); the province's judges only look at C.
"""

from competition.models import EntryStatus
from tests import factories
from tests.access import DISTRICT, Case, only
from tests.entries import support

STAFF = ("judge", "judge_parent", "admin", *DISTRICT)
ACTING = ("judge", "admin")
ON_C = ("admin", *DISTRICT)  # who acts on unit C: its council, and the drive's full admin


def _a_submitted(world):
    return factories.entry(world.thpt_hoa_an, factories.criterion(world.drive, "KH"), 1,
                           status=EntryStatus.SUBMITTED)


def _c_submitted(world):
    return factories.entry(world.mn_hoa_an, factories.criterion(world.drive, "KH"), 1,
                           status=EntryStatus.SUBMITTED)


def _acting_only(ok: int = 302) -> dict:
    """Judges without a conflict act; Hòa An's judge (A's parent) and reporters get 403."""
    return only(*ACTING, ok=ok)


def _penalty_for_a(world) -> dict:
    return support.entry_data(factories.criterion(world.drive, "AN"), quantity="1",
                              unit=world.thpt_hoa_an.id)


def cases(world):
    return [
        Case("judging.queue", "GET", "/tham-dinh/?block=1", only(*STAFF)),
        Case("judging.queue", "GET", "/tham-dinh/?cap-duoi=1", only(*STAFF),
             note="units under the council, read-only"),
        Case("judging.entry", "GET", lambda w: f"/tham-dinh/ket-qua/{_c_submitted(w).id}",
             only(*STAFF), note="the province looks at C read-only"),
        Case("judging.decide", "POST",
             lambda w: f"/tham-dinh/ket-qua/{_c_submitted(w).id}/xac-nhan",
             only(*ON_C, ok=302), data={"version": 2},
             note="only Hòa An's council (and the full admin) verifies C"),
        Case("judging.verify_many", "POST", "/tham-dinh/xac-nhan-nhieu", only(*ON_C, ok=302),
             data=lambda w: {"entries": [f"{_c_submitted(w).id}:2"]}),
        Case("judging.entry", "GET", lambda w: f"/tham-dinh/ket-qua/{_a_submitted(w).id}",
             only(*STAFF), note="a conflicted judge may look, not act"),
        Case("judging.decide", "POST",
             lambda w: f"/tham-dinh/ket-qua/{_a_submitted(w).id}/xac-nhan",
             _acting_only(), data={"version": 2}),
        Case("judging.decide", "POST",
             lambda w: f"/tham-dinh/ket-qua/{_a_submitted(w).id}/tra-lai",
             _acting_only(), data={"version": 2, "reason": "Bổ sung ảnh"}),
        Case("judging.verify_many", "POST", "/tham-dinh/xac-nhan-nhieu", _acting_only(),
             data=lambda w: {"entries": [f"{_a_submitted(w).id}:2"]}),
        Case("judging.assessments", "GET", "/tham-dinh/cham-diem?block=cdcs", only(*STAFF)),
        Case("judging.assessments", "POST", "/tham-dinh/cham-diem?block=cdcs",
             only(*STAFF, ok=302), note="an empty grid saves nothing"),
        Case("judging.penalty", "GET", "/tham-dinh/vi-pham/moi", only(*STAFF)),
        Case("judging.penalty", "POST", "/tham-dinh/vi-pham/moi", _acting_only(),
             data=_penalty_for_a),
    ]
