"""Citizen reports: the public map's first view with 50,000 reports (the page and its
points, p95) against /api/v1/health in the same run, and Open311 POST requests throughput
(form-encoded, API key, routing, locate, audit, inbox notice) against the bare framework
floor (an in-process GET /api/v1/health). Embedded default: a fresh SQLite file (WAL).

    .venv/bin/python bench/reports_public.py            # 50,000 reports, 1,000 POSTs
    KENDALI_BENCH_REPORTS=2000 KENDALI_BENCH_POSTS=200 .venv/bin/python bench/reports_public.py
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from common import ROOT, declare, percentile, report, setup_django

declare("Laporan warga: peta publik dan Open311", order=80, doc="reports")

(ROOT / "bench" / "var").mkdir(parents=True, exist_ok=True)
WORKDIR = Path(tempfile.mkdtemp(prefix="reports-", dir=ROOT / "bench" / "var"))
setup_django(f"sqlite:///{WORKDIR / 'bench.sqlite3'}")

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from kendali.core.actors import Actor  # noqa: E402

N_REPORTS = int(os.environ.get("KENDALI_BENCH_REPORTS", "50000"))
N_POSTS = int(os.environ.get("KENDALI_BENCH_POSTS", "1000"))
N_VIEWS = int(os.environ.get("KENDALI_BENCH_VIEWS", "100"))


def _fill(total: int) -> None:
    """Bulk rows up to ``total`` (data for the read path; the write path is measured below)."""
    import secrets

    from kendali.core.models import Agency
    from kendali.regions.locate import locate
    from kendali.reports.models import Category, Report

    rng = random.Random(17)
    cats = list(Category.objects.all())
    agencies = {c.pk: c.agency_id for c in cats}
    statuses = ["open", "in_progress", "fixed", "fixed", "closed_not_fixed", "reopened"]
    now = timezone.now()
    have = Report.objects.count()
    year = now.year
    batch = []
    for i in range(have, total):
        lat, lon = rng.uniform(-6.20, -6.06), rng.uniform(106.08, 106.23)
        place = locate(lat, lon)
        cat = rng.choice(cats)
        batch.append(
            Report(
                tracking=f"LW-{year - 1}-{i:06d}",
                token=secrets.token_urlsafe(18),
                category=cat,
                description="Laporan uji beban",
                public_description="Laporan uji beban",
                lat=lat,
                lon=lon,
                kelurahan_id=place.kelurahan_kode,
                kecamatan_id=place.kecamatan_kode,
                agency_id=agencies[cat.pk],
                status=rng.choice(statuses),
                created_at=now - timedelta(minutes=rng.randint(0, 60 * 24 * 365)),
            )
        )
        if len(batch) == 5000:
            Report.objects.bulk_create(batch)
            batch = []
    Report.objects.bulk_create(batch)
    assert Agency.objects.exists()


def main() -> None:
    from kendali.core.demo import seed_core
    from kendali.core.roles import sync_roles
    from kendali.incidents.taxonomy import ensure_taxonomy
    from kendali.regions.services import regions_load
    from kendali.reports import demo, services
    from kendali.reports.models import Report

    call_command("migrate", verbosity=0)
    actor = Actor.system("bench")
    regions_load(actor=actor)
    sync_roles()
    seed_core(actor=actor)
    ensure_taxonomy()
    demo.seed(actor=actor)
    _fill(N_REPORTS)
    total = Report.objects.count()

    client = Client(HTTP_HOST="127.0.0.1")

    from django.core.cache import cache

    def timed(path: str, n: int, cold: bool = False) -> list[float]:
        out = []
        for _ in range(n):
            if cold:
                cache.clear()  # every visitor the first: no cached map points
            t0 = time.perf_counter()
            response = client.get(path)
            out.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        return out

    health = timed("/api/v1/health", N_VIEWS)
    page = timed("/lapor/peta/", N_VIEWS)
    points = timed("/lapor/peta/data.json", N_VIEWS, cold=True)
    warm = timed("/lapor/peta/data.json", N_VIEWS)
    first_view = [a + b for a, b in zip(page, points, strict=True)]
    filtered = timed("/lapor/peta/data.json?status=terbuka&kecamatan=36.73.01", N_VIEWS, cold=True)
    size = len(client.get("/lapor/peta/data.json").content)
    report(
        "reports.public_map.first_view.p95",
        percentile(first_view, 95),
        "ms",
        baseline_name="/api/v1/health p95",
        baseline=percentile(health, 95),
        target="< 300 ms with 50,000 reports",
        reports=total,
        page_p95=round(percentile(page, 95), 2),
        points_p95=round(percentile(points, 95), 2),
        points_cached_p95=round(percentile(warm, 95), 2),
        points_bytes=size,
    )
    report(
        "reports.public_map.filtered.p95",
        percentile(filtered, 95),
        "ms",
        baseline_name="/api/v1/health p95",
        baseline=percentile(health, 95),
        target="< 300 ms",
        reports=total,
    )

    # Page weight for a cheap phone on a slow link: HTML plus every asset it loads.
    import re

    from django.contrib.staticfiles import finders

    for name, path in (("portal.home", "/warga/"), ("reports.form", "/lapor/")):
        html = client.get(path).content
        assets = re.findall(rb'(?:href|src)="(/static/[^"]+)"', html)
        asset_bytes = sum(
            Path(finders.find(a.decode().removeprefix("/static/"))).stat().st_size for a in assets
        )
        extra = (
            len(client.get("/api/v1/regions/?level=kecamatan").content) if path == "/lapor/" else 0
        )
        report(
            f"{name}.page_weight",
            (len(html) + asset_bytes + extra) / 1024,
            "KiB",
            target="light on a cheap phone (uncompressed)",
            html_bytes=len(html),
            assets=len(assets),
            asset_bytes=asset_bytes,
            boundaries_bytes=extra,
        )

    _token, key = services.open311_key_create(actor=actor, name="bench")
    rng = random.Random(3)
    codes = ["saluran-tersumbat", "jalan-rusak", "lampu-jalan", "sampah", "fasum"]

    def post(i: int):
        # Form-encoded, as GeoReport v2 clients send it (not the test client's multipart).
        body = urlencode(
            {
                "api_key": key,
                "service_code": codes[i % len(codes)],
                "lat": f"{rng.uniform(-6.18, -6.08):.6f}",
                "long": f"{rng.uniform(106.10, 106.21):.6f}",
                "description": "Uji beban Open311",
            }
        )
        return client.post(
            "/open311/v2/requests.json", body, content_type="application/x-www-form-urlencoded"
        )

    assert post(0).status_code == 201  # the client key and the routing tables are now known
    reset_queries()  # the log keeps 9,000 entries: full after the fill, it would count none
    with CaptureQueriesContext(connection) as queries:
        post(1)
    floor = timed("/api/v1/health", N_POSTS)
    floor_rate = N_POSTS / (sum(floor) / 1000)
    samples = []
    start = time.perf_counter()
    for i in range(N_POSTS):
        t0 = time.perf_counter()
        response = post(i)
        samples.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 201, response.content
    rate = N_POSTS / (time.perf_counter() - start)
    report(
        "reports.open311_post.rate",
        rate,
        "requests/s",
        baseline_name="GET /api/v1/health (framework floor)",
        baseline=floor_rate,
        target=">= 100/s",
        p95_ms=round(percentile(samples, 95), 2),
        reports=Report.objects.count(),
        # Statements of one POST, BEGIN/COMMIT included (SQLite: two short transactions).
        queries_per_post=len(queries.captured_queries),
    )


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)
