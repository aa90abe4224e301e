"""Role checks on the server: every view that changes or shows private data declares its roles."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user

from competition.extensions import login_manager
from competition.hierarchy import is_scoped


def roles_required(*roles: str, unscoped: bool = False) -> Callable:
    """Sign-in required (redirect to the login page); other roles get 403.

    With `unscoped`, an account scoped to a district's or sector's council is
    refused too: the page acts on the whole drive.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles or (unscoped and is_scoped(current_user)):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles  # read by the access-control test
        return wrapped

    return decorator


def staff_required(view: Callable) -> Callable:
    return roles_required("admin", "judge")(view)


def admin_required(view: Callable) -> Callable:
    """The drive's own settings, imports, backups, publication: full admins only."""
    return roles_required("admin", unscoped=True)(view)


def province_staff_required(view: Callable) -> Callable:
    """Drive-wide data (exports of every entry and board): the province's judges and admins."""
    return roles_required("admin", "judge", unscoped=True)(view)


def unit_admin_required(view: Callable) -> Callable:
    """Units, accounts and targets: any admin; a scoped admin is then held to its
    organiser's part of the tree by the view (`permissions.can_manage_unit`)."""
    return roles_required("admin")(view)


def reporter_required(view: Callable) -> Callable:
    return roles_required("unit")(view)
