"""The English catalogue is complete, covers every string in the code, and its compiled .mo
matches the .po."""

import gettext
import io
import re
from collections import Counter
from pathlib import Path

from babel.messages.extract import extract, extract_python
from babel.messages.pofile import read_po
from django.test import Client
from django.utils import translation
from django.utils.translation.template import templatize

PACKAGE = Path(__file__).resolve().parents[2] / "kendali"
LOCALE = PACKAGE / "locale" / "en" / "LC_MESSAGES"
# The keywords makemessages gives xgettext for Python sources and templatized templates.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
TEMPLATE_SUFFIXES = {".html", ".txt", ".xml", ".svg"}
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]|\{\w*\}|</?[a-zA-Z][^>]*>")


def _catalog():
    with (LOCALE / "django.po").open("rb") as fh:
        return read_po(fh)


def _forms(value):
    return value if isinstance(value, tuple) else (value,)


def test_there_is_one_catalogue():
    # App-level locale dirs would be loaded by Django but escape these checks and the
    # compile script; every string lives in kendali/locale.
    catalogues = sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.po"))
    assert catalogues == ["locale/en/LC_MESSAGES/django.po"]


def test_every_string_has_an_english_translation():
    catalog = _catalog()
    missing = [m.id for m in catalog if m.id and (m.fuzzy or not all(_forms(m.string)))]
    assert missing == [], f"untranslated or fuzzy ({len(missing)}): {missing[:10]}"
    assert not catalog.obsolete, f"obsolete entries: {list(catalog.obsolete)[:10]}"
    assert catalog.num_plurals == 2


def test_translations_keep_placeholders_and_tags():
    wrong = []
    for message in _catalog():
        if not message.id:
            continue
        for source, target in zip(_forms(message.id), _forms(message.string), strict=True):
            if "<sumber>:<id>" in source:  # angle brackets as text, not a tag
                continue
            if Counter(PLACEHOLDER.findall(source)) != Counter(PLACEHOLDER.findall(target)):
                wrong.append((source, target))
    assert wrong == [], wrong[:10]


def _strings_in_code():
    """Every msgid (with its context) makemessages would extract, in pure Python: Babel's
    Python extractor over the sources, and over Django's templatized templates."""
    found = {}
    for path in PACKAGE.rglob("*"):
        rel = path.relative_to(PACKAGE).as_posix()
        if not path.is_file() or rel.startswith("locale/") or "/migrations/" in rel:
            continue
        if path.suffix == ".py":
            source = path.read_bytes()
            if b"gettext" not in source:
                continue
        elif path.suffix in TEMPLATE_SUFFIXES and "/templates/" in rel:
            text = path.read_text(encoding="utf-8")
            if "{%" not in text:
                continue
            # templatize's output is Python-like, not Python: its indentation is noise.
            lines = templatize(text, origin=str(path)).splitlines()
            source = "\n".join(line.lstrip() for line in lines).encode()
        else:
            continue
        for _lineno, message, _comments, context in extract(
            extract_python, io.BytesIO(source), KEYWORDS, [], {}
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            found.setdefault((msgid, context), rel)
    return found


def test_catalogue_covers_every_string_in_the_code():
    in_catalogue = {(_forms(m.id)[0], m.context) for m in _catalog() if m.id}
    missing = sorted(
        f"{path}: {msgid!r}" + (f" (context {context!r})" if context else "")
        for (msgid, context), path in _strings_in_code().items()
        if (msgid, context) not in in_catalogue
    )
    assert missing == [], (
        f"{len(missing)} strings are not in the English catalogue; run "
        f"scripts/compile_messages.py and translate them: {missing[:10]}"
    )


def test_compiled_catalogue_is_current():
    catalog = _catalog()
    with (LOCALE / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            singular, plural = message.id
            for n, expected in ((1, message.string[0]), (2, message.string[1])):
                if message.context:
                    got = compiled.npgettext(message.context, singular, plural, n)
                else:
                    got = compiled.ngettext(singular, plural, n)
                assert got == expected, message.id
        elif message.context:
            assert compiled.pgettext(message.context, message.id) == message.string, message.id
        else:
            assert compiled.gettext(message.id) == message.string, message.id


def test_problem_details_follow_the_users_language(db):
    with translation.override("en"):
        response = Client(headers={"Accept-Language": "en"}).get(
            "/api/v1/regions/locate?lat=100&lon=106"
        )
    assert response.status_code == 422
    assert "Latitude must be between" in response.json()["detail"]
    indonesian = Client().get("/api/v1/regions/locate?lat=100&lon=106")
    assert "Lintang harus" in indonesian.json()["detail"]
