"""The command line: `flask --app app <command>`. Every command is in the README."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from competition import audit, clock, demo, drive_copy, drives, history, imports, standings
from competition.extensions import db
from competition.formatting import fixed
from competition.labels import CLASSIFICATION_LABELS
from competition.lifecycle import TransitionError
from competition.models import Drive, Role, Unit, User
from competition.problems import InvalidData
from competition.results import calendar, current_snapshot, publication
from competition.results.messages import STAGE_NAMES, refusal

drive_cli = AppGroup("drive", help="Đợt thi đua: nạp định nghĩa từ tệp TOML.")
units_cli = AppGroup("units", help="Đơn vị: nhập từ CSV/XLSX.")
users_cli = AppGroup("users", help="Tài khoản: tạo mới.")
entries_cli = AppGroup("entries", help="Kết quả: nhập từ CSV/XLSX.")


def _fail(error: InvalidData) -> None:
    click.echo("Không ghi gì vào cơ sở dữ liệu vì có lỗi:", err=True)
    for problem in error.problems:
        click.echo(f"  - {problem}", err=True)
    db.session.rollback()
    sys.exit(1)


def _results_refused(error: TransitionError) -> None:
    """A refusal of the results rules (too early, published drive): its message, exit 1."""
    db.session.rollback()
    click.echo(f"Không thực hiện được: {refusal(error.message)}", err=True)
    sys.exit(1)


def _import(file: Path, what: str, planner, *args) -> None:
    """Run an all-or-nothing import and say how many rows it wrote, or list every problem."""
    try:
        count = imports.run_import(file, planner, *args)
    except InvalidData as error:
        _fail(error)
    except TransitionError as error:  # the drive's official result is published
        _results_refused(error)
    click.echo(f"Đã nhập {count} {what}.")


def _require_drive():
    drive = standings.active_drive()
    if drive is None:
        click.echo("Chưa có đợt thi đua nào; hãy chạy `drive load` trước.", err=True)
        sys.exit(1)
    return drive


@drive_cli.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def drive_load(file: Path) -> None:
    """Load (or update) a drive from FILE.toml and make it the active drive."""
    try:
        drive = drives.load_drive(file)
    except InvalidData as error:
        _fail(error)
    except TransitionError as error:  # the drive's official result is published
        _results_refused(error)
    click.echo(f"Đã nạp đợt thi đua {drive.code}: {len(drive.criteria)} tiêu chí, "
               f"{len(drive.phases)} đợt tuyên truyền.")


@drive_cli.command("copy")
@click.argument("source_code")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def drive_copy_command(source_code: str, file: Path) -> None:
    """Start a new drive from SOURCE_CODE's criteria, targets and award rules.

    FILE.toml holds the new drive's [drive] table (and optionally its [[phases]]);
    no entries are copied. The new drive becomes the active drive.
    """
    source = db.session.scalars(select(Drive).where(Drive.code == source_code)).first()
    if source is None:
        click.echo(f"Không có đợt thi đua mã «{source_code}».", err=True)
        sys.exit(1)
    try:
        settings, phases = drives.parse_copy_settings(file.read_text(encoding="utf-8"), str(file))
        drive = drive_copy.copy_drive(source, settings, phases, where=str(file))
    except InvalidData as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Đã tạo đợt thi đua {drive.code} từ {source.code}: {len(drive.criteria)} tiêu chí, "
               f"{len(drive.award_rules)} hình thức khen thưởng; đây là đợt đang chạy.")


@units_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def units_import(file: Path) -> None:
    """Import units from FILE (columns: code, name, kind, block, parent_code, members)."""
    _import(file, "đơn vị", imports.plan_units)


@entries_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def entries_import(file: Path) -> None:
    """Import entries of the active drive from FILE (see docs and examples/entries.csv)."""
    _import(file, "kết quả", imports.plan_entries, _require_drive())


@users_cli.command("create")
@click.option("--username", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--unit", "unit_code", default="", help="Mã đơn vị (bắt buộc với vai trò unit).")
@click.option("--full-name", default="")
@click.password_option("--password", help="Ít nhất 10 ký tự.")
def users_create(username: str, role: str, unit_code: str, full_name: str, password: str) -> None:
    """Create a user; reporters (role unit) belong to a unit."""
    from competition.accounts.passwords import password_problem

    unit = None
    if unit_code:
        unit = db.session.scalars(select(Unit).where(Unit.code == unit_code)).first()
        if unit is None:
            raise click.BadParameter(f"đơn vị «{unit_code}» không tồn tại", param_hint="--unit")
    if role == Role.UNIT and unit is None:
        raise click.BadParameter("cán bộ đơn vị cần --unit", param_hint="--unit")
    if db.session.scalars(select(User).where(User.username == username)).first():
        raise click.BadParameter(f"tên đăng nhập «{username}» đã có", param_hint="--username")
    problem = password_problem(password)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    user = User(username=username, role=role, unit=unit, full_name=full_name)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", user, after={"username": username, "role": role,
                                             "unit": unit_code}, actor_name="cli")
    db.session.commit()
    click.echo(f"Đã tạo tài khoản {username} ({role}).")


@click.command("demo")
def demo_command() -> None:
    """Load the default drive, demo units, accounts and entries (idempotent); print logins."""
    logins = demo.load_demo()
    click.echo("Tài khoản demo (mật khẩu chung):")
    for username, role, password in logins:
        click.echo(f"  {username:<16} {password:<12} {role}")


@click.group("standings", invoke_without_command=True)
@click.pass_context
def standings_cli(context: click.Context) -> None:
    """Print the live standings per block (or `rebuild` them)."""
    if context.invoked_subcommand is not None:
        return
    drive = _require_drive()
    names = {b.code: b.name for b in standings.blocks()}
    for block, rows in standings.standings(drive).items():
        click.echo(f"\n{names.get(block, block)}")
        click.echo(f"{'Hạng':>4}  {'Đơn vị':<42} {'Điểm':>8} {'%':>7}  Xếp loại")
        for row in rows:
            click.echo(f"{row.rank:>4}  {row.unit.name[:42]:<42} {fixed(row.total):>8} "
                       f"{fixed(row.percent):>7}  {CLASSIFICATION_LABELS[row.classification]}")


@standings_cli.command("rebuild")
def standings_rebuild() -> None:
    """Recompute every unit's tallies from the entries (repair) and check them."""
    drive = _require_drive()
    before = standings.scoring_input(drive).tallies
    count = standings.rebuild(drive)
    audit.record("standings.rebuild", drive, after={"tallies": count}, actor_name="cli")
    db.session.commit()
    after = standings.scoring_input(drive).tallies
    changed = sum(1 for key in set(before) | set(after) if before.get(key) != after.get(key))
    click.echo(f"Đã tính lại {count} dòng tổng hợp; {changed} dòng khác với trước khi tính lại.")
    blocks = standings.refresh(drive)
    click.echo(f"Đã tính lại bảng điểm của {blocks} khối.")


@standings_cli.command("refresh")
def standings_refresh() -> None:
    """Rebuild the standing rows of every block not yet current today, and keep yesterday's ranks.

    Meant for a nightly job shortly after midnight (Vietnam time), so the first
    reader of the day finds every block ready.
    """
    drive = _require_drive()
    blocks = standings.refresh(drive)
    yesterday = clock.today() - timedelta(days=1)
    kept = sum(history.keep_day_ranks(drive, block, yesterday) is not None
               for block in standings.blocks() if drive.starts_on <= yesterday <= drive.ends_on)
    click.echo(f"Đã tính lại bảng điểm của {blocks} khối; đã lưu thứ hạng ngày "
               f"{yesterday:%d/%m/%Y} của {kept} khối.")


@users_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def users_import(file: Path) -> None:
    """Import users from FILE (columns: username, full_name, role, unit_code[, password])."""
    rows = imports.read_rows(file.read_bytes(), str(file))
    plan = imports.plan_users(rows, str(file))
    if not plan.ok:
        _fail(InvalidData(plan.problems))
    count = plan.apply()
    db.session.commit()
    click.echo(f"Đã nhập {count} tài khoản.")
    for username, password in plan.issued.items():
        click.echo(f"  {username:<24} {password}")


@users_cli.command("set-password")
@click.option("--username", required=True)
@click.password_option("--password", help="Ít nhất 10 ký tự.")
def users_set_password(username: str, password: str) -> None:
    """Set a user's password (e.g. the first admin after a restore); signs them out everywhere."""
    from competition.accounts.passwords import password_problem

    user = db.session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise click.BadParameter(f"không có tài khoản «{username}»", param_hint="--username")
    problem = password_problem(password, username)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    user.set_password(password)
    user.must_change_password = False
    audit.record("user.password", user, unit_id=user.unit_id, actor_name="cli")
    db.session.commit()
    click.echo(f"Đã đặt mật khẩu cho {username}.")


targets_cli = AppGroup("targets", help="Chỉ tiêu giao: nhập từ CSV/XLSX.")


@targets_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def targets_import(file: Path) -> None:
    """Import target overrides of the active drive (columns: criterion_code, block, unit_code, target)."""
    _import(file, "chỉ tiêu", imports.plan_targets, _require_drive())


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(file: Path) -> None:
    """Back up the whole database to FILE: .sqlite (SQLite online copy) or .json (any database)."""
    from competition import backup

    try:
        if file.suffix == ".sqlite":
            backup.backup_sqlite(file)
        else:
            file.write_text(backup.dumps(), encoding="utf-8")
    except backup.RestoreError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    click.echo(f"Đã sao lưu vào {file}.")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Xóa toàn bộ dữ liệu hiện có trước khi khôi phục.")
def restore_command(file: Path, replace: bool) -> None:
    """Restore the whole database from FILE (.json, or .sqlite for SQLite)."""
    from competition import backup

    try:
        if file.suffix == ".sqlite":
            backup.restore_sqlite(file)
            click.echo(f"Đã khôi phục từ {file}.")
            return
        counts = backup.restore(backup.parse(file.read_bytes()), replace=replace)
    except backup.RestoreError as error:
        db.session.rollback()
        click.echo(f"Không khôi phục được: {error}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Đã khôi phục {sum(counts.values())} dòng. Các tài khoản cần được đặt mật khẩu mới "
               "(trang Quản trị hoặc `users create`).")


def register_commands(app: Flask) -> None:
    from competition.notifications.worker import notify_cli

    for command in (drive_cli, units_cli, users_cli, entries_cli, demo_command, standings_cli,
                    targets_cli, backup_command, restore_command, notify_cli,
                    results_cli):
        app.cli.add_command(command)


results_cli = AppGroup("results", help="Kết quả chính thức: tình trạng chốt, công bố, rút lại.")


@results_cli.command("freeze-status")
def results_freeze_status() -> None:
    """Where the active drive stands: submission close, freeze, appeal window, publication."""

    drive = _require_drive()
    state = publication.readiness(drive)

    def shown(moment) -> str:
        return clock.local(moment).strftime("%d/%m/%Y %H:%M") if moment else "chưa đặt"

    click.echo(f"Đợt thi đua: {drive.code} (giờ {clock.zone_name()})")
    click.echo(f"Hạn cuối gửi kết quả: {shown(calendar.submissions_close(drive))}")
    click.echo(f"Thời điểm chốt: {shown(drive.freeze_at)}")
    click.echo(f"Hết hạn khiếu nại: {shown(state.appeal_deadline)}")
    click.echo(f"Khiếu nại chưa giải quyết: {state.open_appeals}")
    click.echo(f"Giai đoạn: {STAGE_NAMES[state.stage]}")
    snapshot = current_snapshot(drive)
    if snapshot is not None:
        click.echo(f"Bản công bố số {snapshot.number}, SHA-256 {snapshot.sha256}")
    elif state.refusal:
        click.echo(f"Chưa công bố được: {refusal(state.refusal)}")
    else:
        click.echo("Có thể công bố: `flask --app app results publish`.")


@results_cli.command("publish")
def results_publish() -> None:
    """Publish the official result of the active drive (refused with exit 1 when too early)."""

    drive = _require_drive()
    try:
        snapshot = publication.publish(drive, None)
    except TransitionError as error:
        _results_refused(error)
    db.session.commit()
    click.echo(f"Đã công bố bản số {snapshot.number}. SHA-256: {snapshot.sha256}")


@results_cli.command("withdraw")
@click.option("--reason", default="", help="Lý do rút lại (bắt buộc, được công khai).")
def results_withdraw(reason: str) -> None:
    """Withdraw the published result of the active drive, with a public reason."""

    drive = _require_drive()
    try:
        snapshot = publication.withdraw(drive, None, reason)
    except TransitionError as error:
        _results_refused(error)
    db.session.commit()
    click.echo(f"Đã rút lại bản công bố số {snapshot.number}.")
