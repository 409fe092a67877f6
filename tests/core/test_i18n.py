"""The English catalogue is complete and its compiled .mo matches the .po."""

import gettext
from pathlib import Path

from babel.messages.pofile import read_po
from django.test import Client
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "kendali" / "locale" / "en" / "LC_MESSAGES"


def test_every_string_has_an_english_translation():
    with (LOCALE / "django.po").open("rb") as fh:
        catalog = read_po(fh)
    missing = [m.id for m in catalog if m.id and (m.fuzzy or not m.string)]
    assert missing == [], f"untranslated or fuzzy: {missing[:10]}"


def test_compiled_catalogue_is_current():
    with (LOCALE / "django.po").open("rb") as fh:
        catalog = read_po(fh)
    with (LOCALE / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for message in catalog:
        if message.id and isinstance(message.id, str):
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
