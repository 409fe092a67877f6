"""The programme in a real Chromium at 1366×768 on the `kendali demo` data, one server and one
login: the overview shows all eight components on one screen with every label readable and
live economy figures; the economy page has its trends and kecamatan maps; the wall has the
indicators tile; the public pages and the open-data catalogue work without login. axe-core
finds no serious or critical violation on any of them. Screenshots land in
``var/screenshots/indicators/`` for a person to look at."""

from __future__ import annotations

import pytest

from tests.livesite import ROOT, chromium_page, live_site, login

pytestmark = pytest.mark.browser
SIZE = (1366, 768)
SHOTS = ROOT / "var" / "screenshots" / "indicators"
SEVERE = {"serious", "critical"}
ECONOMY_LIVE = ("ECO-06", "ECO-07", "ECO-08")

# Labels cut by the one-screen layout, and the layout wider than the screen.
LAYOUT_JS = """() => {
  const doc = document.documentElement;
  const cut = [...document.querySelectorAll('.ind-rows .nm')]
    .filter(e => e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1)
    .map(e => e.textContent.trim());
  return {cut, overflow: doc.scrollWidth > doc.clientWidth + 1};
}"""


def _severe(axe, page, context=None) -> list[str]:
    result = axe.run(page, context=context)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}"
        for v in result.response["violations"]
        if v["impact"] in SEVERE
    ]


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{SIZE[0]}x{SIZE[1]}.png"))


def test_programme_pages_are_readable_and_accessible(tmp_path):
    from axe_playwright_python.sync_playwright import Axe

    from kendali.core.demo import DEMO_PASSWORD

    axe = Axe()
    findings: dict[str, list[str]] = {}
    with live_site(tmp_path, demo=True) as site, chromium_page(SIZE) as page:
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        login(page, site, "pemantau", DEMO_PASSWORD)

        page.goto(f"{site.url}/indikator/")
        assert page.locator(".ind-comp").count() == 8
        layout = page.evaluate(LAYOUT_JS)
        assert layout == {"cut": [], "overflow": False}, layout
        grid = page.locator(".ind-grid").bounding_box()
        assert grid["y"] + grid["height"] <= SIZE[1] + 1, "the components do not fit one screen"
        economy = page.locator("section[aria-labelledby=comp-ekonomi] li")
        assert economy.count() >= 8
        rows = {
            economy.nth(i).get_attribute("title").split(" — ")[0]: economy.nth(i)
            for i in range(economy.count())
        }
        for name in (
            "BMD yang disewakan atau dikerjasamakan",
            "Pengunjung taman kota per hari",
            "Pengunjung taman kota pada akhir pekan",
        ):
            assert "tanpa data" not in rows[name].inner_text(), name
        _shot(page, "ringkasan")
        findings["/indikator/"] = _severe(axe, page)

        page.goto(f"{site.url}/indikator/komponen/ekonomi/")
        for code in ECONOMY_LIVE:
            card = page.locator(f"article#{code}")
            assert card.locator("svg.indicator-trend rect.bar").count() >= 1, code
            assert card.locator("svg.indicator-map path.kecamatan").count() == 6, code
        # Entered figures: a few approved past years each, so none of the charts is empty.
        assert page.locator("article#ECO-01 svg.indicator-trend rect.bar").count() >= 3
        _shot(page, "komponen-ekonomi")
        findings["/indikator/komponen/ekonomi/"] = _severe(axe, page)

        page.goto(f"{site.url}/ruang-kendali/dinding/")
        tile = page.wait_for_selector("#tile-indicators_targets .tile-detail", state="attached")
        assert "/" in page.inner_text("#tile-indicators_targets .tile-value")
        assert "Ekonomi" in tile.inner_text()
        # The minute's recomputation refreshes the tile but is no line on the ticker.
        page.wait_for_selector("#control-ticker li", state="attached")
        assert "snapshot" not in page.inner_text("#control-ticker")
        _shot(page, "dinding")
        # The tile only: the wall's map and its markers belong to the control room.
        findings["/ruang-kendali/dinding/ (ubin)"] = _severe(
            axe, page, context="#tile-indicators_targets"
        )

        page.context.clear_cookies()  # a visitor without an account
        for path, name in (
            ("/indikator/publik/", "publik"),
            ("/indikator/publik/ekonomi/", "publik-ekonomi"),
            ("/opendata/", "opendata"),
            ("/opendata/calls-daily_by_kecamatan/", "opendata-112"),
        ):
            response = page.goto(f"{site.url}{path}")
            assert response.status == 200 and "/masuk/" not in page.url, path
            assert not page.evaluate(LAYOUT_JS)["overflow"], path
            _shot(page, name)
            findings[path] = _severe(axe, page)
        assert page.locator("a", has_text="CSV").count() >= 1
        assert not errors, errors
    assert not {path: found for path, found in findings.items() if found}, findings
