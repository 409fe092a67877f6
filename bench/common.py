"""Shared helpers for benchmarks: timing, percentiles, the machine description and the
one-JSON-line-per-figure output format.

Every line carries the figure (name, value, unit, target and whether it was met), the
baseline measured in the same run and the ratio, and what it ran on: the commit (and
whether the tree had uncommitted changes), the UTC time, the CPU model and core count, the
load average when the figure was taken, the Python version, and the bench and section it
belongs to. A bench declares its section once::

    from common import declare, report
    declare("Aset: register BMD", order=70, doc="assets")

and ``report()`` appends each line to ``bench/results/<bench>.jsonl`` (replacing that
file's lines from earlier runs, so the repository keeps the latest run of every bench).
``KENDALI_BENCH_QUICK=1`` marks a small smoke run: printed, not recorded.
``scripts/perf_doc.py`` builds docs/performance.md from those files."""

from __future__ import annotations

import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


RESULTS = ROOT / "bench" / "results"
VAR = ROOT / "bench" / "var"  # scratch files of a run (databases, logs); git-ignored
VAR.mkdir(parents=True, exist_ok=True)

# Helper processes a bench starts inherit its name and run id (the environment).
BENCH = os.environ.setdefault(
    "KENDALI_BENCH_NAME", Path(sys.argv[0]).stem if sys.argv and sys.argv[0] else "bench"
)
_argv0 = Path(sys.argv[0]).resolve() if sys.argv and sys.argv[0] else ROOT / "bench" / "bench"
SCRIPT = os.environ.setdefault(
    "KENDALI_BENCH_SCRIPT",
    str(_argv0.relative_to(ROOT)) if _argv0.is_relative_to(ROOT) else _argv0.name,
)
RUN_ID = os.environ.setdefault("KENDALI_BENCH_RUN", uuid.uuid4().hex[:12])
# KENDALI_BENCH_QUICK=1: a small smoke run while developing; printed, never recorded.
QUICK = os.environ.get("KENDALI_BENCH_QUICK") == "1"
_section: dict = {"title": BENCH, "order": 1000, "doc": ""}


def declare(title: str, *, order: int = 1000, doc: str = "") -> None:
    """The section this bench's figures appear under in docs/performance.md: ``title``,
    ``order`` (lower first) and ``doc``, the docs/perf/<doc>.md page whose
    ``<!-- bench: NAME -->`` marker places the table (without one, the table gets a
    section of its own)."""
    _section.update(title=title, order=order, doc=doc)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    return f"{os.cpu_count()} cores, {cpu_model()}, Python {platform.python_version()}"


def commit() -> dict:
    def git(*args: str) -> str:
        try:
            out = subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.SubprocessError):
            return ""
        return out.stdout.strip() if out.returncode == 0 else ""

    status = git("status", "--porcelain", "--untracked-files=no", "--", "kendali", "bench")
    return {"commit": git("rev-parse", "--short=12", "HEAD") or None, "dirty": bool(status)}


_COMMIT: dict | None = None


def context() -> dict:
    """What a figure ran on: commit, time, CPU, cores, load average, Python."""
    global _COMMIT
    if _COMMIT is None:
        _COMMIT = commit()
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {
        **_COMMIT,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "loadavg": load,
        "python": platform.python_version(),
    }


_TARGET = re.compile(r"^\s*(<=|>=|<|>|≤|≥)\s*([0-9][0-9_,.]*)")


def target_met(value, target: str | None) -> bool | None:
    """Whether ``value`` meets a target written as "< 5 ms", ">= 1,000/s"; None if the
    target is not of that form."""
    match = _TARGET.match(target or "")
    if not match or not isinstance(value, int | float):
        return None
    op, bound = match.group(1), float(match.group(2).replace(",", "").replace("_", ""))
    return {
        "<": value < bound,
        ">": value > bound,
        "<=": value <= bound,
        "≤": value <= bound,
        ">=": value >= bound,
        "≥": value >= bound,
    }[op]


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
    """Print one figure as a JSON line, record it, and return it. ratio = value / baseline."""
    record = {
        "name": name,
        "value": round(value, 6) if isinstance(value, float) else value,
        "unit": unit,
        "baseline_name": baseline_name,
        "baseline": round(baseline, 6) if isinstance(baseline, float) else baseline,
        "ratio": round(value / baseline, 4) if baseline not in (None, 0) else None,
        "target": target,
        "met": target_met(value, target),
        "bench": BENCH,
        "script": SCRIPT,
        "section": _section["title"],
        "order": _section["order"],
        "doc": _section["doc"],
        "run": RUN_ID,
        "machine": machine(),
        **context(),
        **extra,  # may override the context (a figure taken earlier, under another load)
    }
    line = json.dumps(record, ensure_ascii=False)
    print(line, flush=True)
    if os.environ.get("KENDALI_BENCH_RECORD", "1") != "0":
        _record(line)
    return record


def _record(line: str) -> None:
    """Append to bench/results/<bench>.jsonl; the first figure of a new run replaces the
    lines of earlier runs, so the file holds the latest run only (small enough to commit)."""
    collected = os.environ.get("KENDALI_BENCH_RESULTS")
    if collected:
        with open(collected, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
    if QUICK:
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{BENCH}.jsonl"
    same_run = False
    try:
        with open(path, encoding="utf-8") as fh:
            same_run = json.loads(fh.readline() or "{}").get("run") == RUN_ID
    except (OSError, ValueError):
        pass
    with open(path, "a" if same_run else "w", encoding="utf-8") as fh:
        fh.write(line + "\n")


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
