"""Incident pages in a real browser against a real `kendali serve`: a dispatcher records an
incident by clicking the map, sees it on its detail page with the small map, and the list
picks up a new incident from the live stream without a reload."""

from __future__ import annotations

import re

import pytest

from tests.livesite import ARTIFACTS, chromium_page, live_site, login

pytestmark = pytest.mark.browser

PASSWORD = "uji-peramban-2026!"


def test_manual_create_detail_map_and_live_list(tmp_path):
    with live_site(tmp_path) as site:
        site.cli("createuser", "budi", "--role", "dispatcher", "--password", PASSWORD)
        with chromium_page() as page:
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            external: list[str] = []
            page.on(
                "request",
                lambda r: external.append(r.url) if not r.url.startswith(site.url) else None,
            )
            login(page, site, "budi", PASSWORD)

            page.goto(f"{site.url}/kejadian/baru/")
            page.wait_for_selector("#pickmap[data-kelurahan-count='67']", timeout=15000)
            page.select_option("select[name=type_code]", "banjir")
            picker = page.locator("#pickmap")
            picker.scroll_into_view_if_needed()
            box = picker.bounding_box()
            picker.click(position={"x": box["width"] / 2, "y": box["height"] / 2 + 20})
            assert page.input_value("input[name=lat]").startswith("-6.")
            page.fill("textarea[name=description]", "Air masuk rumah warga")
            page.click("#incident-form button")
            page.wait_for_url(re.compile(r"/kejadian/112-\d{4}-000001/$"), timeout=15000)
            content = page.content()
            assert "Air masuk rumah warga" in content and "Kec." in content
            assert "P2" in content  # priority from the type (banjir)
            page.wait_for_selector("#incident-map[data-marker='shown']", timeout=15000)

            page.goto(f"{site.url}/kejadian/")
            page.wait_for_selector("#live-status[data-state='live']", timeout=15000)
            assert page.locator("tr[data-incident]").count() == 1
            csrf = page.get_attribute("meta[name=csrf-token]", "content")
            created = page.request.post(
                f"{site.url}/api/v1/incidents/",
                data={"type_code": "kebakaran", "lat": -6.1175, "lon": 106.154},
                headers={"X-CSRFToken": csrf, "Referer": f"{site.url}/kejadian/"},
            )
            assert created.status == 201, created.text()
            number = created.json()["number"]
            page.wait_for_selector(f"tr[data-incident='{number}']", timeout=15000)
            assert "prio-P1" in page.inner_html(f"tr[data-incident='{number}']")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "incidents-list.png"))
            assert errors == [], errors
            assert external == [], external
