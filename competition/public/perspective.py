"""Which board a reader sees: the public one (held at the freeze) or, for staff, the live one.

One place decides it, so every public page and the API agree on what the
public may see between the freeze and the publication of the results.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import request
from flask_login import current_user

from competition import standings
from competition.models import Block, Drive
from competition.standings.pages import ComputedBoard, KeptBoard, live_board


@dataclass(frozen=True)
class Perspective:
    drive: Drive
    # The moment the boards show; None is the live board.
    cutoff: datetime | None
    # The public board is held at the freeze (results not yet published).
    frozen: bool
    # A signed-in admin or judge, who always sees the live board.
    staff: bool

    @property
    def staff_live(self) -> bool:
        """Staff are looking at numbers the public cannot see yet."""
        return self.staff and self.frozen

    @property
    def key(self) -> str:
        """What tells this perspective's pages apart from another's (for ETags)."""
        return f"{'staff' if self.staff else 'public'}:{self.cutoff.isoformat() if self.cutoff else 'live'}"

    def board(self, block: Block) -> KeptBoard | ComputedBoard:
        """The block's board as this reader sees it: the live one kept in the standing rows,
        or the one as of the freeze."""
        if self.cutoff is None:
            return live_board(self.drive, block)
        rows = standings.standings(self.drive, self.cutoff, block.code).get(block.code, [])
        return ComputedBoard(block, rows)


def signed_in() -> bool:
    """Whether the reader is signed in.

    Sign-in rides on a cookie (the session or remember-me), so a request with
    no cookie and no Authorization header is anonymous without loading a user:
    most public readers, and every one the page cache serves.
    """
    if not request.cookies and "Authorization" not in request.headers:
        return False
    return current_user.is_authenticated


def perspective(drive: Drive, public_only: bool = False) -> Perspective:
    """The reader's perspective; `public_only` for the open API, which always shows the public board."""
    public_cutoff = standings.public_cutoff(drive)
    staff = not public_only and signed_in() and current_user.is_staff
    return Perspective(
        drive=drive,
        cutoff=None if staff else public_cutoff,
        frozen=public_cutoff is not None,
        staff=staff,
    )
