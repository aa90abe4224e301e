"""Role checks on the server: every view that changes or shows private data declares its roles."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user

from competition.extensions import login_manager


def roles_required(*roles: str) -> Callable:
    """Sign-in required (redirect to the login page); other roles get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles  # read by the access-control test
        return wrapped

    return decorator


def staff_required(view: Callable) -> Callable:
    return roles_required("admin", "judge")(view)


def admin_required(view: Callable) -> Callable:
    return roles_required("admin")(view)


def reporter_required(view: Callable) -> Callable:
    return roles_required("unit")(view)
