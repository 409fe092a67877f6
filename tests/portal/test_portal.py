"""The citizens' home: Indonesian first, light, and linking only pages that are mounted."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_portal_links_only_mounted_pages_and_is_light(regions_loaded):
    response = Client().get("/warga/")
    html = response.content.decode()
    assert response.status_code == 200 and 'lang="id"' in html
    assert 'href="/lapor/"' in html and 'href="/peringatan/"' in html
    for path in ("/opendata/", "/indikator/publik/"):
        if f'href="{path}"' in html:
            assert Client().get(path).status_code != 404
    assert "<script" not in html
    assert len(response.content) < 12_000


def test_portal_is_accessible_by_keyboard_and_screen_reader(regions_loaded):
    html = Client().get("/warga/").content.decode()
    assert 'class="skip" href="#isi"' in html and '<main id="isi">' in html
    assert html.count("aria-labelledby=") == 4


def test_portal_in_english_on_request(regions_loaded):
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get("/warga/").content.decode()
    assert "Report a problem" in html and "Free Wi-Fi in parks" in html
