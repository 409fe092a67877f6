"""Smart-city indicators and open data (issue 16).

1. The programme overview (/indikator/, every indicator of the eight components over five
   years, live figures from the yearly snapshots, entered figures, targets) rendered through
   Django's full stack for a logged-in viewer: p95 against the home page of the same shell,
   measured in the same run, with the components grid cached for the data version and
   "cold" (cache emptied before every request, as after each change). Target: p95 < 300 ms.
2. One year of hourly rollups of 200 sensors (200 × 8,760 = 1,752,000 rows) downloaded as
   CSV from /opendata/sensors-hourly_rollups/<year>.csv (streamed): the Python heap's peak
   while streaming (tracemalloc) against the peak for one sensor's year in the same run, and
   the rows per second. Target: memory bounded (peak independent of the number of rows).

    .venv/bin/python bench/indicators_overview.py [--sensors 200] [--runs 60] [--pg]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from common import ROOT, percentile, report, setup_django

PG = "postgres://postgres@127.0.0.1:5432/kendali_indicators_bench"


def _args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sensors", type=int, default=200)
    parser.add_argument("--hours", type=int, default=8760)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--pg", action="store_true")
    return parser.parse_args()


ARGS = _args()
WORKDIR = Path(tempfile.mkdtemp(prefix="indicators-", dir=ROOT / "bench" / "var"))
if ARGS.pg:
    import psycopg

    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute("DROP DATABASE IF EXISTS kendali_indicators_bench WITH (FORCE)")
        c.execute("CREATE DATABASE kendali_indicators_bench")
setup_django(PG if ARGS.pg else f"sqlite:///{WORKDIR / 'bench.sqlite3'}")


def populate_programme() -> None:
    """Five years of everything the overview shows, as the jobs and services leave it."""
    from django.utils import timezone

    from kendali.core.models import Agency, User
    from kendali.indicators.catalogue import catalogue
    from kendali.indicators.models import EnteredFigure, FigureSnapshot, Target
    from kendali.regions.models import Region

    kecamatan = list(Region.objects.filter(level="kecamatan").values_list("kode", flat=True))
    agency = Agency.objects.create(code="dinkes", name="Dinkes", short_name="Dinkes", kind="opd")
    enterer = User.objects.create(username="isi", agency=agency)
    approver = User.objects.create(username="setuju", agency=agency)
    year = timezone.localdate().year
    now = timezone.now()
    snaps, figures, targets = [], [], []
    for i in catalogue().indicators:
        for y in range(year - 4, year + 1):
            value = (i.minimum + i.maximum) / 7 + (y - year)
            targets.append(Target(indicator_code=i.code, year=y, value=value, initiatives=["PR-1"]))
            if i.is_live:
                snaps.append(
                    FigureSnapshot(
                        figure_key=i.figure,
                        year=y,
                        value=value,
                        unit=i.unit,
                        by_kecamatan={k: value + n for n, k in enumerate(kecamatan)},
                        computed_at=now,
                    )
                )
            else:
                figures.append(
                    EnteredFigure(
                        indicator_code=i.code,
                        year=y,
                        value=value,
                        unit=i.unit,
                        agency=agency,
                        evidence="bench",
                        status="disetujui",
                        entered_by=enterer,
                        reviewed_by=approver,
                    )
                )
    FigureSnapshot.objects.bulk_create(snaps, ignore_conflicts=True)
    EnteredFigure.objects.bulk_create(figures)
    Target.objects.bulk_create(targets)


def measure_pages(runs: int) -> None:
    from django.contrib.auth.models import Group
    from django.test import Client

    from kendali.core.models import User

    viewer = User.objects.create(username="pemantau")
    viewer.groups.add(Group.objects.get(name="control_room_viewer"))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(viewer)

    from django.core.cache import cache

    def timed(path: str, cold: bool = False) -> list[float]:
        warm = client.get(path)
        assert warm.status_code == 200, (path, warm.status_code, warm.get("Location"))
        samples = []
        for _ in range(runs):
            if cold:
                cache.clear()  # as after every change (the snapshot job: once a minute)
            t0 = time.perf_counter()
            response = client.get(path)
            samples.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        return samples

    overview = timed("/indikator/")
    cold = timed("/indikator/", cold=True)
    public = timed("/indikator/publik/")
    home = timed("/")
    report(
        "indicators.overview_p95",
        percentile(overview, 95),
        "ms",
        baseline_name="home page of the same shell (p95)",
        baseline=percentile(home, 95),
        target="< 300 ms",
        p50_ms=round(percentile(overview, 50), 2),
        cold_p95_ms=round(percentile(cold, 95), 2),
        cold_p50_ms=round(percentile(cold, 50), 2),
        public_p95_ms=round(percentile(public, 95), 2),
        runs=runs,
        years=5,
    )


def populate_sensors(n: int, hours: int, start: datetime) -> list:
    from kendali.core.actors import Actor
    from kendali.core.models import Agency
    from kendali.sensors.models import RollupHour
    from kendali.sensors.services import device_create

    actor = Actor.system("bench")
    agency = Agency.objects.create(code="bpbd", name="BPBD", short_name="BPBD", kind="opd")
    devices = []
    for k in range(n):
        device, _ = device_create(
            actor=actor,
            code=f"tma-{k:03d}",
            name=f"TMA {k}",
            kind="water_level",
            agency=agency,
            lat=-6.1 - k / 10000,
            lon=106.15,
            with_token=False,
        )
        var = device.variables.get()
        batch = []
        for h in range(hours):
            batch.append(
                RollupHour(
                    variable=var,
                    bucket=start + timedelta(hours=h),
                    count=60,
                    total=60.0 + h % 17,
                    minimum=0.9,
                    maximum=1.3,
                )
            )
        RollupHour.objects.bulk_create(batch, batch_size=5000)
        devices.append(device)
    return devices


def stream(client, path: str, *, traced: bool) -> tuple[int, float, int, int]:
    if traced:
        tracemalloc.start()
    t0 = time.perf_counter()
    response = client.get(path)
    size = 0
    lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    elapsed = time.perf_counter() - t0
    peak = 0
    if traced:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return lines - 1, elapsed, peak, size


def measure_download(n: int, hours: int) -> None:
    from django.test import Client

    from kendali.sensors.models import RollupHour

    year = date.today().year - 1  # a closed year
    start = datetime(year, 1, 1, tzinfo=UTC) - timedelta(hours=7)  # 1 January 00:00 WIB
    populate_sensors(n, hours, start)
    client = Client(HTTP_HOST="127.0.0.1")
    path = f"/opendata/sensors-hourly_rollups/{year}.csv"
    rows_total = RollupHour.objects.count()
    rows, elapsed, _peak, size = stream(client, path, traced=False)
    assert rows == rows_total, (rows, rows_total)
    rows_t, _e, peak_all, _s = stream(client, path, traced=True)
    # One sensor's year: delete the others (the baseline sees exactly 1/n of the rows).
    RollupHour.objects.exclude(variable__device__code="tma-000").delete()
    rows_one, _e1, peak_one, _s1 = stream(client, path, traced=True)
    report(
        "indicators.opendata_stream_peak_heap",
        peak_all / 1e6,
        "MB",
        baseline_name=f"same download of one sensor's year ({rows_one} rows), peak heap",
        baseline=peak_one / 1e6,
        target="bounded: peak independent of rows",
        rows=rows,
        sensors=n,
        hours=hours,
        csv_mb=round(size / 1e6, 1),
        seconds=round(elapsed, 1),
        rows_per_s=round(rows / elapsed),
    )


def main() -> None:
    from django.core.management import call_command

    from kendali.core.actors import Actor
    from kendali.core.roles import sync_roles
    from kendali.regions.services import regions_load

    call_command("migrate", verbosity=0)
    sync_roles()
    regions_load(actor=Actor.system("bench"))
    populate_programme()
    measure_pages(ARGS.runs)
    measure_download(ARGS.sensors, ARGS.hours)
    shutil.rmtree(WORKDIR, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
