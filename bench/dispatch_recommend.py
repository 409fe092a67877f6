"""Recommendation over 2,000 units: p95 of recommend() for an incident (run card, index
check, vectorised ranking; target p95 < 5 ms), against a naive full scan in the same run
(load every unit row, one Python haversine each, full sort). Fresh SQLite file database."""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from common import percentile, report, setup_django

TMP = Path(tempfile.mkdtemp(prefix="kendali-bench-dispatch-"))
setup_django(f"sqlite:///{TMP / 'bench.sqlite3'}")

from django.core.management import call_command  # noqa: E402

N_UNITS = 2000
N_QUERIES = 2000
N_NAIVE = 300
KINDS = ["pemadam", "ambulans", "patroli", "rescue", "bpbd", "satpolpp", "pln", "pdam"]


def populate() -> list:
    from kendali.core.actors import Actor
    from kendali.core.choices import AgencyKind
    from kendali.core.models import Agency
    from kendali.dispatch.defaults import seed_run_cards
    from kendali.dispatch.models import RunCard, RunCardLine, Unit
    from kendali.incidents.models import Incident, IncidentType

    call_command("migrate", verbosity=0)
    seed_run_cards(IncidentType, RunCard, RunCardLine)
    agencies = [
        Agency.objects.create(
            code=f"a{i}", name=f"Instansi {i}", short_name=f"I{i}", kind=AgencyKind.OPD
        )
        for i in range(8)
    ]
    rng = random.Random(4)
    statuses = ["tersedia"] * 7 + ["ditugaskan", "menuju", "tidak_siaga"]
    Unit.objects.bulk_create(
        Unit(
            agency=agencies[i % 8],
            callsign=f"U-{i:04d}",
            kind=KINDS[i % len(KINDS)],
            home_lat=rng.uniform(-6.20, -6.02),
            home_lon=rng.uniform(106.08, 106.26),
            status=rng.choice(statuses),
        )
        for i in range(N_UNITS)
    )
    types = list(
        IncidentType.objects.filter(code__in=["kebakaran", "kecelakaan", "medis", "banjir"])
    )
    incidents = []
    for n in range(50):
        t = types[n % len(types)]
        incidents.append(
            Incident.objects.create(
                number=f"112-2026-{n:06d}",
                type=t,
                priority="P1" if n % 2 else t.default_priority,
                lat=rng.uniform(-6.19, -6.03),
                lon=rng.uniform(106.09, 106.25),
            )
        )
    _ = Actor
    return incidents


def main() -> None:
    from kendali.core.actors import Actor
    from kendali.dispatch.models import Unit
    from kendali.dispatch.selectors import recommend, run_card_for
    from kendali.dispatch.travel import naive_rank, unit_index

    incidents = populate()
    actor = Actor.system("bench")
    recommend(actor=actor, incident=incidents[0])  # build the index outside the measurement
    # Agreement: the vectorised ranking returns the same first units as the naive scan.
    sample = incidents[1]
    kinds = sorted({line.kind for line in run_card_for(sample).lines.all()})
    fast = [
        c.unit_id
        for c in unit_index().rank(to_lat=sample.lat, to_lon=sample.lon, kinds=kinds, limit=9)
    ]
    slow = [
        pk
        for _eta, pk in naive_rank(
            Unit.objects.all(), to_lat=sample.lat, to_lon=sample.lon, kinds=kinds, limit=9
        )
    ]
    assert fast == slow, (fast, slow)

    samples = []
    for i in range(N_QUERIES):
        incident = incidents[i % len(incidents)]
        t0 = time.perf_counter()
        recommend(actor=actor, incident=incident)
        samples.append((time.perf_counter() - t0) * 1000)
    core = []
    index = unit_index()
    for i in range(N_QUERIES):
        incident = incidents[i % len(incidents)]
        t0 = time.perf_counter()
        index.rank(to_lat=incident.lat, to_lon=incident.lon, kinds=kinds, limit=9)
        core.append((time.perf_counter() - t0) * 1000)
    naive = []
    for i in range(N_NAIVE):
        incident = incidents[i % len(incidents)]
        card = run_card_for(incident)
        t0 = time.perf_counter()
        naive_rank(
            Unit.objects.all(),
            to_lat=incident.lat,
            to_lon=incident.lon,
            kinds=sorted({line.kind for line in card.lines.all()}) if card else None,
            limit=9,
        )
        naive.append((time.perf_counter() - t0) * 1000)
    report(
        "dispatch.recommend.p95",
        percentile(samples, 95),
        "ms",
        baseline_name="naive full scan (all unit rows, Python haversine, full sort) p95",
        baseline=percentile(naive, 95),
        target="< 5 ms",
        units=N_UNITS,
        calls=N_QUERIES,
    )
    report(
        "dispatch.recommend.p50",
        percentile(samples, 50),
        "ms",
        baseline_name="naive full scan p50",
        baseline=percentile(naive, 50),
    )
    report(
        "dispatch.recommend.rank_only.p95",
        percentile(core, 95),
        "ms",
        target="(ranking of the in-memory index alone)",
    )


if __name__ == "__main__":
    main()
