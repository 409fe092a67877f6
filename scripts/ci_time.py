"""Record where the test suite's time goes, from a pytest log run with ``--durations=N``,
as benchmark results (bench/results/ci_time.jsonl) so docs/performance.md's "CI time"
section is generated like every other figure.

    KENDALI_DEBUG=1 .venv/bin/pytest --durations=60 -p no:randomly > /tmp/suite.log 2>&1
    .venv/bin/python scripts/ci_time.py /tmp/suite.log sqlite

The categories are the heavy kinds the CI keeps focused: tests that drive Chromium, tests
that start their own server or worker processes on their own SQLite file (the same in both
database passes, so `make test-postgres` leaves them out), and the rest.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.argv[0] = "ci_time"  # the bench name the results are recorded under

from common import declare, report  # noqa: E402

DURATION = re.compile(r"^\s*([0-9.]+)s (setup|call|teardown)\s+(\S+)")
TOTAL = re.compile(r"(\d+) passed.* in ([0-9.]+)s")


def category(nodeid: str) -> str:
    path = nodeid.split("::", 1)[0]
    if "browser" in path:
        return "browser"
    if any(w in nodeid for w in ("live_server", "multiprocess", "race", "numbering_race")):
        return "own server / race"
    return "other"


def main(log: Path, database: str) -> None:
    declare("Waktu CI / CI time", order=5, doc="ci")
    text = log.read_text(encoding="utf-8", errors="replace")
    per_test: dict[str, float] = defaultdict(float)
    for line in text.splitlines():
        match = DURATION.match(line)
        if match:
            per_test[match.group(3)] += float(match.group(1))
    totals = list(TOTAL.finditer(text))
    if not totals:
        raise SystemExit("no pytest summary line (N passed in Xs) in the log")
    passed, wall = int(totals[-1].group(1)), float(totals[-1].group(2))
    by_kind: dict[str, float] = defaultdict(float)
    for nodeid, seconds in per_test.items():
        by_kind[category(nodeid)] += seconds
    report(
        f"ci.suite.{database}.wall",
        wall / 60,
        "min",
        target="< 45 min (lint + SQLite + PostgreSQL)",
        passed=passed,
        listed_tests=len(per_test),
    )
    for kind, seconds in sorted(by_kind.items(), key=lambda kv: -kv[1]):
        report(
            f"ci.suite.{database}.{kind.replace(' / ', '_').replace(' ', '_')}",
            seconds / 60,
            "min",
            baseline_name="whole suite (same run)",
            baseline=wall / 60,
            note=f"among the {len(per_test)} slowest tests listed by --durations",
        )
    top = sorted(per_test.items(), key=lambda kv: -kv[1])[:12]
    for nodeid, seconds in top:
        report(
            "ci.slowest",
            seconds,
            "s",
            test=nodeid,
            kind=category(nodeid),
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "sqlite")
