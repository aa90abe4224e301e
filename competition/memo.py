"""What a web request keeps for itself: values computed once while it only reads, and whether
its answer may be kept for others."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import g, has_request_context, request

T = TypeVar("T")


def per_request(key: str, compute: Callable[[], T]) -> T:
    """`compute()` once per GET request (a read sees one set of facts); every time elsewhere.

    Forms that change criteria or targets and preview the board in the same
    request must see their own change, so only safe requests reuse a value.
    """
    if not has_request_context() or request.method not in ("GET", "HEAD"):
        return compute()
    memo = g.setdefault("thidua_facts", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def not_shared() -> None:
    """This request's answer must not be kept in the shared cache: it shows something that
    holds for this moment only (rows being rebuilt), or one of endlessly many addresses that
    all show the same thing (a page or offset past the end)."""
    if has_request_context():
        g.thidua_not_shared = True


def shared() -> bool:
    return not g.get("thidua_not_shared")
