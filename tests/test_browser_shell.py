"""The web shell in a real browser: login, role home, the city map with all 67 kelurahan,
the language switch — against a real `kendali serve` process."""

import pytest

from tests.livesite import ARTIFACTS, chromium_page, live_site, login

pytestmark = pytest.mark.browser

PASSWORD = "uji-peramban-2026!"


def test_city_map_shows_all_kelurahan_and_language_switch(tmp_path):
    with live_site(tmp_path) as site:
        site.cli("createuser", "pemantau", "--role", "control_room_viewer", "--password", PASSWORD)
        with chromium_page() as page:
            errors = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            external = []
            page.on(
                "request",
                lambda r: external.append(r.url) if not r.url.startswith(site.url) else None,
            )
            login(page, site, "pemantau", PASSWORD)
            assert "Pemantau ruang kendali" in page.content()
            page.click("a[href='/peta/']")
            page.wait_for_selector("#citymap[data-kelurahan-count='67']", timeout=15000)
            labels = page.locator(".region-label.kecamatan").all_inner_texts()
            assert {"KASEMEN", "WALANTAKA", "TAKTAKAN"} <= {
                label.strip().upper() for label in labels
            }
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "city-map.png"))
            assert errors == [], errors  # no script errors
            assert external == [], external  # nothing from outside this server (no CDN)
            # The switch submits its form on change: wait for that navigation, not for an
            # idle network (the map page keeps its event stream open).
            with page.expect_navigation():
                page.select_option(".langform select", "en")
            page.wait_for_selector("html[lang='en']", timeout=10000)
