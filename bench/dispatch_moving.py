"""Recommendation while the fleet moves: 2,000 units each reporting a position every 10 s
(200 position writes/s through the real position service, unit_report_positions, from a
separate process as another server worker would) plus crews changing status, while a
dispatcher asks for recommendations. Reports recommendation p95/p99 under the moving fleet
against the parked fleet and a naive full scan measured in the same run, the write rate
achieved, and the position service's own throughput against the raw storage operation.
Targets (SQLite): recommendation p95 < 5 ms with the fleet moving; >= 1,000 position
writes/s. Fresh SQLite file database under bench/var/. Django's query log is off in both
processes, as in production (KENDALI_DEBUG=0): it would time the log, not the code.

    python bench/dispatch_moving.py            # the real size (about 2 minutes)
    KENDALI_BENCH_QUICK=1 python bench/dispatch_moving.py   # smoke run, not recorded
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import QUICK, VAR, declare, percentile, report, setup_django

declare("Dispatch: rekomendasi dengan armada bergerak", order=45, doc="dispatch")

N_UNITS = 2000
REPORT_EVERY_S = 10.0  # each unit reports a position every 10 s → 200 writes/s
STATUS_PER_S = 2.0  # crews going in and out of service
DURATION_S = 12 if QUICK else 60
RECOMMEND_PER_S = 20  # dispatchers asking (paced; each call is timed)
N_PARKED = 300 if QUICK else 1000
N_NAIVE = 50 if QUICK else 150
N_REBUILD = 50 if QUICK else 200
N_THROUGHPUT = 1000 if QUICK else 5000
KINDS = ["pemadam", "ambulans", "patroli", "rescue", "bpbd", "satpolpp", "pln", "pdam"]


def populate() -> list:
    from django.core.management import call_command

    from kendali.core.choices import AgencyKind
    from kendali.core.models import Agency
    from kendali.dispatch.models import Unit
    from kendali.incidents.models import Incident, IncidentType

    call_command("migrate", verbosity=0)
    agencies = [
        Agency.objects.create(
            code=f"a{i}", name=f"Instansi {i}", short_name=f"I{i}", kind=AgencyKind.OPD
        )
        for i in range(8)
    ]
    rng = random.Random(4)
    statuses = ["tersedia"] * 8 + ["tidak_siaga"] * 2
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
    return [
        Incident.objects.create(
            number=f"112-2026-{n:06d}",
            type=types[n % len(types)],
            priority="P1" if n % 2 else types[n % len(types)].default_priority,
            lat=rng.uniform(-6.19, -6.03),
            lon=rng.uniform(106.09, 106.25),
        )
        for n in range(50)
    ]


def quiet_setup(url: str | None = None) -> None:
    setup_django(url)
    from django.conf import settings

    settings.DEBUG = False  # no query log (production runs with KENDALI_DEBUG=0)


# ---------------------------------------------------------------- the moving fleet (child)


def writer(duration: float, rate: float, seed: int) -> None:
    """Another worker process: every unit reports a position every REPORT_EVERY_S, paced,
    plus a few status changes per second; prints one JSON line with what it achieved."""
    from django.utils import timezone

    from kendali.core.actors import Actor
    from kendali.dispatch.models import Unit
    from kendali.dispatch.services import unit_report_positions, unit_set_status

    actor = Actor.system("bench: pelacak kendaraan")
    rng = random.Random(seed)
    units = list(Unit.objects.order_by("id"))
    where = {u.pk: [u.cur_lat, u.cur_lon] for u in units}
    latencies, status_changes = [], 0
    start = time.perf_counter()
    n = 0
    next_status = 0.0
    while (elapsed := time.perf_counter() - start) < duration:
        due = start + n / rate
        time.sleep(max(0.0, due - time.perf_counter()))
        unit = units[n % len(units)]
        point = where[unit.pk]
        point[0] += rng.uniform(-0.0015, 0.0015)  # ≤ ~170 m in 10 s: a moving vehicle
        point[1] += rng.uniform(-0.0015, 0.0015)
        t0 = time.perf_counter()
        unit_report_positions(
            actor=actor,
            unit=unit,
            positions=[{"lat": point[0], "lon": point[1], "at": timezone.now()}],
        )
        latencies.append((time.perf_counter() - t0) * 1000)
        n += 1
        if elapsed >= next_status:
            next_status += 1 / STATUS_PER_S
            crew = rng.choice(units)
            current = Unit.objects.only("status").get(pk=crew.pk).status
            target = {"tersedia": "tidak_siaga", "tidak_siaga": "tersedia"}.get(current)
            if target:
                unit_set_status(actor=actor, unit=crew, status=target)
                status_changes += 1
    wall = time.perf_counter() - start
    print(
        "RESULT "
        + json.dumps(
            {
                "writes": n,
                "rate": n / wall,
                "p95_ms": percentile(latencies, 95),
                "status_changes": status_changes,
            }
        ),
        flush=True,
    )


# ---------------------------------------------------------------- the dispatcher (parent)


REFRESH: list[float] = []  # time of each unit_index() call inside recommend()


def time_index_refresh() -> None:
    """Wrap the index lookup recommend() makes, to time it on its own."""
    from kendali.dispatch import selectors

    inner = selectors.unit_index

    def timed():
        t0 = time.perf_counter()
        try:
            return inner()
        finally:
            REFRESH.append((time.perf_counter() - t0) * 1000)

    selectors.unit_index = timed


def full_rebuilds() -> list[float]:
    """What every call paid before: read every active unit row and build the index."""
    from django.db import connection

    from kendali.dispatch.travel import _SELECT, UnitIndex

    out = []
    for _ in range(N_REBUILD):
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f"{_SELECT} WHERE is_active ORDER BY id")
            UnitIndex(cursor.fetchall())
        out.append((time.perf_counter() - t0) * 1000)
    return out


def timed_recommendations(incidents, *, count: int | None = None, until: float | None = None):
    from kendali.core.actors import Actor
    from kendali.dispatch.selectors import recommend

    actor = Actor.system("bench: dispatcher")
    samples = []
    i = 0
    start = time.perf_counter()
    while (count is not None and i < count) or (until is not None and time.perf_counter() < until):
        if until is not None:  # paced like people asking, not a tight loop
            due = start + i / RECOMMEND_PER_S
            time.sleep(max(0.0, due - time.perf_counter()))
        incident = incidents[i % len(incidents)]
        t0 = time.perf_counter()
        recommend(actor=actor, incident=incident)
        samples.append((time.perf_counter() - t0) * 1000)
        i += 1
    return samples


def agree(incidents) -> None:
    """The kept index ranks exactly like a naive scan of the rows as they are now."""
    from kendali.dispatch.models import Unit
    from kendali.dispatch.travel import naive_rank, unit_index

    for incident in incidents[:5]:
        fast = [
            c.unit_id
            for c in unit_index().rank(
                to_lat=incident.lat, to_lon=incident.lon, kinds=["pemadam"], limit=9
            )
        ]
        slow = [
            pk
            for _eta, pk in naive_rank(
                Unit.objects.all(),
                to_lat=incident.lat,
                to_lon=incident.lon,
                kinds=["pemadam"],
                limit=9,
            )
        ]
        assert fast == slow, (fast, slow)


def naive_scan(incidents) -> list[float]:
    from kendali.dispatch.models import Unit
    from kendali.dispatch.selectors import run_card_for
    from kendali.dispatch.travel import naive_rank

    out = []
    for i in range(N_NAIVE):
        incident = incidents[i % len(incidents)]
        t0 = time.perf_counter()
        card = run_card_for(incident)
        naive_rank(
            Unit.objects.all(),
            to_lat=incident.lat,
            to_lon=incident.lon,
            kinds=sorted({line.kind for line in card.lines.all()}) if card else None,
            limit=9,
        )
        out.append((time.perf_counter() - t0) * 1000)
    return out


def throughput() -> tuple[float, float, float]:
    """Position writes back to back through the service (one process), against the raw
    storage operation for the same rows: one transaction with the position INSERT and the
    unit UPDATE, nothing else."""
    from django.db import connection, transaction
    from django.utils import timezone

    from kendali.core.actors import Actor
    from kendali.dispatch.models import Unit
    from kendali.dispatch.services import unit_report_positions

    actor = Actor.system("bench: pelacak kendaraan")
    units = list(Unit.objects.order_by("id"))
    rng = random.Random(9)
    latencies = []
    t0 = time.perf_counter()
    for n in range(N_THROUGHPUT):
        unit = units[n % len(units)]
        t1 = time.perf_counter()
        unit_report_positions(
            actor=actor,
            unit=unit,
            positions=[
                {
                    "lat": unit.cur_lat + rng.uniform(-0.001, 0.001),
                    "lon": unit.cur_lon + rng.uniform(-0.001, 0.001),
                    "at": timezone.now(),
                }
            ],
        )
        latencies.append((time.perf_counter() - t1) * 1000)
    service = N_THROUGHPUT / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    for n in range(N_THROUGHPUT):
        unit = units[n % len(units)]
        now = timezone.now()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO dispatch_unitposition (unit_id, at, lat, lon, accuracy_m, "
                "reported_by) VALUES (%s, %s, %s, %s, %s, %s)",
                [unit.pk, now, unit.cur_lat, unit.cur_lon, None, "bench"],
            )
            cursor.execute(
                "UPDATE dispatch_unit SET lat = %s, lon = %s, position_at = %s, updated_at = %s "
                "WHERE id = %s",
                [unit.cur_lat, unit.cur_lon, now, now, unit.pk],
            )
    raw = N_THROUGHPUT / (time.perf_counter() - t0)
    return service, raw, percentile(latencies, 95)


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="dispatch-moving-", dir=VAR))
    url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    quiet_setup(url)
    incidents = populate()
    from django.db import connections

    from kendali.dispatch.travel import unit_index

    unit_index()  # first full read outside the measurements
    time_index_refresh()
    parked = timed_recommendations(incidents, count=N_PARKED)
    naive = naive_scan(incidents)
    rebuild = full_rebuilds()
    REFRESH.clear()

    connections.close_all()
    env = {**os.environ, "KENDALI_DATABASE_URL": url, "KENDALI_DEBUG": "1"}
    child = subprocess.Popen(
        [sys.executable, __file__, "--writer", str(DURATION_S), str(N_UNITS / REPORT_EVERY_S)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    time.sleep(2.0)  # let the writer reach its pace
    moving = timed_recommendations(incidents, until=time.perf_counter() + DURATION_S - 4)
    refresh = list(REFRESH)
    out, _ = child.communicate(timeout=DURATION_S + 120)
    written = json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:])
    agree(incidents)
    service, raw, write_p95 = throughput()
    agree(incidents)

    common = {"units": N_UNITS}
    report(
        "dispatch.moving.recommend.p95",
        percentile(moving, 95),
        "ms",
        baseline_name="naive full scan p95 (same run)",
        baseline=percentile(naive, 95),
        target="< 5 ms",
        parked_p95_ms=round(percentile(parked, 95), 3),
        calls=len(moving),
        writes_per_s=round(written["rate"], 1),
        **common,
    )
    report(
        "dispatch.moving.recommend.p99",
        percentile(moving, 99),
        "ms",
        baseline_name="naive full scan p99 (same run)",
        baseline=percentile(naive, 99),
        parked_p99_ms=round(percentile(parked, 99), 3),
        **common,
    )
    report(
        "dispatch.moving.recommend.p50",
        percentile(moving, 50),
        "ms",
        baseline_name="naive full scan p50 (same run)",
        baseline=percentile(naive, 50),
        **common,
    )
    report(
        "dispatch.moving.index_refresh.p95",
        percentile(refresh, 95),
        "ms",
        baseline_name="full rebuild p95 (read all 2,000 rows, build the index; same run)",
        baseline=percentile(rebuild, 95),
        p50_ms=round(percentile(refresh, 50), 3),
        rebuild_p50_ms=round(percentile(rebuild, 50), 3),
        **common,
    )
    report(
        "dispatch.parked.recommend.p95",
        percentile(parked, 95),
        "ms",
        baseline_name="naive full scan p95 (same run)",
        baseline=percentile(naive, 95),
        target="< 5 ms",
        calls=len(parked),
        **common,
    )
    report(
        "dispatch.moving.position_writes_achieved",
        written["rate"],
        "writes/s",
        baseline_name="asked for (2,000 units every 10 s)",
        baseline=N_UNITS / REPORT_EVERY_S,
        p95_ms=round(written["p95_ms"], 3),
        status_changes=written["status_changes"],
        **common,
    )
    report(
        "dispatch.position_write.throughput",
        service,
        "writes/s",
        baseline_name="raw INSERT + UPDATE in one transaction (same run)",
        baseline=raw,
        target=">= 1000 writes/s",
        p95_ms=round(write_p95, 3),
        writes=N_THROUGHPUT,
        **common,
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--writer":
        quiet_setup()
        writer(float(sys.argv[2]), float(sys.argv[3]), seed=11)
    else:
        main()
