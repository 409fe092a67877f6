"""Incidents: creation throughput through incident_create (number allocation under a row
lock, locate, timeline, audit, event) against a bare ORM insert of the same row in the same
run; and the incident list (API, 50 per page, 5,000 incidents) against /api/v1/health.
Embedded default: a fresh SQLite file (WAL) under bench/var/."""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from pathlib import Path

from common import ROOT, percentile, report, setup_django

WORKDIR = Path(tempfile.mkdtemp(prefix="incidents-", dir=ROOT / "bench" / "var"))
setup_django(f"sqlite:///{WORKDIR / 'bench.sqlite3'}")

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from kendali.core.actors import Actor  # noqa: E402

N_CREATE = 1500
N_BASELINE = 1500
N_TOTAL = 5000
N_REQUESTS = 200


def main() -> None:
    from kendali.core.demo import seed_core
    from kendali.core.models import User
    from kendali.core.roles import sync_roles
    from kendali.incidents.models import Incident, IncidentType
    from kendali.incidents.services import incident_create
    from kendali.incidents.taxonomy import ensure_taxonomy
    from kendali.regions.services import regions_load

    call_command("migrate", verbosity=0)
    actor = Actor.system("bench")
    regions_load(actor=actor)
    sync_roles()
    seed_core(actor=actor)
    ensure_taxonomy()
    rng = random.Random(7)
    codes = list(IncidentType.objects.values_list("code", flat=True))

    def point():
        return rng.uniform(-6.20, -6.06), rng.uniform(106.08, 106.23)

    # Baseline: the bare row insert the framework does anyway (no lock, no locate, no audit).
    fire = IncidentType.objects.get(code="kebakaran")
    start = time.perf_counter()
    for i in range(N_BASELINE):
        lat, lon = point()
        Incident.objects.create(number=f"BASE-{i:06d}", type=fire, priority="P1", lat=lat, lon=lon)
    baseline_rate = N_BASELINE / (time.perf_counter() - start)
    Incident.objects.filter(number__startswith="BASE-").delete()

    samples = []
    start = time.perf_counter()
    for _ in range(N_CREATE):
        lat, lon = point()
        t0 = time.perf_counter()
        incident_create(
            actor=actor,
            type_code=rng.choice(codes),
            lat=lat,
            lon=lon,
            description="bench",
            reporter_phone="0812",
        )
        samples.append((time.perf_counter() - t0) * 1000)
    rate = N_CREATE / (time.perf_counter() - start)
    report(
        "incidents.create.rate",
        rate,
        "incidents/s",
        baseline_name="bare ORM insert",
        baseline=baseline_rate,
        target="a call-taker needs < 1/s; headroom for sensor bursts",
    )
    report(
        "incidents.create.p95",
        percentile(samples, 95),
        "ms",
        target="< 30 s per incident end to end (issue); service share",
    )

    while Incident.objects.count() < N_TOTAL:
        lat, lon = point()
        incident_create(actor=actor, type_code=rng.choice(codes), lat=lat, lon=lon)

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="dispatcher"))

    def timed(path: str) -> list[float]:
        out = []
        for _ in range(N_REQUESTS):
            t0 = time.perf_counter()
            response = client.get(path)
            out.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, response.status_code
        return out

    health = timed("/api/v1/health")
    listing = timed("/api/v1/incidents/?limit=50")
    page = timed("/kejadian/")
    report(
        "incidents.api_list.p95",
        percentile(listing, 95),
        "ms",
        baseline_name="/api/v1/health p95",
        baseline=percentile(health, 95),
        target="< 200 ms",
        incidents=N_TOTAL,
        page_size=50,
        at=timezone.now().isoformat(),
    )
    report(
        "incidents.page_list.p95",
        percentile(page, 95),
        "ms",
        baseline_name="/api/v1/health p95",
        baseline=percentile(health, 95),
        target="< 300 ms",
        incidents=N_TOTAL,
        page_size=50,
    )


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)
