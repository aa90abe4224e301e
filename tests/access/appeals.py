"""Routes of the appeals area: units file, staff decide; a reporter never sees another unit's appeal."""

from competition.extensions import db
from competition.models import Appeal, AppealStatus, EntryStatus
from tests import factories
from tests.access import DISTRICT, Case, only

SIGNED_IN = ("reporter_a", "reporter_b", "judge", "judge_parent", "admin", *DISTRICT)


def _appeal_of_a(world) -> str:
    """An open appeal of unit A (made directly: the window is closed on the tests' today)."""
    entry = factories.entry(world.thpt_hoa_an, factories.criterion(world.drive, "KH"), 1,
                            status=EntryStatus.REJECTED)
    appeal = Appeal(drive_id=world.drive.id, unit_id=world.thpt_hoa_an.id, entry=entry,
                    kind="rejected", reason="Có kế hoạch", status=AppealStatus.OPEN,
                    original_value="1", original_decider_id=entry.decided_by_id)
    db.session.add(appeal)
    db.session.commit()
    return f"/khieu-nai/{appeal.id}"


def cases(world):
    unit_b_sees_404 = {**only(*SIGNED_IN), "reporter_b": 404}
    # The province judge rejected the entry (own decision), the Hòa An judge is conflicted:
    # only the admin, a third member, decides it.
    decide = {**only("admin", ok=302), "reporter_b": 404}
    return [
        Case("appeals.index", "GET", "/khieu-nai/", only(*SIGNED_IN)),
        # Outside the appeal window unit A's own appeal is refused with 409; unit B may not
        # appeal A's entry at all.
        Case("appeals.create", "POST", "/khieu-nai/moi", only("reporter_a", ok=409),
             data=lambda w: {"entry_id": factories.entry(
                 w.thpt_hoa_an, factories.criterion(w.drive, "KH"), 1,
                 status=EntryStatus.REJECTED).id, "reason": "Có kế hoạch"}),
        Case("appeals.show", "GET", _appeal_of_a, unit_b_sees_404),
        Case("appeals.show", "POST", _appeal_of_a, decide,
             data={"outcome": "uphold", "reason": "Đúng quy định"},
             note="the deciding judge may not decide; the Hòa An judge is conflicted"),
    ]
