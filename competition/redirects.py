"""Where a request may send the browser next: only a path of this site, rebuilt by us.

Every redirect whose target comes from a request (`next` after signing in,
the language switch) goes through `local_target`. A target is never trusted
as typed: browsers drop tabs and newlines, read `\\` as `/` and a second
slash as the start of another host, so `/\\t/evil.example` would leave the
site although it starts with one slash. The target is parsed, refused when
it carries a scheme, a host, a control character or a backslash, and rebuilt
from its path and query, percent-encoded; anything else gives the fallback.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote, urlsplit, urlunsplit

MAX_LENGTH = 2000
# Characters a path or query may keep as they are; the rest is percent-encoded.
PATH_SAFE = "/%:@!$&'()*+,;=-._~"
QUERY_SAFE = PATH_SAFE + "?"


def _has_control_or_backslash(text: str) -> bool:
    return "\\" in text or any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")
                               for ch in text)


def local_target(target: str | None, fallback: str) -> str:
    """`target` rebuilt as a path of this site (path and query, no fragment), else `fallback`."""
    if (not target or len(target) > MAX_LENGTH or not target.startswith("/")
            or target.startswith("//") or _has_control_or_backslash(target)):
        return fallback
    try:
        parts = urlsplit(target)
    except ValueError:
        return fallback
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return fallback
    path = quote(parts.path, safe=PATH_SAFE)
    return urlunsplit(("", "", path, quote(parts.query, safe=QUERY_SAFE), ""))
