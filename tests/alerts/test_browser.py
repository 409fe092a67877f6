"""The public warning page and the draft form in a real Chromium: the area map draws the
warning's polygons with no CSP or script error, and clicking the form map sets the circle."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def chromium():
    # Started only after the database work: Playwright's sync API runs an event loop in
    # this thread, and Django refuses ORM calls from inside one.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _watch_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    return errors


def test_public_page_map_and_form_circle(live_server, users, publish_flood):
    from tests.conftest import login_client

    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium not installed at /usr/bin/chromium")
    alert = publish_flood()
    session = login_client(users["operator"]).cookies["sessionid"].value
    with chromium() as browser:
        _check_pages(live_server.url, browser, alert, session)


def _check_pages(base, browser, alert, session):
    context = browser.new_context(viewport={"width": 390, "height": 800})  # a phone
    page = context.new_page()
    errors = _watch_errors(page)
    page.goto(f"{base}/peringatan/publik/{alert.identifier}/")
    page.wait_for_selector("#alert-area-map[data-features='3']", timeout=10000)
    assert page.locator("path.leaflet-interactive").count() == 3
    assert "Peringatan banjir di Kasemen" in page.inner_text("h1")
    assert errors == []
    # Readable on a phone: nothing of the warning is wider than the screen (the shell's
    # top bar is core's own and not asserted here).
    wide = page.evaluate(
        "Array.from(document.querySelectorAll('main *')).filter(e => !e.closest('.leaflet-container') && e.getBoundingClientRect().right > 391).map(e => e.tagName + '.' + e.className)"
    )
    assert wide == []
    context.close()

    context = browser.new_context()
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": session,
                "url": base,
            }
        ]
    )
    page = context.new_page()
    errors = _watch_errors(page)
    page.goto(f"{base}/peringatan/baru/?kelurahan=36.73.02.1001&event=Banjir")
    page.wait_for_selector("#alert-form-map[data-kelurahan-count]", timeout=10000)
    the_map = page.locator("#alert-form-map")
    the_map.scroll_into_view_if_needed()
    box = the_map.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector("#alert-form-map path.leaflet-interactive, #alert-form-map canvas")
    lat = float(page.input_value("#id_circle_lat"))
    lon = float(page.input_value("#id_circle_lon"))
    assert -6.3 < lat < -5.9 and 106.0 < lon < 106.4
    assert page.input_value("#id_circle_radius_km") == "1"
    assert page.input_value("#id_event") == "Banjir"
    assert errors == []
    context.close()
