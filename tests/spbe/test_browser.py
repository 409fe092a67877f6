"""The issue's walk-through in a real Chromium at 1366×768 on the `kendali demo` data, as the
demo coordinator: the architecture already holds Kendali's own applications and services; the
park Wi-Fi service is linked down to its last access point; this year's evaluation is drafted
from PermenPANRB 59/2020 and starts with evidence from the live modules; the index and
predicate show; the SIA-SPBE matrix and the evaluation export (XLSX and PDF) download and open.
axe-core finds no serious or critical violation on any page. Screenshots land in
``var/screenshots/spbe/`` for a person to look at."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest

from tests.livesite import ROOT, chromium_page, live_site, login

pytestmark = pytest.mark.browser
SIZE = (1366, 768)
SHOTS = ROOT / "var" / "screenshots" / "spbe"
SEVERE = {"serious", "critical"}
PREDICATES = ("Memuaskan", "Sangat Baik", "Baik", "Cukup", "Kurang")
OVERFLOW_JS = (
    "() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"
)


def _severe(axe, page) -> list[str]:
    result = axe.run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}"
        for v in result.response["violations"]
        if v["impact"] in SEVERE
    ]


def _look(page, axe, findings: dict, name: str) -> None:
    """Screenshot, overflow and axe for the page as it stands."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{SIZE[0]}x{SIZE[1]}.png"))
    assert not page.evaluate(OVERFLOW_JS), f"{name}: the page is wider than the screen"
    findings[name] = _severe(axe, page)


def _download(page, selector: str) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    return info.value.path().read_bytes()


def test_coordinator_walks_the_done_when_flow(tmp_path):
    from axe_playwright_python.sync_playwright import Axe
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from kendali.core.demo import DEMO_PASSWORD

    axe = Axe()
    findings: dict[str, list[str]] = {}
    year = date.today().year
    with live_site(tmp_path, demo=True) as site, chromium_page(SIZE) as page:
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        login(page, site, "spbe", DEMO_PASSWORD)

        # Kendali's own applications and services are in the catalogue without anyone typing.
        page.goto(f"{site.url}/spbe/arsitektur/?q=KDL.")
        own = page.locator("table tbody tr", has_text="KDL.")
        assert own.count() >= 8, own.count()
        assert page.locator("table tbody tr", has_text="KDL.WIFI-PUBLIC-SERVICE").count() == 1
        _look(page, axe, findings, "arsitektur-kendali")

        # The park Wi-Fi service, linked down to the access point not yet linked.
        page.click("a:text-is('KDL.WIFI-PUBLIC-SERVICE')")
        page.wait_for_load_state("networkidle")
        linked = set(page.locator("table.grid tbody a", has_text="INFRA.AP.").all_inner_texts())
        offered = page.locator("select[name=target] option", has_text="INFRA.AP.")
        free = [
            offered.nth(i).get_attribute("value")
            for i in range(offered.count())
            if offered.nth(i).inner_text().split(" — ")[0] not in linked
        ]
        assert linked and len(free) == 1, (linked, free)
        page.select_option("select[name=kind]", "runs_on_infra")
        page.select_option("select[name=target]", free[0])
        with page.expect_navigation():
            page.click("button:text-is('Tambah relasi')")
        now_linked = page.locator("table.grid tbody a", has_text="INFRA.AP.").all_inner_texts()
        assert len(set(now_linked)) == len(linked) + 1, now_linked
        drawing = page.locator(".svgwrap svg")
        assert drawing.locator("text", has_text="INFRA.AP.").count() == len(linked) + 1
        _look(page, axe, findings, "layanan-wifi")

        # This year's evaluation, drafted from the 59/2020 framework (last year's levels carried).
        page.goto(f"{site.url}/spbe/evaluasi/")
        framework = page.locator("select[name=framework] option", has_text="59/2020")
        page.select_option("select[name=framework]", framework.first.get_attribute("value"))
        assert page.input_value("input[name=year]") == str(year)
        with page.expect_navigation():
            page.click("button:text-is('Buat')")
        assert re.search(r"/spbe/evaluasi/\d+/$", page.url), page.url
        evaluation_url = page.url
        headline = page.inner_text("p.big")
        found = re.search(r"Indeks (\d+[.,]\d\d) — (.+?) \(", headline)
        assert found and found.group(2) in PREDICATES, headline
        assert float(found.group(1).replace(",", ".")) > 1
        assert page.locator("h2", has_text="Dibanding").count() == 1
        # Live evidence is already on the answers the modules support.
        with_evidence = page.locator("table.spbe-table tbody tr").filter(
            has=page.locator("td.num:nth-child(6)", has_not_text="0")
        )
        assert with_evidence.count() >= 8, with_evidence.count()
        _look(page, axe, findings, "evaluasi")

        page.click("table.spbe-table a:text-is('Tingkat Kematangan Layanan Data Terbuka')")
        page.wait_for_load_state("networkidle")
        live = page.locator("ul.evidence li", has_text="Bukti langsung")
        assert live.count() >= 1 and "data terbuka" in live.first.inner_text().lower()
        _look(page, axe, findings, "jawaban-data-terbuka")

        page.goto(f"{site.url}/spbe/jawaban/{_answer_id(page, evaluation_url, '45')}/")
        assert "112" in page.inner_text("ul.evidence")
        _look(page, axe, findings, "jawaban-112")

        # The SIA-SPBE matrix and the evaluation export download and open.
        page.goto(f"{site.url}/spbe/")
        matrix = load_workbook(io.BytesIO(_download(page, "a[href$='matriks.xlsx']")))
        header = [c.value for c in matrix.active[1]]
        assert "Kode referensi" in " ".join(str(h) for h in header), header
        assert any(
            "KDL.WIFI-PUBLIC-SERVICE" in str(c.value)
            for row in matrix.active.iter_rows()
            for c in row
        )
        _look(page, axe, findings, "beranda-spbe")
        page.goto(evaluation_url)
        book = load_workbook(io.BytesIO(_download(page, "a[href$='ekspor.xlsx']")))
        rows = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
        assert len(rows) == 47 and any(
            "data terbuka" in str(r[10]).lower() for r in rows if r[2] == "43"
        )
        pdf = PdfReader(io.BytesIO(_download(page, "a[href$='ekspor.pdf']")))
        text = "\n".join(p.extract_text() for p in pdf.pages)
        assert f"Evaluasi SPBE {year}" in text and "43. Tingkat Kematangan Layanan Data" in text
        assert not errors, errors
    assert not {name: found for name, found in findings.items() if found}, findings


def _answer_id(page, evaluation_url: str, code: str) -> str:
    page.goto(evaluation_url)
    row = page.locator("table.spbe-table tbody tr", has=page.locator(f"td:text-is('{code}')"))
    return row.locator("a").get_attribute("href").rstrip("/").rsplit("/", 1)[-1]
