"""Sensors: a one-day history query over 100,000 raw points (one variable, ~0.86 s apart)
served from the 1-minute rollups (1,440 points with min/max/mean/count) against the same
1-minute series computed from the raw rows, in the same run. Target: < 100 ms."""

from __future__ import annotations

import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import ROOT, percentile, report, setup_django

WORKDIR = Path(tempfile.mkdtemp(prefix="sensors-query-", dir=ROOT / "bench" / "var"))
setup_django(f"sqlite:///{WORKDIR / 'bench.sqlite3'}")

POINTS = 100_000
RUNS = 15


def main() -> None:
    from sensors_common import prepare

    from kendali.core.actors import Actor
    from kendali.sensors.selectors import history, history_from_raw
    from kendali.sensors.services import readings_ingest

    [(device, _)] = prepare(1)
    variable = device.variables.get(name="currentLevel")
    actor = Actor.system("bench")
    end = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1)
    start = end - timedelta(days=1)
    step = 86_400 / POINTS
    items = [
        {
            "device": device.code,
            "variable": "currentLevel",
            "time": (start + timedelta(seconds=i * step)).isoformat(),
            "value": 1.0 + (i % 977) / 1000,
        }
        for i in range(POINTS)
    ]
    for i in range(0, POINTS, 10_000):
        readings_ingest(actor=actor, items=items[i : i + 10_000])

    def timed(fn):
        samples = []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            result = fn()
            samples.append(time.perf_counter() - t0)
        return samples, result

    rollup_samples, (resolution, points) = timed(
        lambda: history(variable=variable, start=start, end=end)
    )
    raw_samples, raw_points = timed(
        lambda: history_from_raw(variable=variable, start=start, end=end)
    )
    assert resolution == "1m" and len(points) == 1440 == len(raw_points)
    assert sum(p.count for p in points) == POINTS == sum(p.count for p in raw_points)
    report(
        "sensors.day_query_rollups_p95",
        percentile(rollup_samples, 95) * 1000,
        "ms",
        baseline_name="same 1-minute series from the 100,000 raw rows (p95)",
        baseline=percentile(raw_samples, 95) * 1000,
        target="< 100 ms",
        p50_ms=round(percentile(rollup_samples, 50) * 1000, 2),
        raw_p50_ms=round(percentile(raw_samples, 50) * 1000, 2),
        points=len(points),
        raw_points=POINTS,
    )
    shutil.rmtree(WORKDIR, ignore_errors=True)


if __name__ == "__main__":
    main()
