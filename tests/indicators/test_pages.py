"""Pages: the overview (one screen, all components, bounded queries), component trends and
map, the figures desk with four eyes, targets, the public pages and the API."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kendali.core.actors import Actor
from kendali.core.models import AuditEntry
from kendali.indicators import services
from kendali.indicators.catalogue import catalogue
from kendali.indicators.models import EnteredFigure
from tests.indicators import helpers

pytestmark = pytest.mark.django_db
T = datetime(2026, 7, 10, 3, 0, tzinfo=UTC)


@pytest.fixture
def programme(regions_loaded, health_actors, actor_of, frozen):
    a, b = health_actors
    for year, value in ((2024, 101.5), (2025, 108.0)):
        figure = services.figure_enter(
            actor=a,
            indicator_code="HLT-04",
            year=year,
            value=value,
            unit="per 100.000 penduduk",
            evidence="Profil Kesehatan",
        )
        services.figure_approve(actor=b, figure_id=figure.pk)
    for year in (2024, 2025, 2026):
        services.target_set(actor=actor_of("spbe"), indicator_code="HLT-04", year=year, value=105)
    for where in (helpers.KASEMEN, helpers.SERANG, helpers.SERANG):
        helpers.incident("medis", where)
    helpers.call(T, "darurat")
    services.snapshot_refresh(actor=Actor.system("test"))


def test_overview_shows_eight_components_on_one_screen(clients, programme):
    response = clients["viewer"].get("/indikator/")
    page = response.content.decode()
    assert response.status_code == 200
    for component in catalogue().components:
        assert component.name_id in page
    assert page.index("Pemerintahan cerdas") < page.index("Kehidupan cerdas")
    assert "tanpa data" in page and "108,0" in page
    assert "st-tercapai" in page  # HLT-04 2025: 108 ≥ target 105


def test_overview_queries_do_not_grow_with_indicators(clients, programme):
    clients["viewer"].get("/indikator/")
    with CaptureQueriesContext(connection) as queries:
        clients["viewer"].get("/indikator/")
    assert len(queries) <= 14, [q["sql"][:80] for q in queries]


def test_component_page_has_trend_and_kecamatan_map(clients, programme):
    page = clients["officer"].get("/indikator/komponen/kesehatan/").content.decode()
    assert page.count('class="indicator-trend"') == len(catalogue().of_component("kesehatan"))
    assert 'class="indicator-map"' in page and 'data-kode="36.73.01"' in page
    assert "ISO 37120:2014 12.2" in page
    assert "Diisi oleh: Dinkes" in page  # the OPD's name, not its code
    # HLT-06 has no figure in any of the five years: one note over the five rows.
    card = page[page.index('id="HLT-06"') :].split("</article>")[0]
    assert card.count("Belum ada angka yang disetujui") == 1 and 'rowspan="5"' in card
    assert clients["officer"].get("/indikator/komponen/tidak-ada/").status_code == 404


def test_public_pages_without_login_show_only_approved(client, programme, health_actors):
    a, _b = health_actors
    services.figure_enter(
        actor=a,
        indicator_code="HLT-05",
        year=2025,
        value=71.4,
        unit="tahun",
        evidence="BPS",
    )
    page = client.get("/indikator/publik/").content.decode()
    assert "Kesehatan cerdas" in page and "menunggu persetujuan" not in page
    detail = client.get("/indikator/publik/kesehatan/").content.decode()
    assert "71,40" not in detail
    staff = client.get("/indikator/")
    assert staff.status_code == 302


def test_enter_and_approve_through_pages(health_clients, health_officers, programme):
    enter_client, approve_client = health_clients
    form = enter_client.get("/indikator/angka/baru/").content.decode()
    assert "HLT-06" in form and "LIV-07" not in form  # only Dinkes' indicators
    response = enter_client.post(
        "/indikator/angka/baru/",
        {
            "indicator": "HLT-06",
            "year": 2025,
            "value": "38.5",
            "unit": "%",
            "evidence": "Rekap SATUSEHAT 2025",
        },
    )
    assert response.status_code == 302
    figure = EnteredFigure.objects.get(indicator_code="HLT-06")
    own = enter_client.get("/indikator/angka/").content.decode()
    assert "Perlu disetujui rekan lain" in own
    enter_client.post(f"/indikator/angka/{figure.pk}/setujui/")
    figure.refresh_from_db()
    assert figure.status == "diajukan"
    approve_client.post(f"/indikator/angka/{figure.pk}/setujui/")
    figure.refresh_from_db()
    assert figure.status == "disetujui" and figure.reviewed_by == health_officers[1]
    assert AuditEntry.objects.filter(
        action="indicator_figure.approve", actor=health_officers[1]
    ).exists()


def test_wrong_unit_on_the_page_is_a_clear_message(health_clients, programme):
    enter_client, _ = health_clients
    response = enter_client.post(
        "/indikator/angka/baru/",
        {"indicator": "HLT-06", "year": 2025, "value": "38.5", "unit": "orang", "evidence": "x"},
    )
    assert response.status_code == 200
    assert "Satuan indikator ini adalah" in response.content.decode()
    assert not EnteredFigure.objects.filter(indicator_code="HLT-06").exists()


def test_other_opd_gets_404_on_a_figure(clients, programme):
    figure = EnteredFigure.objects.filter(indicator_code="HLT-04").first()
    response = clients["officer"].post(f"/indikator/angka/{figure.pk}/setujui/")
    assert response.status_code == 404
    listing = clients["officer"].get("/indikator/angka/").content.decode()
    assert "HLT-04" not in listing


def test_api_enter_approve_and_errors(health_clients, health_officers, programme):
    enter_client, approve_client = health_clients
    bad = enter_client.post(
        "/api/v1/indicators/figures",
        {"indicator": "HLT-06", "year": 2025, "value": 380, "unit": "%", "evidence": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad["Content-Type"].startswith("application/problem+json")
    assert [e["field"] for e in bad.json()["errors"]] == ["value"]
    ok = enter_client.post(
        "/api/v1/indicators/figures",
        {"indicator": "HLT-06", "year": 2025, "value": 38, "unit": "%", "evidence": "x"},
        content_type="application/json",
    )
    assert ok.status_code == 201
    fid = ok.json()["id"]
    self_ok = enter_client.post(
        f"/api/v1/indicators/figures/{fid}/approve", {}, content_type="application/json"
    )
    assert self_ok.status_code == 403
    done = approve_client.post(
        f"/api/v1/indicators/figures/{fid}/approve", {}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["status"] == "disetujui"
    again = approve_client.post(
        "/api/v1/indicators/figures",
        {"indicator": "HLT-06", "year": 2025, "value": 39, "unit": "%", "evidence": "x"},
        content_type="application/json",
    )
    assert again.status_code == 409
    listing = approve_client.get("/api/v1/indicators?component=kesehatan").json()
    hlt06 = next(i for i in listing if i["code"] == "HLT-06")
    assert hlt06["points"][-2] == {
        "year": 2025,
        "value": 38.0,
        "reason": "",
        "target": None,
        "pending": False,
    }


def test_openapi_lists_the_indicator_routes(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/indicators/figures" in schema["paths"]
    assert "/api/v1/indicators/targets/{code}/{year}" in schema["paths"]


def test_wall_tile(programme):
    from kendali.core.registry import get_tile, run_selector

    tile = get_tile("indicators_targets")
    result = run_selector(tile.selector, actor=Actor.system("wall"))
    assert result["value"] == "1/1" and "Kesehatan" in str(result["detail"])


def test_overview_cache_follows_changes(clients, programme, actor_of, health_actors):
    before = clients["viewer"].get("/indikator/").content.decode()
    services.target_set(actor=actor_of("spbe"), indicator_code="HLT-04", year=2025, value=200)
    after = clients["viewer"].get("/indikator/").content.decode()
    assert after.count("st-belum") == before.count("st-belum") + 1
    a, _b = health_actors
    services.figure_enter(
        actor=a, indicator_code="HLT-06", year=2025, value=30, unit="%", evidence="x"
    )
    waiting = clients["viewer"].get("/indikator/").content.decode()
    assert "menunggu</span>" in waiting and "menunggu</span>" not in after


def test_charts_leave_room_for_large_figures_and_say_what_grey_is(regions_loaded):
    import re

    from kendali.indicators import charts

    svg = charts.trend(
        years=[2024, 2025], values=[3_560_000, 3_910_000], targets=[None, 4_000_000], unit="x"
    )
    plot_left = float(re.search(r'<rect x="([\d.]+)"', svg).group(1))
    ticks = re.findall(r'text-anchor="end" font-size="11">([^<]+)<', svg)
    assert max(map(len, ticks)) == len("4.480.000,0")
    # Every tick label ends 6 px left of the plot and needs about 6.5 px a character at 11 px.
    assert plot_left - 6 >= 6.5 * max(map(len, ticks))
    charts.clear_cache()
    partial = charts.choropleth(values={"36.73.01": 3.0, "36.73.02": 1.0}, unit="barang")
    assert "abu-abu: tanpa data" in partial
    every = dict.fromkeys(("36.73.01", "36.73.02", "36.73.03", "36.73.04"), 1.0)
    every |= {"36.73.05": 2.0, "36.73.06": 0.0}
    assert "abu-abu" not in charts.choropleth(values=every, unit="barang")
