"""The 'done when' of the park Wi-Fi, in a real browser against `kendali demo` data: a person
signs up on the portal with a phone number and the code from the server log, sees the flood
warning for the park's kelurahan and their remaining quota; the operator sees the day's usage."""

from __future__ import annotations

import re
import time

import pytest

from tests.livesite import ARTIFACTS, chromium_page, live_site, login

pytestmark = pytest.mark.browser

BANTEN_LAMA_AP = "48:8F:5A:11:00:01"  # kendali/wifi/demo.py: the hotspot of Taman Banten Lama


def _code_from_log(site, timeout: float = 10.0) -> str:
    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = site.log_path.read_bytes()
        found = re.search(rb"Kode Wi-Fi Taman Kota Serang: (\d{6})", seen)
        if found:
            return found.group(1).decode()
        time.sleep(0.1)  # waiting for the server's log line
    raise AssertionError("no OTP in the server log:\n" + seen.decode(errors="replace")[-2000:])


def test_phone_sign_up_sees_warning_and_quota_then_operator_sees_usage(tmp_path):
    with live_site(tmp_path, demo=True) as site:
        with chromium_page(viewport=(390, 844)) as page:
            errors, external = [], []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on(
                "request",
                lambda r: external.append(r.url) if not r.url.startswith(site.url) else None,
            )
            page.goto(f"{site.url}/wifi/portal/?ap={BANTEN_LAMA_AP}")
            assert "Taman Banten Lama" in page.content()
            assert "Peringatan banjir di Kasemen" in page.locator(".warning").inner_text()
            page.fill("input[name=phone]", "0812 3456 7890")
            page.check("input[name=terms]")
            page.click("text=Kirim kode SMS")
            page.wait_for_selector("input[name=code]")
            page.fill("input[name=code]", _code_from_log(site))
            page.click("button.primary")
            page.wait_for_selector("text=Berhasil")
            assert re.fullmatch(r"[0-9a-f]{32}", page.inner_text("[data-credential]"))
            page.click("text=Lihat sisa kuota")
            page.wait_for_selector("text=Sisa kuota Anda")
            assert page.inner_text("[data-seconds]").startswith("120")
            assert "500" in page.inner_text("[data-bytes]")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "wifi-portal-status.png"))
            assert errors == [] and external == [], (errors, external)

        with chromium_page() as page:
            login(page, site, "operator", "kendali-demo-2026")
            page.goto(f"{site.url}/wifi/penggunaan/?hari=1")
            rows = page.locator("table.grid tbody tr").all_inner_texts()
            assert any("Alun-alun Kota Serang" in row for row in rows)
            assert page.locator("svg.wifi-chart").count() == 1
