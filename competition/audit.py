"""The audit log: every state change records who, when, from where, and what changed.

Events are written in the same transaction as the change they describe, so a
change without its event (or the reverse) cannot be committed.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from competition.extensions import db
from competition.models import AuditEvent, Entry, User


def json_value(value: Any) -> Any:
    """A value as JSON can hold it: dates in ISO form, decimals as exact strings."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def entry_snapshot(entry: Entry) -> dict[str, Any]:
    """The fields of an entry that an auditor compares before and after."""
    fields = (
        "status", "quantity", "verified_quantity", "activity_date", "title",
        "description", "channel", "people_reached", "phase_id", "criterion_id",
        "decision_reason",
    )
    return {name: json_value(getattr(entry, name)) for name in fields}


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the keys whose values differ, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(
    action: str,
    obj: Any = None,
    *,
    unit_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    actor: User | None = None,
    actor_name: str = "",
) -> AuditEvent:
    """Add an audit event to the current transaction."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_name=actor.username if actor else actor_name,
        ip=(request.remote_addr or "") if has_request_context() else "cli",
        action=action,
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=str(getattr(obj, "id", "") or "") if obj is not None else "",
        unit_id=unit_id,
        reason=reason,
        before={k: json_value(v) for k, v in before.items()} if before else None,
        after={k: json_value(v) for k, v in after.items()} if after else None,
    )
    db.session.add(event)
    return event
