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


def test_405_is_a_page_with_navigation_and_the_api_keeps_problem_json(clients):
    from django.urls import reverse

    # A form posted to a read-only page, and a POST-only action opened by its address.
    for response in (
        clients["operator"].post(reverse("wifi:usage")),
        clients["operator"].get(reverse("wifi:portal_send_code")),
    ):
        assert response.status_code == 405
        assert response.has_header("Allow")
        html = response.content.decode()
        assert 'class="mainnav"' in html and "tidak dapat dibuka dengan cara ini" in html
        assert "Ke beranda" in html
    api = clients["supervisor"].delete("/api/v1/health")
    assert api.status_code == 405
    assert api["Content-Type"].startswith("application/problem+json")
