"""The minimum password policy, shared by the sign-up CLI, the admin pages and the password form,
and the one check of a typed password at sign-in."""

from __future__ import annotations

from functools import cache

from werkzeug.security import generate_password_hash

from competition.models import User

MIN_LENGTH = 10
COMMON = {"1234567890", "matkhau123", "password12", "qwertyuiop", "0123456789", "abcdefghij"}


def password_problem(password: str, username: str = "") -> str | None:
    """Why a password is not acceptable, in Vietnamese; None when it is."""
    if len(password) < MIN_LENGTH:
        return f"Mật khẩu cần ít nhất {MIN_LENGTH} ký tự."
    if len(password) > 200:
        return "Mật khẩu quá dài (tối đa 200 ký tự)."
    if password.lower() in COMMON or len(set(password)) < 4:
        return "Mật khẩu quá dễ đoán."
    if username and username.lower() in password.lower():
        return "Mật khẩu không được chứa tên đăng nhập."
    return None


@cache
def _stand_in() -> User:
    """An account that matches no password, hashed like every real one (werkzeug's default)."""
    return User(password_hash=generate_password_hash("stand-in, never a password"))


def password_matches(user: User | None, password: str) -> bool:
    """Whether `password` opens `user`, with the same hashing work whoever is named.

    An unknown or deactivated name still costs one full password hash (against
    a stand-in account), so the time a failure takes does not tell a guesser
    which names exist.
    """
    if user is None:
        _stand_in().check_password(password)
        return False
    return user.check_password(password) and user.active
