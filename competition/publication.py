"""Publishing the final results: the end of the freeze.

From the drive's freeze time the public sees the board as of the freeze
(`standings.public_cutoff`); publishing lifts that, so the public sees the
live board again, now final. It is one audited action of an admin, done in
the caller's transaction like every life-cycle change (the caller commits).
"""

from __future__ import annotations

from competition import audit, standings
from competition.clock import now
from competition.lifecycle import Forbidden, TransitionError
from competition.models import Drive, User


def publish_results(drive: Drive, actor: User) -> None:
    """Mark the drive's results published; the public board jumps to the live standings.

    Raises `Forbidden` (403) for anyone but an admin and `TransitionError`
    (409, code "already_published") when the results are already out.
    """
    if not (actor.is_authenticated and actor.is_admin):
        raise Forbidden("forbidden")
    if drive.published_at is not None:
        raise TransitionError("already_published")
    moment = now()
    before = {"published_at": None, "freeze_at": drive.freeze_at}
    drive.published_at = moment
    standings.bump_version(drive.id)
    audit.record(
        "drive.publish", drive, before=before,
        after={"published_at": moment, "freeze_at": drive.freeze_at}, actor=actor,
    )
