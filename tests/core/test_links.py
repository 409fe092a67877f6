"""Links that leave Kendali are absolute, from KENDALI_PUBLIC_URL."""

from __future__ import annotations

from kendali.core.links import absolute_url, public_base_url


def test_paths_are_joined_to_the_public_address(settings):
    settings.KENDALI_PUBLIC_URL = "https://kendali.serangkota.go.id/"
    assert public_base_url() == "https://kendali.serangkota.go.id"
    assert absolute_url("/dispatch/kotak-masuk/") == (
        "https://kendali.serangkota.go.id/dispatch/kotak-masuk/"
    )
    assert absolute_url("kejadian/112-2026-000001/") == (
        "https://kendali.serangkota.go.id/kejadian/112-2026-000001/"
    )


def test_a_path_prefix_is_kept(settings):
    settings.KENDALI_PUBLIC_URL = "https://pemkot.example.id/kendali"
    assert absolute_url("/dispatch/") == "https://pemkot.example.id/kendali/dispatch/"


def test_absolute_and_empty_links_are_left_alone(settings):
    settings.KENDALI_PUBLIC_URL = "https://kendali.serangkota.go.id"
    assert absolute_url("https://bmkg.go.id/x") == "https://bmkg.go.id/x"
    assert absolute_url("mailto:posko@serangkota.go.id") == "mailto:posko@serangkota.go.id"
    assert absolute_url("") == ""


def test_environment_then_local_default(settings, monkeypatch):
    if hasattr(settings, "KENDALI_PUBLIC_URL"):
        del settings.KENDALI_PUBLIC_URL
    monkeypatch.setenv("KENDALI_PUBLIC_URL", "https://env.example.id")
    assert absolute_url("/a/") == "https://env.example.id/a/"
    monkeypatch.delenv("KENDALI_PUBLIC_URL")
    assert absolute_url("/a/") == "http://127.0.0.1:8000/a/"
