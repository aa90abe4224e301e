"""Cost of one verification deep in the tree against one at the top: `bench/verify_depth.py --help`.

Each verification passes its quantity up to every unit above (`competition.standings`
tallies): one recursive query for the ancestors, one INSERT, one UPDATE. On a
database made by `bench/generate.py --shape national` this verifies, alternately,
entries of units at depth 5 (member unions under a grassroots union) and of units
at depth 2 (the provinces, directly under the confederation), each in its own
transaction through `competition.lifecycle`, and prints the median time of each and
their ratio (the goal: depth 5 costs at most 1.5 × the top). Nothing is kept: every
verification is rolled back, so the database can be measured again.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from bench.generate import data_app, driver_url  # noqa: E402
from competition import lifecycle  # noqa: E402
from competition.extensions import db  # noqa: E402
from competition.hierarchy import ancestor_ids  # noqa: E402
from competition.models import Criterion, Entry, EntryStatus, Role, Unit, User  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--verifies", type=int, default=60, help="verifications per depth")
    return parser.parse_args(argv)


def _unit_at(depth: int) -> Unit:
    """A ranked unit with `depth` - 1 units above it."""
    for unit in db.session.scalars(select(Unit).where(Unit.block_id.is_not(None))
                                   .order_by(Unit.id.desc()) if depth > 2 else
                                   select(Unit).where(Unit.block_id.is_not(None))
                                   .order_by(Unit.id)):
        if len(ancestor_ids(unit.id)) == depth - 1:
            return unit
    raise SystemExit(f"no unit at depth {depth}: generate with --shape national")


def _one_verification(unit: Unit, criterion: Criterion, admin: User) -> float:
    entry = Entry(unit=unit, criterion=criterion, quantity=3, activity_date=date(2021, 5, 2),
                  title="Kết nạp đoàn viên mới", status=EntryStatus.SUBMITTED, version=1)
    db.session.add(entry)
    db.session.flush()
    started = time.perf_counter()
    lifecycle.verify(entry, admin)
    db.session.flush()
    elapsed = time.perf_counter() - started
    db.session.rollback()
    return elapsed


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if not args.database_url:
        sys.exit("--database-url (or DATABASE_URL) is required")
    app = data_app(driver_url(args.database_url))
    with app.app_context():
        admin = db.session.scalars(select(User).where(User.role == Role.ADMIN)).first()
        criterion = db.session.scalars(select(Criterion).where(Criterion.code == "DV")).one()
        deep, top = _unit_at(5), _unit_at(2)
        deep_id, top_id, criterion_id, admin_id = deep.id, top.id, criterion.id, admin.id
        times: dict[str, list[float]] = {"depth 5": [], "depth 2": []}
        for _ in range(args.verifies):  # alternate, so machine noise falls on both alike
            for name, unit_id in (("depth 5", deep_id), ("depth 2", top_id)):
                unit = db.session.get(Unit, unit_id)
                times[name].append(_one_verification(
                    unit, db.session.get(Criterion, criterion_id), db.session.get(User, admin_id)))
        deep_ms = statistics.median(times["depth 5"]) * 1000
        top_ms = statistics.median(times["depth 2"]) * 1000
        print(f"verify, median of {args.verifies}: depth 5 {deep_ms:.2f} ms, "
              f"depth 2 {top_ms:.2f} ms, ratio {deep_ms / top_ms:.2f}")


if __name__ == "__main__":
    main()
