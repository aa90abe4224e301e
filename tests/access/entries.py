"""Routes of the reporters' area: each role, including another unit's reporter."""

from competition import uploads
from competition.extensions import db
from competition.models import EntryStatus
from tests import factories
from tests.access import Case, only
from tests.entries import support

REPORTERS = ("reporter_a", "reporter_b")


def _a_entry(world, status=EntryStatus.DRAFT):
    """A fresh entry of unit A (CS-THPT-HOAAN), so each role meets it untouched."""
    return factories.entry(world.thpt_hoa_an, factories.criterion(world.drive, "KH"), 1,
                           status=status)


def _own_only(ok: int) -> dict:
    """Unit A's reporter gets `ok`; B's reporter sees no such entry; staff are not reporters."""
    return {**only("reporter_a", ok=ok), "reporter_b": 404}


def _a_evidence_path(world) -> str:
    entry = _a_entry(world, EntryStatus.SUBMITTED)
    with uploads.staging() as staged:
        checked = uploads.CheckedFile("anh.png", uploads.PNG, support.png())
        entry.evidence.append(staged.add(checked))
        db.session.commit()
    staged.place()
    return f"/don-vi/minh-chung/{entry.evidence[0].id}"


def _new_entry(world) -> dict:
    return support.entry_data(factories.criterion(world.drive, "KH"), quantity="1")


def cases(world):
    return [
        Case("entries.dashboard", "GET", "/don-vi/", only(*REPORTERS)),
        Case("entries.index", "GET", "/don-vi/ket-qua?status=draft&month=2021-04",
             only(*REPORTERS)),
        Case("entries.create", "GET", "/don-vi/ket-qua/moi", only(*REPORTERS)),
        Case("entries.create", "POST", "/don-vi/ket-qua/moi", only(*REPORTERS, ok=302),
             data=_new_entry, note="each reporter creates for their own unit"),
        Case("entries.show", "GET", lambda w: f"/don-vi/ket-qua/{_a_entry(w).id}", _own_only(200)),
        Case("entries.edit", "GET", lambda w: f"/don-vi/ket-qua/{_a_entry(w).id}/sua",
             _own_only(200)),
        Case("entries.edit", "POST", lambda w: f"/don-vi/ket-qua/{_a_entry(w).id}/sua",
             _own_only(302), data=lambda w: {**_new_entry(w), "version": 1}),
        Case("entries.delete", "POST", lambda w: f"/don-vi/ket-qua/{_a_entry(w).id}/xoa",
             _own_only(302), data={"version": 1}),
        Case("entries.submit", "POST", lambda w: f"/don-vi/ket-qua/{_a_entry(w).id}/gui",
             _own_only(302), data={"version": 1}),
        Case("entries.submit_many", "POST", "/don-vi/ket-qua/gui", _own_only(302),
             data=lambda w: {"entries": [f"{_a_entry(w).id}:1"]}),
        Case("entries.evidence", "GET", _a_evidence_path,
             {"anonymous": 404, "reporter_a": 200, "reporter_b": 404, "judge": 200,
              "judge_parent": 200, "admin": 200, "district_judge": 200, "district_admin": 200},
             note="a private file of an unverified entry (A is under Hòa An)"),
    ]
