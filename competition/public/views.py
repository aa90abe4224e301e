"""The public pages: home, leaderboard, unit pages, the propaganda feed, the change log.

No sign-in. Points come only from the standings service through the
reader's perspective (`perspective.py`): the public board (held at the
freeze until publication) for everyone, the live board for staff.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import abort, current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from competition import clock, hierarchy, history, standings, tables
from competition.cache import cached
from competition.clock import today
from competition.commendation import official
from competition.entry_rules import CHANNEL_NAMES
from competition.extensions import db
from competition.imports import slugify
from competition.labels import CLASSIFICATION_LABELS
from competition.memo import not_shared
from competition.models import Unit
from competition.public import charts, queries, route, rules, scopes
from competition.public.freshness import conditional, current_drive, current_perspective
from competition.public.scopes import top_block_codes
from competition.reports.docx import docx_bytes
from competition.reports.pdf import PdfUnavailable, docx_to_pdf
from competition.results import public_record
from competition.security import database_id

TOP_UNITS = 5
# Rows of a board page: each carries its criteria's progress, so fifty keep a page light on
# a phone (about 280 KB for a national block) and quick to make after every verification.
LEADERBOARD_PER_PAGE = 50
# Bars a phone can still label: the bar chart shows the first rows of the page.
CHART_ROWS = 20
SEARCH_MAX_LENGTH = 100
CHANGES_PER_PAGE = 30
UNIT_ENTRIES_PER_PAGE = 20
# Up to this many ranked units, the propaganda feed's unit filter is a list to choose from.
UNIT_CHOICES = 1000
# The entries area serves evidence files (public ones to anyone); without it, names only.
EVIDENCE_ENDPOINTS = ("entries.evidence_file", "entries.evidence")


def _drive_or_empty():
    drive = current_drive()
    if drive is None:
        abort(404)
    return drive


def _page_number() -> int:
    """`?page=`: a whole number from 1 that the database can hold (it may reach an OFFSET), else 400."""
    try:
        return database_id(request.args.get("page", "1"))
    except ValueError:
        abort(400, _("Số trang phải là số nguyên dương."))


def _common(drive) -> dict:
    view_point = current_perspective()
    return {
        "drive": drive,
        "view": view_point,
        "blocks": {b.code: b for b in standings.blocks()},
        "channel_names": {str(k): v for k, v in CHANNEL_NAMES.items()},
        "evidence_endpoint": next(
            (e for e in EVIDENCE_ENDPOINTS if e in current_app.view_functions), None
        ),
        "moment": history.moment_of(view_point.cutoff),
        "drives": queries.drives_on_record(),
        "official_record": public_record(drive),
    }


@route("/")
@conditional(depends=scopes.home)
def index():
    drive = current_drive()
    if drive is None:
        return render_template("public/empty.html")
    view = current_perspective()
    blocks = _common_blocks()
    # A block renamed since the list was cached is simply not shown until the list is made again.
    tops = {code: view.board(blocks[code]).top(TOP_UNITS) for code in top_block_codes()
            if code in blocks}
    board = {code: page.rows for code, page in tops.items()}
    context = _common(drive)
    channels = queries.by_channel(drive, view.cutoff)
    top_charts = {
        code: charts.totals_chart(rows[:TOP_UNITS], _("Tổng điểm"))
        for code, rows in board.items()
    }
    return render_template(
        "public/index.html",
        **context,
        board=board,
        top_units=TOP_UNITS,
        top_charts=top_charts,
        today=today(),
        channels=channels,
        channel_chart=charts.channel_chart(channels, context["channel_names"], _("Số hoạt động")),
        latest=queries.latest(drive, view.cutoff),
        units={code: unit for page in tops.values() for code, unit in page.units.items()},
    )


def _common_blocks() -> dict:
    return {b.code: b for b in standings.blocks()}


def lower_boards() -> list:
    """Blocks organised by districts and sector unions (with ranked units), in block order."""
    present = set(standings.ranked_blocks())
    lower = hierarchy.lower_block_ids()
    return [b for b in standings.blocks() if b.code in present and b.id in lower]


def _block_board(block_code: str | None):
    """The block asked for (else the first) and its board as the reader sees it."""
    codes = standings.ranked_blocks()
    if not codes:
        abort(404)
    block_code = block_code or (top_block_codes() or codes)[0]
    if block_code not in codes:
        abort(404)
    return block_code, current_perspective().board(_common_blocks()[block_code])


def _name_key(text: str) -> str:
    """What a search by unit name compares: the slug form, so 'hoa an' finds 'Hòa An'.

    The same slugify as the units' own slugs; a search with no letter or digit
    in it is no search.
    """
    return slugify(text) if any(ch.isalnum() for ch in text) else ""


@route("/bang-xep-hang")
@route("/bang-xep-hang/<block_code>")
@conditional(depends=scopes.leaderboard)
def leaderboard(block_code: str | None = None):
    """One page of a block's board, filtered by district and name; ranks stay the whole block's.

    Only the page's rows are rendered with their criterion details, so a
    block of ten thousand units costs a page of a hundred.
    """
    drive = _drive_or_empty()
    view = current_perspective()
    page_number = _page_number()
    block_code, board = _block_board(block_code)
    parents = board.parents()
    parent = request.args.get("parent", "")
    if parent and parent not in {code for code, _name in parents}:
        abort(400, _("Không có đơn vị cấp trên này trong khối."))
    search = request.args.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    needle = _name_key(search)
    matched = board.count(parent, needle)
    # Past the end, the last page: a stale link still lands (and is not kept in the cache).
    last = max(1, -(-matched // LEADERBOARD_PER_PAGE))
    if page_number > last:
        page_number = last
        not_shared()
    shown = board.page((page_number - 1) * LEADERBOARD_PER_PAGE, LEADERBOARD_PER_PAGE,
                       parent, needle)
    page = queries.Page(shown.rows, matched, page_number, LEADERBOARD_PER_PAGE)
    # The block's top is the head of its first page when that is the page shown.
    first = page_number == 1 and not parent and not needle
    top_page = (standings.BoardPage(shown.rows[:TOP_UNITS], shown.units) if first
                else board.top(TOP_UNITS))
    top_rows = top_page.rows
    units = {**top_page.units, **shown.units}
    series = history.points_over_time(drive, view.cutoff, top_rows, board.written(top_rows))
    top = [r.unit for r in top_rows]
    chosen = {name: value for name, value in (("parent", parent), ("q", search)) if value}
    block = _common_blocks()[block_code]
    criteria = standings.scored_criteria(drive)
    return render_template(
        "public/leaderboard.html",
        **_common(drive),
        block_code=block_code,
        block_codes=top_block_codes(),
        organiser=block.organiser if block.id in hierarchy.lower_block_ids() else None,
        lower_boards=lower_boards(),
        block_size=board.size(),
        page=page,
        units=units,
        parents=parents if len(parents) > 1 else [],
        parent=parent,
        search=search,
        criteria=criteria,
        progress=criteria_progress(drive, board, page.items, criteria),
        changes=history.rank_changes(drive, block, page.items, view.cutoff),
        week_ago=history.rank_reference(view.cutoff),
        chart_rows=page.items[:CHART_ROWS],
        block_chart=charts.totals_chart(page.items[:CHART_ROWS], _("Tổng điểm")),
        series=series,
        top=top,
        series_chart=charts.series_chart(series, top),
        page_link=lambda n: url_for("public.leaderboard", block_code=block_code, **chosen, page=n),
    )


def criteria_progress(drive, board, rows, criteria) -> dict[str, Markup]:
    """Each row's criteria progress (the list under its name), by unit code.

    Rendered once per change of that row (its standing row's `written_at`, the
    rules' version, the day, the language): after a verification in the block,
    the page is made again but only the verified unit's list is rendered anew.
    """
    written = board.written_at(rows)
    stamp = standings.stamp_for(drive.id, None, [])
    locale = str(get_locale())
    found = {}
    for row in rows:
        code = row.unit.code

        def render(row=row) -> str:
            return render_template("public/_criteria_progress.html", row=row, criteria=criteria)

        found[code] = Markup(cached(f"progress:{drive.id}:{code}:{locale}",
                                    f"{stamp};{written[code]}", render)
                             if code in written else render())
    return found


def leaderboard_table(drive, rows, criteria) -> tuple[list[str], list[list]]:
    """The header and rows of a block's download (also what the tests read back)."""
    header = [_("Hạng"), _("Mã đơn vị"), _("Đơn vị"), _("Tổng điểm"), _("Tỷ lệ (%)"),
              _("Xếp loại"), _("Số tiêu chí đạt chỉ tiêu")]
    header += [_("%(code)s – điểm", code=c.code) for c in criteria]
    body = []
    for row in rows:
        body.append([
            row.rank, row.unit.code, row.unit.name, row.total, row.percent,
            str(CLASSIFICATION_LABELS[row.classification]), row.criteria_at_target,
            *[row.score(c.code).points for c in criteria],
        ])
    return header, body


@route("/bang-xep-hang/<block_code>.<fmt>")
@conditional(depends=scopes.leaderboard)
def leaderboard_download(block_code: str, fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    drive = _drive_or_empty()
    block_code, board = _block_board(block_code)
    rows = [row for row, _unit in board.every()]
    header, body = leaderboard_table(drive, rows, standings.scored_criteria(drive))
    block = next(b for b in standings.blocks() if b.code == block_code)
    moment = history.moment_of(current_perspective().cutoff)
    return tables.table_download(
        f"bang-xep-hang-{block_code}-{clock.local(moment):%Y%m%d}.{fmt}", header, body, block.name
    )


def _ranked_unit(slug: str) -> Unit:
    unit = db.session.scalars(select(Unit).where(Unit.slug == slug)).first()
    if unit is None or unit.block is None or not unit.active:
        abort(404)
    return unit


def declared_standing(drive, unit: Unit, cutoff: datetime | None):
    """The unit's total if every submitted entry were verified as reported (cached per version).

    From the freeze on it is as of the freeze, like every other public number.
    Cached per version of the unit's block (its verifications and its
    reports bump it).
    """
    moment = cutoff.isoformat() if cutoff else "live"
    stamp = standings.stamp_for(drive.id, cutoff, [standings.block_scope(unit.block.code)])
    return cached(f"declared:{drive.id}:{unit.code}:{moment}", stamp,
                  lambda: standings.projected_standing(drive, unit, cutoff))


@route("/don-vi-thi-dua/<slug>")
@conditional(depends=scopes.unit_page)
def unit(slug: str):
    drive = _drive_or_empty()
    unit = _ranked_unit(slug)
    view = current_perspective()
    board = view.board(unit.block)
    standing = board.standing(unit.id)
    if standing is None:
        abort(404)
    written = board.written([standing])
    series = history.points_over_time(drive, view.cutoff, [standing], written)
    entries = queries.unit_entries(drive, unit, view.cutoff, _page_number(), UNIT_ENTRIES_PER_PAGE)
    propaganda = queries.unit_propaganda(drive, unit, view.cutoff, written)
    facts, explanations = rules.unit_explanations(drive, unit.code, view.cutoff)
    return render_template(
        "public/unit.html",
        facts=facts,
        explanations=explanations,
        **_common(drive),
        unit=unit,
        standing=standing,
        block_size=board.size(),
        declared=declared_standing(drive, unit, view.cutoff),
        criteria={c.code: c for c in standings.scored_criteria(drive)},
        series=series,
        series_chart=charts.series_chart(series, [standing.unit]),
        entries=entries,
        propaganda={(p, c): (n, q) for p, c, n, q in propaganda},
        used_channels=[c for c in CHANNEL_NAMES if any(ch == c for _p, ch, _n, _q in propaganda)],
        page_link=lambda n: url_for("public.unit", slug=slug, page=n),
        organised=hierarchy.blocks_of(unit),
    )


@route("/the-le")
@conditional()
def rules_page():
    """"Thể lệ và cách tính điểm": the drive's rules, generated from its data."""
    drive = _drive_or_empty()
    return render_template(
        "public/rules.html",
        **_common(drive),
        criteria=rules.drive_rules(drive),
        ranked_blocks=[b for b in standings.blocks() if b.code in standings.ranked_blocks()],
    )


@route("/tuyen-truyen")
@conditional(depends=scopes.propaganda)
def propaganda():
    drive = _drive_or_empty()
    view = current_perspective()
    chosen = queries.parse_filter(request.args, drive, current_app.config["ENTRIES_PER_PAGE"])
    context = _common(drive)
    # A province's units fit a list to choose from; a nation's are typed by code.
    ranked_units = (_ranked_units() if standings.ranked_unit_count() <= UNIT_CHOICES
                    else None)
    if chosen.errors:
        return render_template("public/propaganda.html", **context, chosen=chosen,
                               ranked_units=ranked_units, page=None), 400
    page = queries.propaganda_page(drive, view.cutoff, chosen)
    channels = queries.by_channel(drive, view.cutoff, chosen)
    weeks = charts.week_starts(drive)
    propaganda_criteria = [c for c in standings.scored_criteria(drive) if c.is_propaganda]
    counts = charts.weekly_counts(weeks, queries.by_day(drive, view.cutoff, chosen),
                                  [c.code for c in propaganda_criteria])
    names = {c.code: c.name for c in propaganda_criteria}
    return render_template(
        "public/propaganda.html",
        **context,
        chosen=chosen,
        ranked_units=ranked_units,
        page=page,
        channels=channels,
        channel_chart=charts.channel_chart(channels, context["channel_names"], _("Số hoạt động")),
        weeks=weeks,
        week_span=timedelta(days=6),
        counts=counts,
        criterion_names=names,
        weekly_chart=charts.weekly_chart(drive, weeks, counts, names, _("Ngày bầu cử")),
        page_link=lambda n: url_for("public.propaganda", **chosen.args, page=n),
    )


def _ranked_units() -> list[queries.UnitInfo]:
    units = queries.unit_index()
    return sorted((units[u.code] for u in standings.ranked_units()), key=lambda u: u.name)


@route("/nhat-ky-xep-hang")
@conditional()
def changes():
    drive = _drive_or_empty()
    view = current_perspective()
    page = _page_number()
    changes, total = history.change_log(drive, view.cutoff, page, CHANGES_PER_PAGE)
    return render_template(
        "public/changes.html",
        **_common(drive),
        changes=changes,
        page=page,
        pages=max(1, -(-total // CHANGES_PER_PAGE)),
        total=total,
        page_link=lambda n: url_for("public.changes", page=n),
    )


@route("/ket-qua")
@conditional()
def results():
    """The official result: the published snapshot per block, and the awards once decided."""
    drive = _drive_or_empty()
    return render_template("public/results.html", **_common(drive),
                           official_result=official.official_result(drive))


@route("/ket-qua.<fmt>")
@conditional()
def results_download(fmt: str):
    if fmt not in ("csv", "xlsx", "pdf"):
        abort(404)
    drive = _drive_or_empty()
    result = official.official_result(drive)
    if result is None:
        abort(404, _("Kết quả chính thức chưa được công bố."))
    name = f"ket-qua-{drive.slug}-lan-{result.number}"
    if fmt == "pdf":
        try:
            content = docx_to_pdf(docx_bytes(official.result_document(result)), name)
        except PdfUnavailable:
            abort(503, _("Máy chủ chưa cài LibreOffice nên chưa tạo được PDF; hãy tải CSV hoặc "
                         "XLSX."))
        response = tables.download(content, f"{name}.pdf")
        response.mimetype = "application/pdf"
        return response
    header, body = official.result_table(result)
    return tables.table_download(f"{name}.{fmt}", header, body, _("Kết quả chính thức"))
