"""Email addresses typed by an admin or read from an import: one rule for both."""

from __future__ import annotations

import re

# local@domain.tld: no spaces, one @, a dot in the domain, labels of letters, digits and hyphens.
_ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


def clean_email(text: str | None) -> str | None:
    """The address trimmed and with its domain lower-cased; None when blank.

    Raises ValueError (with the Vietnamese reason) when it is not an address
    a mail server would accept.
    """
    text = (text or "").strip()
    if not text:
        return None
    if len(text) > 254 or not _ADDRESS.match(text) or ".." in text:
        raise ValueError(f"«{text}» không phải địa chỉ email hợp lệ")
    local, _at, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"
