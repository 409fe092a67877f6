"""Error pages keep the shell (navigation, language) and speak Indonesian."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.test import RequestFactory


def test_404_and_403_have_navigation(clients):
    page = clients["calltaker"].get("/tidak-ada-halaman-ini/")
    assert page.status_code == 404
    html = page.content.decode()
    assert 'class="mainnav"' in html and "Halaman atau data tidak ditemukan" in html
    assert "Ke beranda" in html
    forbidden = clients["calltaker"].get("/pengguna/")
    assert forbidden.status_code == 403
    html = forbidden.content.decode()
    assert 'class="mainnav"' in html and "bukan untuk peran Anda" in html


def test_500_renders_without_a_request_context():
    # Django renders 500.html with an empty context: the page must still render.
    html = render_to_string("500.html")
    assert "Terjadi kesalahan di server" in html and "Ke beranda" in html
    request = RequestFactory().get("/")
    assert "Ke beranda" in render_to_string("404.html", request=request)
