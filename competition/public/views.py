"""The public pages."""

from __future__ import annotations

from flask import render_template

from competition import standings
from competition.clock import today
from competition.public import bp


@bp.route("/")
def index():
    drive = standings.active_drive()
    if drive is None:
        return render_template("public/empty.html")
    board = standings.public_standings(drive)
    return render_template(
        "public/index.html",
        drive=drive,
        board=board,
        blocks={b.code: b for b in standings.blocks()},
        criteria=standings.scored_criteria(drive),
        today=today(),
        frozen=standings.public_cutoff(drive) is not None,
    )
