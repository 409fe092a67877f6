"""Shared helpers for benchmarks: timing, percentiles, the machine description and the
one-JSON-line-per-figure output format (name, value, unit, baseline, ratio, machine)."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores, {cpu or platform.processor()}, Python {platform.python_version()}"
    )


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def report(
    name: str,
    value: float,
    unit: str,
    *,
    baseline_name: str | None = None,
    baseline: float | None = None,
    target: str | None = None,
    **extra,
) -> dict:
    """Print one figure as a JSON line and return it. ratio = value / baseline."""
    record = {
        "name": name,
        "value": round(value, 6) if isinstance(value, float) else value,
        "unit": unit,
        "baseline_name": baseline_name,
        "baseline": round(baseline, 6) if isinstance(baseline, float) else baseline,
        "ratio": round(value / baseline, 4) if baseline not in (None, 0) else None,
        "target": target,
        "machine": machine(),
        **extra,
    }
    print(json.dumps(record, ensure_ascii=False), flush=True)
    results = os.environ.get("KENDALI_BENCH_RESULTS")
    if results:
        with open(results, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return record


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.elapsed = time.perf_counter() - self.start


def mean(values):
    return statistics.fmean(values) if values else float("nan")


def setup_django(database_url: str | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kendali.settings")
    os.environ.setdefault("KENDALI_DEBUG", "1")
    if database_url:
        os.environ["KENDALI_DATABASE_URL"] = database_url
    import django

    django.setup()
