"""A quantity said with its own unit: "12 tin bài", "418 người", never "418 %".

A percent criterion is reported in people and compared as a percentage of the
unit's members, so its quantities are people and its ratio reads both ways
("418 người = 27,9 % đoàn viên, chỉ tiêu 30 %"). Pages, the change log and
the monthly report all word quantities through here.
"""

from __future__ import annotations

from decimal import Decimal

from flask import Flask
from flask_babel import gettext as _

from competition.formatting import number
from competition.scoring import HUNDRED, Measure


def quantity_label(measure: str, unit_label: str) -> str:
    """What one item of a criterion is: people for a percent criterion, else its unit label."""
    if measure == Measure.PERCENT:
        return _("người")
    return unit_label or ""


def quantity(value: Decimal | int | None, criterion) -> str:
    """`value` items of `criterion` (anything with `measure` and `unit_label`): "418 người"."""
    if value is None:
        return "–"
    label = quantity_label(criterion.measure, criterion.unit_label)
    return f"{number(value)} {label}".strip()


def share_of_members(people: Decimal | int, members: int | None,
                     target: Decimal | None = None) -> str:
    """People against the member count: "418 người = 27,9 % đoàn viên, chỉ tiêu 30 %"."""
    if not members:
        return _("%(people)s người (đơn vị chưa có số đoàn viên)", people=number(people))
    percent = HUNDRED * Decimal(people) / members
    text = _("%(people)s người = %(percent)s %% đoàn viên", people=number(people),
             percent=number(percent, 1))
    if target is not None:
        text += ", " + _("chỉ tiêu %(target)s %%", target=number(target))
    return text


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(quantity=quantity)
    app.jinja_env.globals.update(share_of_members=share_of_members)
