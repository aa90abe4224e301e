"""The open data API: the public board, a unit, the propaganda activities, and its own description.

Anyone may read it, signed in or not, and it always shows the public board
(held at the freeze until the results are published). Exact decimals
(points, percents, targets) are JSON strings such as "12.50", so no reader
loses a cent to floating point; counts are JSON integers. docs/api.md
describes every field.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from flask import Response, abort, current_app, jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from competition import history, scoring, standings, tables
from competition.api import bp
from competition.api.openapi import openapi_document
from competition.commendation import official, services
from competition.entry_rules import CHANNEL_NAMES
from competition.extensions import db
from competition.labels import CLASSIFICATION_LABELS
from competition.memo import not_shared
from competition.models import Drive, Entry, ResultSnapshot, Unit
from competition.public import queries, scopes
from competition.public.freshness import conditional, current_drive, current_perspective
from competition.public.views import declared_standing, leaderboard_table
from competition.results import current_snapshot, snapshots

PLACES = Decimal("0.0001")
CENT = Decimal("0.01")


def decimal(value: Decimal | None, places: Decimal | None = None) -> str | None:
    """An exact decimal as a string; ratios and achievements are rounded half-up to `places`."""
    if value is None:
        return None
    if places is not None:
        value = value.quantize(places, rounding=ROUND_HALF_UP)
    return str(value)


def points(value: Decimal | None) -> str | None:
    """A point value or a percent, always with two decimals ("0.00", never "0")."""
    return decimal(value, CENT)


def moment(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _drive() -> Drive:
    drive = current_drive()
    if drive is None:
        abort(404, _("Chưa có đợt thi đua."))
    return drive


def drive_json(drive: Drive) -> dict:
    view = current_perspective()
    return {
        "code": drive.code,
        "title": drive.title,
        "issuer": drive.issuer,
        "starts_on": moment(drive.starts_on),
        "ends_on": moment(drive.ends_on),
        "election_day": moment(drive.election_day),
        "freeze_at": moment(drive.freeze_at),
        "published_at": moment(drive.published_at),
        "frozen": view.frozen,
        "rank_by": drive.rank_by,
        "as_of": moment(history.moment_of(view.cutoff)),
        # The live board's counter; null from the freeze on, when what the API shows is
        # held (it moves only through appeals, listed in the change log; ETags still change).
        "standings_version": None if view.cutoff else standings.current_version(drive.id),
        "result": _snapshot_json(current_snapshot(drive), payload=False),
    }


def _snapshot_json(snapshot: ResultSnapshot | None, payload: bool = True) -> dict | None:
    if snapshot is None:
        return None
    found = {"number": snapshot.number, "published_at": moment(snapshot.published_at),
             "sha256": snapshot.sha256, "withdrawn_at": moment(snapshot.withdrawn_at),
             "withdraw_reason": snapshot.withdraw_reason}
    if payload:
        found["payload"] = snapshot.payload
    return found


def criterion_json(score: scoring.CriterionScore) -> dict:
    return {
        "code": score.code,
        "achieved": decimal(score.achieved, PLACES),
        "target": decimal(score.target),
        "ratio": decimal(score.ratio, PLACES),
        "points": points(score.points),
        "max_points": points(score.max_points),
        "applicable": score.applicable,
        "at_target": score.at_target,
    }


def standing_json(row: scoring.Standing, slug: str) -> dict:
    return {
        "rank": row.rank,
        "unit": {"code": row.unit.code, "name": row.unit.name,
                 "url": url_for("public.unit", slug=slug, _external=True)},
        "total": points(row.total),
        "max_total": points(row.max_total),
        "percent": points(row.percent),
        "classification": row.classification.value,
        "classification_label": str(CLASSIFICATION_LABELS[row.classification]),
        "criteria_met": row.criteria_at_target,
        "criteria": [criterion_json(s) for s in row.scores],
    }


# Rows a page of the board holds unless `limit` says otherwise, and the most it may ask.
PAGE_ROWS = 100
MAX_PAGE_ROWS = 1000
# A drive this small still answers the board whole when no page is asked for (the API's
# first form); a larger one answers its first page and links the next.
WHOLE_BOARD_UNITS = 1000


def _error(message: str, fields: dict[str, str]):
    return jsonify({"error": {"status": 400, "message": message, "fields": fields}}), 400


def _whole_number(name: str, default: int | None, highest: int) -> int | None:
    """`?<name>=`: a whole number from 0 to `highest`, else ValueError naming the field."""
    raw = request.args.get(name, "").strip()
    if raw == "":
        return default
    if not raw.isdigit() or int(raw) > highest:
        raise ValueError(name)
    return int(raw)


def _paging(drive: Drive) -> tuple[int, int | None]:
    """(offset, limit) of the rows asked for; limit None is the whole board (small drives only)."""
    asked = "limit" in request.args or "offset" in request.args
    whole = not asked and standings.ranked_unit_count() <= WHOLE_BOARD_UNITS
    limit = _whole_number("limit", None if whole else PAGE_ROWS, MAX_PAGE_ROWS)
    if limit == 0:
        raise ValueError("limit")
    return _whole_number("offset", 0, 2**31 - 1), limit


def _criteria_json(drive: Drive) -> list[dict]:
    return [
        {"code": c.code, "name": c.name, "measure": c.measure, "unit_label": c.unit_label,
         "max_points": points(c.max_points)}
        for c in standings.scored_criteria(drive)
    ]


@bp.route("/leaderboard")
@conditional(public_only=True, depends=scopes.api_board)
def leaderboard():
    """A page of every block, or of `?block=<code>`: rows `offset` to `offset + limit`.

    Each block says its size and the address of its next page. The whole of a
    large block is the export (`/leaderboard/<block>.ndjson.gz`, `.csv.gz`).
    """
    drive = _drive()
    chosen = request.args.get("block", "").strip()
    if chosen and chosen not in standings.ranked_blocks():
        return _error(_("Bộ lọc không hợp lệ."), {"block": _("Không có khối thi đua này.")})
    try:
        offset, limit = _paging(drive)
    except ValueError as wrong:
        message = (_("Số dòng mỗi trang từ 1 đến %(n)s.", n=MAX_PAGE_ROWS)
                   if str(wrong) == "limit" else _("Vị trí bắt đầu phải là số nguyên không âm."))
        return _error(_("Bộ lọc không hợp lệ."), {str(wrong): message})
    view = current_perspective()
    blocks = {b.code: b for b in standings.blocks()}
    found = []
    for code in [chosen] if chosen else standings.ranked_blocks():
        board = view.board(blocks[code])
        size = board.size()
        page = board.page(offset, limit if limit is not None else size)
        end = offset + len(page.rows)
        found.append({
            "code": code, "name": blocks[code].name, "size": size, "offset": offset,
            "next": url_for("api.leaderboard", block=code, offset=end, limit=limit,
                            _external=True) if limit is not None and end < size else None,
            "export": url_for("api.leaderboard_export", block_code=code, _external=True),
            "rows": [standing_json(row, page.units[row.unit.code].slug) for row in page.rows],
        })
    if limit is not None and (offset % limit or all(offset >= block["size"] for block in found)):
        # An offset between pages or past every block's end: answered, never cached.
        not_shared()
    return jsonify({"drive": drive_json(drive), "criteria": _criteria_json(drive),
                    "limit": limit, "blocks": found})


@bp.route("/leaderboard/<block_code>.ndjson.gz", defaults={"fmt": "ndjson.gz"})
@bp.route("/leaderboard/<block_code>.csv.gz", defaults={"fmt": "csv.gz"})
@conditional(public_only=True, depends=scopes.export)
def leaderboard_export(block_code: str, fmt: str):
    """A whole block, gzip-compressed: one JSON standing per line, or the board's CSV.

    Made once per version of the block (the page cache keeps the compressed
    bytes), read from the standing rows in batches and compressed as it goes.
    """
    if block_code not in standings.ranked_blocks():
        abort(404, _("Không có khối thi đua này."))
    drive = _drive()
    block = next(b for b in standings.blocks() if b.code == block_code)
    board = current_perspective().board(block)
    if fmt == "ndjson.gz":
        lines = (json.dumps(standing_json(row, unit.slug), ensure_ascii=False) + "\n"
                 for row, unit in board.every())
    else:
        rows = (row for row, _unit in board.every())
        header, body = leaderboard_table(drive, rows, standings.scored_criteria(drive))
        lines = tables.csv_lines(header, body)
    response = Response(tables.gzipped(lines), mimetype="application/gzip")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="bang-xep-hang-{block_code}.{fmt.split(".")[0]}.gz"')
    return response


@bp.route("/units/<code>")
@conditional(public_only=True, depends=scopes.unit_page)
def unit(code: str):
    drive = _drive()
    found = db.session.scalars(select(Unit).where(Unit.code == code)).first()
    view = current_perspective()
    ranked = found is not None and found.block is not None and found.active
    board = view.board(found.block) if ranked else None
    standing = board.standing(found.id) if board is not None else None
    if standing is None:
        abort(404, _("Không có đơn vị xếp hạng mang mã này."))
    written = board.written([standing])
    series = history.points_over_time(drive, view.cutoff, [standing], written)
    declared = declared_standing(drive, found, view.cutoff)
    phases = {p.code: p.name for p in drive.phases}
    return jsonify({
        "drive": drive_json(drive),
        "block": {"code": found.block.code, "name": found.block.name},
        "parent": {"code": found.parent.code, "name": found.parent.name} if found.parent else None,
        "standing": standing_json(standing, found.slug),
        "declared": {"total": points(declared.total), "percent": points(declared.percent),
                     "criteria": [criterion_json(s) for s in declared.scores]},
        "history": [{"date": moment(day), "total": points(total)}
                    for day, total in zip(series.days, series.of(code), strict=True)],
        "propaganda": [
            {"phase": phase, "phase_name": phases.get(phase), "channel": channel,
             "channel_name": CHANNEL_NAMES.get(channel, channel), "activities": n, "quantity": q}
            for phase, channel, n, q in queries.unit_propaganda(drive, found, view.cutoff, written)
        ],
    })


def activity_json(entry: Entry) -> dict:
    return {
        "id": entry.id,
        "activity_date": moment(entry.activity_date),
        "verified_at": moment(entry.verified_at),
        "unit": {"code": entry.unit.code, "name": entry.unit.name},
        "criterion": entry.criterion.code,
        "phase": entry.phase.code if entry.phase else None,
        "channel": entry.channel,
        "channel_name": CHANNEL_NAMES.get(entry.channel) if entry.channel else None,
        "title": entry.title,
        "quantity": entry.counted_quantity,
        "people_reached": entry.people_reached,
    }


@bp.route("/propaganda")
@conditional(public_only=True, depends=scopes.propaganda)
def propaganda():
    drive = _drive()
    view = current_perspective()
    chosen = queries.parse_filter(request.args, drive, current_app.config["ENTRIES_PER_PAGE"])
    if chosen.errors:
        return jsonify({"error": {"status": 400, "message": _("Bộ lọc không hợp lệ."),
                                  "fields": chosen.errors}}), 400
    page = queries.propaganda_page(drive, view.cutoff, chosen)
    return jsonify({
        "drive": drive_json(drive),
        "filters": chosen.args,
        "page": page.page,
        "per_page": page.per_page,
        "pages": page.pages,
        "total": page.total,
        "items": [activity_json(e) for e in page.items],
    })


@bp.route("/openapi.json")
@conditional(public_only=True)
def openapi():
    return jsonify(openapi_document())


@bp.route("/results")
@conditional(public_only=True)
def results():
    """The official result: the published snapshot in force (verbatim, so anyone can recompute
    its SHA-256 from `payload`; null before publication or after a withdrawal), every earlier
    publication, and the awards of the issued decision."""
    drive = _drive()
    result = official.official_result(drive)
    decision = result.decision if result is not None else None
    return jsonify({
        "drive": {**drive_json(drive), "slug": drive.slug},
        "current": _snapshot_json(current_snapshot(drive)),
        "history": [_snapshot_json(s, payload=False) for s in snapshots(drive)],
        "decision": None if decision is None else {
            "number": decision.decision_number, "date": moment(decision.decision_date),
            "signer_title": decision.signer_title, "signer_name": decision.signer_name,
        },
        "awards": [
            {"code": rule.code, "name": rule.name, "level": rule.level,
             "units": [{"code": i.unit.code, "name": i.unit.name, "block": i.block_code,
                        "rank": i.rank} for i in items]}
            for rule, items in (services.awarded(decision).items() if decision else [])
        ],
    })


@bp.route("/drives")
@conditional(public_only=True)
def drives():
    """Every drive on record, newest first, with the address of its pages and its results."""
    return jsonify({"drives": [
        {"code": d.code, "title": d.title, "slug": d.slug, "starts_on": moment(d.starts_on),
         "active": d.is_active,
         "url": url_for("public.index", drive_slug=d.slug, _external=True),
         "results": url_for("api.results", drive=d.slug, _external=True)}
        for d in queries.drives_on_record()
    ]})
