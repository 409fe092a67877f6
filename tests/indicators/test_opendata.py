"""Open data: every registered data set published without personal data (a test per data
set), small counts suppressed, downloads streamed as CSV, JSON and XLSX, versions by period."""

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from kendali.core import registry
from kendali.indicators import datacatalog
from kendali.indicators.models import DatasetDownload
from tests.indicators import helpers

pytestmark = pytest.mark.django_db
T = datetime(2026, 7, 10, 3, 0, tzinfo=UTC)
PHONE_RAW, PHONE = "081299998888", "+6281299998888"
NAME = "Siti Aminah Rahayu"
ADDRESS = "Jl. Kenari Gang Melati No. 7"
EXACT = (-6.07713, 106.15327)
SECRETS = (PHONE_RAW, PHONE, "6281299998888", NAME, "Kenari", "-6.07713", "106.15327")


@pytest.fixture
def city_with_people(regions_loaded, agencies, frozen):
    """Calls, incidents, a sensor and park Wi-Fi use, with a caller's and a reporter's
    personal data in every place the modules keep it."""
    from kendali.wifi.models import DailyUsage, Park

    for i in range(7):
        incident = helpers.incident(
            "kecelakaan",
            EXACT,
            reporter_name=NAME,
            reporter_phone=PHONE,
            address=ADDRESS,
            description=f"Pelapor {NAME} ({PHONE}) di {ADDRESS}",
        )
        helpers.call(
            T + timedelta(minutes=i),
            "darurat",
            number_raw=PHONE_RAW,
            number_e164=PHONE,
            notes=f"Penelepon {NAME}",
            incident=incident,
        )
    helpers.call(T, "iseng", number_raw=PHONE_RAW, number_e164=PHONE)
    sensor = helpers.device("tma-kasemen", "water_level", agencies["bpbd"], EXACT)
    helpers.rollups(sensor, "currentLevel", T, 3, value=1.2)
    park = Park.objects.create(
        name="Taman Sari", lat=-6.12, lon=106.15, kelurahan_id="36.73.01.1001"
    )
    DailyUsage.objects.create(park=park, day=T.date(), unique_users=3, sessions=9)
    DailyUsage.objects.create(
        park=park, day=T.date() - timedelta(days=1), unique_users=40, sessions=60
    )


def _download(client, ds, version, fmt) -> str:
    slug = datacatalog.slug(ds.key)
    response = client.get(f"/opendata/{slug}/{version.label}.{fmt}")
    assert response.status_code == 200, (ds.key, fmt)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(body), read_only=True).active
        return "\n".join(
            ",".join("" if c is None else str(c) for c in row)
            for row in sheet.iter_rows(values_only=True)
        )
    return body.decode("utf-8")


@pytest.mark.parametrize("key", [d.key for d in registry.datasets()])
def test_no_personal_data_in_data_set(key, city_with_people, client):
    ds = registry.get_dataset(key)
    for version in datacatalog.versions(ds)[:2]:
        for fmt in datacatalog.FORMATS:
            text = _download(client, ds, version, fmt)
            for secret in SECRETS:
                assert secret not in text, (key, version.label, fmt, secret)
    assert not any(
        datacatalog.PERSONAL_COLUMNS.search(c) for c in datacatalog.published_columns(ds)
    )


def test_calls_data_set_counts_and_suppression(city_with_people, client):
    ds = registry.get_dataset("calls.daily_by_kecamatan")
    text = _download(client, ds, datacatalog.version_for(ds, "2026-07"), "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    genuine = next(r for r in rows if r["hasil"] == "darurat")
    assert genuine["jumlah"] == "7" and genuine["kecamatan_kode"] == "36.73.02"
    assert genuine["tanggal"] == "2026-07-10" and genuine["disupresi"] == "0"
    prank = next(r for r in rows if r["hasil"] == "iseng")
    assert prank["jumlah"] == "" and prank["disupresi"] == "1"  # one call: suppressed


def test_wifi_small_user_counts_suppressed(city_with_people, client):
    ds = registry.get_dataset("wifi.daily_by_park")
    data = json.loads(_download(client, ds, datacatalog.version_for(ds, "2026-07"), "json"))
    assert data["versi"] == "2026-07" and data["lisensi"] == "CC-BY-4.0"
    by_day = {r["tanggal"]: r for r in data["data"]}
    assert by_day["2026-07-10"]["pengguna"] is None and by_day["2026-07-10"]["sesi"] == 9
    assert by_day["2026-07-09"]["pengguna"] == 40 and by_day["2026-07-09"]["disupresi"] == 0


def test_downloads_counted_and_unknown_versions_404(city_with_people, client):
    ds = registry.get_dataset("calls.daily_by_kecamatan")
    _download(client, ds, datacatalog.version_for(ds, "2026-07"), "csv")
    _download(client, ds, datacatalog.version_for(ds, "2026-07"), "csv")
    assert DatasetDownload.objects.get(dataset_key=ds.key, format="csv").count == 2
    assert client.get("/opendata/calls-daily_by_kecamatan/2019-01.csv").status_code == 404
    assert client.get("/opendata/calls-daily_by_kecamatan/2026-07.pdf").status_code == 404
    assert client.get("/opendata/tidak-ada/2026-07.csv").status_code == 404


def test_versions_by_period(frozen):
    daily = registry.get_dataset("calls.daily_by_kecamatan")
    labels = [v.label for v in datacatalog.versions(daily)]
    assert labels[0] == "2026-07" and labels[11] == "2025-08"
    assert labels[12:] == ["2026", "2025", "2024", "2023", "2022"]
    assert datacatalog.versions(daily)[0].running and not datacatalog.versions(daily)[1].running
    monthly = registry.get_dataset("incidents.by_type_kelurahan")
    assert [v.label for v in datacatalog.versions(monthly)] == [
        "2026",
        "2025",
        "2024",
        "2023",
        "2022",
    ]


def test_metadata_is_complete_satu_data(agencies, frozen):
    for ds in registry.datasets():
        meta = datacatalog.metadata(ds)
        assert datacatalog.complete(meta), ds.key
        assert meta["walidata"] == "Diskominfo Kota Serang"


def test_formula_cells_are_neutralised():
    assert datacatalog._cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert datacatalog._cell("-3.5") == "-3.5"
    assert datacatalog._cell("+62") == "'+62"


def test_public_pages(city_with_people, client):
    page = client.get("/opendata/")
    assert page.status_code == 200
    assert "Panggilan 112 per hari" in page.content.decode()
    detail = client.get("/opendata/calls-daily_by_kecamatan/").content.decode()
    assert "Walidata" in detail and "CC-BY-4.0" in detail and "2026-07.csv" in detail


def test_spbe_evidence_from_the_catalogue(agencies, frozen):
    from kendali.core.registry import evidence_sources, run_selector

    source = next(e for e in evidence_sources() if e.key == "indicators.open_data")
    result = run_selector(source.selector, actor=None, year=2026)
    assert result["url"] == "/opendata/"
    assert list(result["figures"].values())[0] == len(registry.datasets())
