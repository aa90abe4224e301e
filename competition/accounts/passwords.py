"""The minimum password policy, shared by the sign-up CLI, the admin pages and the password form."""

from __future__ import annotations

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
