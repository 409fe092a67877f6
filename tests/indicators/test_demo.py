"""The demo and its done-when flow: Dinkes enters a health figure and a colleague approves it;
the wall has the indicators tile; a visitor downloads the daily 112 data set as CSV."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from kendali.core.actors import Actor
from kendali.core.registry import kpi_tiles
from kendali.indicators.models import EnteredFigure, FigureSnapshot, Target
from tests.conftest import login_client
from tests.indicators import helpers

pytestmark = pytest.mark.django_db


def test_demo_seed_and_done_when_flow(regions_loaded, frozen):
    from kendali.core.demo import seed_core
    from kendali.core.models import User
    from kendali.core.roles import sync_roles
    from kendali.indicators.demo import seed

    sync_roles()
    seed_core(actor=Actor.system("demo"))
    seed(actor=Actor.system("demo"))
    seed(actor=Actor.system("demo"))  # idempotent
    waiting = EnteredFigure.objects.get(status="diajukan")
    assert waiting.indicator_code == "HLT-06" and waiting.entered_by.username == "dinkes"
    assert EnteredFigure.objects.filter(status="disetujui").count() == 34
    # The economy has its OPDs' history too: entered by the OPD's officer, approved by another.
    economy = EnteredFigure.objects.filter(indicator_code__startswith="ECO-", status="disetujui")
    assert {f.agency.code for f in economy} == {"disnaker", "dinkopukm", "bpkad", "disparpora"}
    assert all(f.entered_by.agency_id == f.agency_id != f.reviewed_by.agency_id for f in economy)
    assert set(economy.values_list("year", flat=True)) == {2022, 2023, 2024, 2025}
    assert Target.objects.filter(indicator_code="GOV-01", year=2026).get().initiatives == [
        "PR.01",
        "PR.05",
    ]
    assert FigureSnapshot.objects.filter(year=2026).exists()

    # The colleague approves on the figures page.
    colleague = login_client(User.objects.get(username="dinkes2"))
    page = colleague.get("/indikator/angka/?status=diajukan").content.decode()
    assert "HLT-06" in page and "Setujui" in page
    colleague.post(f"/indikator/angka/{waiting.pk}/setujui/")
    waiting.refresh_from_db()
    assert waiting.status == "disetujui" and waiting.reviewed_by.username == "dinkes2"

    # The wall tile is registered for everyone on the wall.
    assert "indicators_targets" in {t.key for t in kpi_tiles(None)}

    # The city moves: a call comes in, the figure moves once the snapshot job runs.
    from kendali.indicators.services import snapshot_job

    helpers.call(datetime(2026, 7, 15, 2, 0, tzinfo=UTC), "darurat")
    helpers.call(datetime(2026, 7, 15, 2, 5, tzinfo=UTC) + timedelta(minutes=1), "iseng")
    snapshot_job()
    assert FigureSnapshot.objects.get(figure_key="calls.genuine_share", year=2026).value == 50.0

    # A public visitor downloads the daily 112 data set as CSV.
    visitor = Client()
    catalogue_page = visitor.get("/opendata/").content.decode()
    assert "/opendata/calls-daily_by_kecamatan/2026-07.csv" in catalogue_page
    response = visitor.get("/opendata/calls-daily_by_kecamatan/2026-07.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0].startswith("tanggal,kecamatan_kode,kecamatan,hasil")
    assert 'filename="calls-daily_by_kecamatan_2026-07.csv"' in response["Content-Disposition"]
