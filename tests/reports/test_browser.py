"""The done-when flow in a real Chromium at phone size, on the `kendali demo` data: a
citizen reports a clogged drain (a length of street on the map), gets a tracking number;
DPUPR's officer verifies and fixes it within the timers; the citizen sees "fixed", reopens
it; the report is on the public map.

On the way, the same run checks what the issue asks of the portal: accessible (axe-core
finds no serious or critical violation on the portal, the form, the tracking page, the map
and list and the OPD inbox), a report filed with the keyboard alone, and no page wider than
a phone or a laptop. Screenshots of both sizes land in ``var/screenshots/reports/`` for a
person to look at."""

from __future__ import annotations

import re

import pytest

from tests.livesite import ROOT, chromium_page, live_site, login

pytestmark = pytest.mark.browser
PHONE = (390, 844)
LAPTOP = (1366, 768)
SHOTS = ROOT / "var" / "screenshots" / "reports"


def _errors(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and "favicon" not in r.url
            else None
        ),
    )
    return errors


class Looks:
    """axe-core on the page as it is, then screenshots at phone and laptop size with the
    document's width checked at each; findings are collected, asserted at the end."""

    def __init__(self) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.findings: list[str] = []
        SHOTS.mkdir(parents=True, exist_ok=True)

    def check(self, page, name: str) -> None:
        for violation in self.axe.run(page).response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"][:3]]
                self.findings.append(f"{name}: {violation['id']} ({violation['help']}) {targets}")
        for width, height in (PHONE, LAPTOP):
            page.set_viewport_size({"width": width, "height": height})
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > width:
                self.findings.append(f"{name}: {wide} px wide at {width} px")
            page.screenshot(path=str(SHOTS / f"{name}-{width}x{height}.png"), full_page=True)
        page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})


def _tab_to(page, element_id: str, limit: int = 40) -> None:
    """Tab (only) until the element has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} not reached with Tab")


def _report_by_keyboard(page, site, looks: Looks) -> str:
    """A streetlight report with the keyboard alone: skip link, category, description, a
    point marked on the map with Enter, the address, send."""
    page.goto(f"{site.url}/lapor/")
    page.wait_for_selector("#peta .leaflet-pane", state="attached")
    looks.check(page, "form")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    _tab_to(page, "f-kategori")
    page.keyboard.type("Lampu")
    assert page.input_value("#f-kategori") == "lampu-jalan"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "f-uraian"
    page.keyboard.type("Lampu jalan depan masjid mati tiga malam")
    _tab_to(page, "peta")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.input_value("#f-lat") and page.input_value("#f-lon")
    assert "Titik ditandai" in page.inner_text("#peta-status")
    _tab_to(page, "f-alamat")
    page.keyboard.type("Jl. Maulana Yusuf depan masjid")
    _tab_to(page, "kirim")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tracking = page.inner_text("#nomor-laporan").strip()
    assert re.fullmatch(r"LW-\d{4}-\d{6}", tracking), tracking
    looks.check(page, "sent")
    return tracking


def test_citizen_drain_report_to_fixed_and_reopened(tmp_path):
    from kendali.core.demo import DEMO_PASSWORD

    looks = Looks()
    with live_site(tmp_path, demo=True) as site, chromium_page(PHONE) as page:
        errors = _errors(page)
        page.goto(f"{site.url}/warga/")
        looks.check(page, "portal")
        _report_by_keyboard(page, site, looks)

        page.goto(f"{site.url}/warga/")
        page.get_by_role("link", name="Buat laporan").click()
        page.select_option("#f-kategori", "saluran-tersumbat")
        page.wait_for_selector("#peta .leaflet-pane", state="attached")
        page.locator("#peta").scroll_into_view_if_needed()
        box = page.locator("#peta").bounding_box()
        assert box["height"] >= 250, box
        page.mouse.click(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.5)
        page.mouse.click(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.52)
        assert page.input_value("#f-line").startswith("[["), errors
        page.fill("#f-uraian", "Got depan gang tersumbat sampah, air meluap saat hujan")
        page.fill("#f-alamat", "Jl. Veteran gang Masjid")
        with page.expect_navigation():
            page.click("#kirim")
        tracking = page.inner_text("#nomor-laporan").strip()
        assert re.fullmatch(r"LW-\d{4}-\d{6}", tracking)
        report_url = f"{site.url}/lapor/{tracking}/"
        page.goto(report_url)
        looks.check(page, "tracking")

        officer = page.context.browser.new_context(
            viewport={"width": PHONE[0], "height": PHONE[1]}, locale="id-ID"
        )
        staff = officer.new_page()
        login(staff, site, "dpupr", DEMO_PASSWORD)
        staff.goto(f"{site.url}/lapor/kotak/?status=terbuka")
        looks.check(staff, "inbox")
        staff.get_by_role("link", name=tracking).click()
        assert "sisa 3 hari kerja" in staff.inner_text(".timers") or "sisa" in staff.inner_text(
            ".timers"
        )
        looks.check(staff, "inbox-report")
        with staff.expect_navigation():
            staff.click("#aksi-verifikasi")
        assert "Tindak lanjut (5 hari kerja)" in staff.inner_text(".timers")
        staff.select_option("#f-status", "fixed")
        staff.fill("#f-tindak", "Saluran sudah dikeruk petugas DPUPR")
        with staff.expect_navigation():
            staff.click("#aksi-tindak")
        assert staff.inner_text("#status") == "Selesai diperbaiki"
        assert "tepat waktu" in staff.inner_text(".timers")
        officer.close()

        page.goto(report_url)
        assert page.inner_text("#status") == "Selesai diperbaiki"
        page.fill("#f-alasan", "Air masih meluap tadi malam")
        with page.expect_navigation():
            page.click("#buka-kembali button")
        assert page.inner_text("#status") == "Dibuka kembali"

        page.goto(f"{site.url}/lapor/peta/?kategori=saluran-tersumbat")
        # The page's CSP forbids eval, so wait on a selector rather than a JS predicate.
        page.wait_for_selector("#peta-publik[data-count]:not([data-count=''])", state="attached")
        assert tracking in page.inner_text(".reportlist")
        assert page.locator("#peta-publik").bounding_box()["height"] >= 300
        looks.check(page, "map")
        page.goto(f"{site.url}/lapor/kinerja/")
        looks.check(page, "performance")
        assert not errors, errors
        assert not looks.findings, "\n".join(looks.findings)
