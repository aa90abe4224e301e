"""The English catalogue covers every string shown to users, and switching language works.

Msgids are extracted from the templates and the Python code exactly as
`pybabel extract -F babel.cfg -k _l` does, so a string added anywhere without
its English translation fails here, naming the file and line.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "translations" / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")


def _extracted() -> dict[str, str]:
    """msgid → where it was first found, for every translatable string of the application."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    found: dict[str, str] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        msgid = message if isinstance(message, str) else message[0]
        if msgid:
            found.setdefault(msgid, f"{filename}:{line}")
    return found


def _catalogue():
    with open(CATALOGUE / "messages.po", "rb") as po:
        return read_po(po, locale="en")


def test_every_string_shown_to_users_has_an_english_translation():
    catalogue = _catalogue()
    missing = [
        f"{where}: {msgid!r}" for msgid, where in _extracted().items()
        if catalogue.get(msgid) is None or not catalogue.get(msgid).string
        or catalogue.get(msgid).fuzzy
    ]
    assert not missing, (
        "untranslated strings (pybabel extract -F babel.cfg -k _l -o translations/messages.pot . && "
        "pybabel update -i translations/messages.pot -d translations, translate, pybabel compile "
        "-d translations):\n" + "\n".join(missing)
    )


def test_translations_keep_every_placeholder():
    wrong = [
        message.id for message in _catalogue() if message.id and isinstance(message.id, str)
        and message.string
        and sorted(PLACEHOLDER.findall(message.id)) != sorted(PLACEHOLDER.findall(message.string))
    ]
    assert not wrong, f"placeholders differ: {wrong}"


def test_compiled_catalogue_matches_the_po_file():
    with open(CATALOGUE / "messages.mo", "rb") as mo:
        compiled = read_mo(mo)
    stale = [m.id for m in _catalogue() if m.id and m.string and not m.fuzzy
             and (compiled.get(m.id) is None or compiled.get(m.id).string != m.string)]
    assert not stale, f"run `pybabel compile -d translations`; stale: {stale[:5]}"


def test_switching_to_english_translates_the_page(client, visitor):
    vietnamese = client.get("/tai-khoan/dang-nhap").get_data(as_text=True)
    assert "Tên đăng nhập" in vietnamese and '<html lang="vi">' in vietnamese

    switched = client.get("/tai-khoan/ngon-ngu/en?next=/tai-khoan/dang-nhap")
    assert switched.status_code == 302
    english = client.get("/tai-khoan/dang-nhap").get_data(as_text=True)

    assert '<html lang="en">' in english
    assert "Username" in english and "Sign in" in english
    assert "Tên đăng nhập" not in english


def test_admin_pages_and_form_messages_read_in_english(visitor, world):
    visitor.login("admin")
    visitor.client.set_cookie("lang", "en")
    page = visitor.get("/quan-tri/tieu-chi").get_data(as_text=True)
    assert "Add a criterion" in page and "Thêm tiêu chí" not in page
    refused = visitor.post("/quan-tri/khoi", {"code": "", "name": ""}, token_from="/quan-tri/khoi")
    assert refused.status_code == 400
    assert "This field is required." in refused.get_data(as_text=True)
