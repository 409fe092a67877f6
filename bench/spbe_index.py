"""SPBE: recomputing the index of a 47-indicator evaluation (PermenPANRB 59/2020) from the
database — the answers read, the weighted indicator → aspect → domain → index computation —
against reading the same answers alone (the baseline, same run); and the architecture
catalogue page with 2,000 elements (p95) against the home page of the same installation.
Embedded default: a fresh SQLite file (WAL) under bench/var/. ``--small`` for a quick run."""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, percentile, report, setup_django

(ROOT / "bench" / "var").mkdir(exist_ok=True)
WORKDIR = Path(tempfile.mkdtemp(prefix="spbe-", dir=ROOT / "bench" / "var"))
setup_django(f"sqlite:///{WORKDIR / 'bench.sqlite3'}")

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from kendali.core.actors import Actor  # noqa: E402

SMALL = "--small" in sys.argv
N_ELEMENTS = 200 if SMALL else 2000
ROUNDS = 50 if SMALL else 500
REQUESTS = 20 if SMALL else 200


def main() -> None:
    from kendali.core.demo import seed_core
    from kendali.core.models import Agency, User
    from kendali.core.roles import sync_roles
    from kendali.spbe import selectors, services
    from kendali.spbe.models import Answer, Element, Framework

    call_command("migrate", verbosity=0)
    actor = Actor.system("bench")
    sync_roles()
    seed_core(actor=actor)
    services.reference_codes_load(actor=actor)
    services.frameworks_load_bundled(actor=actor)
    framework = Framework.objects.get(code="permenpanrb-59-2020")
    evaluation = services.evaluation_create(actor=actor, framework=framework, year=2026)
    Answer.objects.filter(evaluation=evaluation).update(level=3)
    for n, a in enumerate(evaluation.answers.order_by("indicator__order")):
        Answer.objects.filter(pk=a.pk).update(level=1 + n % 5)

    # Baseline: the answers' levels read from the database, nothing computed.
    base = []
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        list(Answer.objects.filter(evaluation=evaluation).values_list("indicator_id", "level"))
        base.append(time.perf_counter() - t0)
    samples = []
    cold = time.perf_counter()
    selectors._structures.clear()
    fresh = Framework.objects.get(pk=framework.pk)
    from kendali.spbe.models import Evaluation

    ev = Evaluation.objects.select_related("framework").get(pk=evaluation.pk)
    ev.framework = fresh
    selectors.evaluation_score(ev)
    cold_ms = (time.perf_counter() - cold) * 1000
    for _ in range(ROUNDS):
        ev = Evaluation.objects.select_related("framework").get(pk=evaluation.pk)
        t0 = time.perf_counter()
        score = selectors.evaluation_score(ev)
        samples.append(time.perf_counter() - t0)
    assert 1 <= score["index"] <= 5
    report(
        "spbe.index_recompute_p95",
        percentile(samples, 95) * 1000,
        "ms",
        baseline_name="read answers only p95",
        baseline=percentile(base, 95) * 1000,
        target="< 50 ms",
        p50_ms=round(percentile(samples, 50) * 1000, 3),
        first_call_ms=round(cold_ms, 3),
        indicators=47,
    )

    # Catalogue page with N elements.
    agencies = list(Agency.objects.all())
    domains = ["proses_bisnis", "data", "layanan", "aplikasi", "infrastruktur", "keamanan"]
    refs = {
        "proses_bisnis": "RAB.05.01.01",
        "data": "RAD.02.01",
        "layanan": "RAL.01.02",
        "aplikasi": "RAA.01.03",
        "infrastruktur": "RAI.01.03",
        "keamanan": "RAK.03.02",
    }
    Element.objects.bulk_create(
        [
            Element(
                domain=domains[i % 6],
                code=f"EL.{i:05d}",
                name=f"Elemen arsitektur nomor {i}",
                agency=agencies[i % len(agencies)],
                reference_code=refs[domains[i % 6]],
            )
            for i in range(N_ELEMENTS)
        ]
    )
    user = User.objects.get(username="spbe")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    client.get("/spbe/arsitektur/")
    client.get("/")
    page, home = [], []
    for _ in range(REQUESTS):
        t0 = time.perf_counter()
        response = client.get("/spbe/arsitektur/")
        page.append(time.perf_counter() - t0)
        assert response.status_code == 200, (response.status_code, response.get("Location"))
        t0 = time.perf_counter()
        client.get("/")
        home.append(time.perf_counter() - t0)
    report(
        "spbe.catalogue_page_p95",
        percentile(page, 95) * 1000,
        "ms",
        baseline_name="home page p95",
        baseline=percentile(home, 95) * 1000,
        target="< 300 ms",
        elements=Element.objects.count(),
        p50_ms=round(percentile(page, 50) * 1000, 2),
        page_size=100,
    )
    t0 = time.perf_counter()
    body = client.get("/spbe/arsitektur/matriks.xlsx").content
    report(
        "spbe.matrix_xlsx",
        (time.perf_counter() - t0) * 1000,
        "ms",
        elements=Element.objects.count(),
        bytes=len(body),
    )


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)
