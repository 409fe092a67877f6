"""Record where the test suite's time goes, from a pytest log run with ``--durations=N``,
as benchmark results (bench/results/ci_time.jsonl) so docs/performance.md's "CI time"
section is generated like every other figure.

    KENDALI_DEBUG=1 .venv/bin/pytest --durations=60 > /tmp/suite.log 2>&1
    .venv/bin/python scripts/ci_time.py /tmp/suite.log sqlite [WALL_SECONDS]

WALL_SECONDS: the measured wall time, when the log has no "N passed in Xs" line (pytest
given -q twice prints none); the tests are then counted from the progress dots.

The categories are the heavy kinds the CI keeps focused: tests that drive Chromium, tests
that start their own server or worker processes on their own SQLite file (the same in both
database passes, so `make test-postgres` leaves them out), and the rest.
"""

from __future__ import annotations

import os
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.argv[0] = str(ROOT / "scripts" / "ci_time.py")  # recorded as the bench "ci_time"

from common import declare, report  # noqa: E402

DURATION = re.compile(r"^\s*([0-9.]+)s (setup|call|teardown)\s+(\S+)")
TOTAL = re.compile(r"(\d+) passed.* in ([0-9.]+)s")
PROGRESS = re.compile(r"^([.FsExX]+)(\s+\[\s*\d+%\])?$")


def category(nodeid: str) -> str:
    path = nodeid.split("::", 1)[0]
    if "browser" in path:
        return "browser"
    # The tests marked db_independent (own server or worker on its own database).
    if any(
        w in nodeid
        for w in ("test_live_server.py", "test_multiprocess.py", "on_sqlite_file", "on_postgresql")
    ):
        return "own server / race"
    return "other"


def main(log: Path, database: str, wall_seconds: float | None = None) -> None:
    declare("Waktu CI / CI time", order=5, doc="ci")
    text = log.read_text(encoding="utf-8", errors="replace")
    per_test: dict[str, float] = defaultdict(float)
    for line in text.splitlines():
        match = DURATION.match(line)
        if match:
            per_test[match.group(3)] += float(match.group(1))
    totals = list(TOTAL.finditer(text))
    if totals:
        passed, wall = int(totals[-1].group(1)), float(totals[-1].group(2))
    elif wall_seconds is not None:
        marks = "".join(
            m.group(1) for line in text.splitlines() if (m := PROGRESS.match(line.strip()))
        )
        passed, wall = marks.count("."), wall_seconds
    else:
        raise SystemExit("no pytest summary line (N passed in Xs): give the wall time")
    # The suite ran before this script: the load average now says nothing about it.
    when: dict = {"loadavg": None}
    if os.environ.get("KENDALI_CI_TIME_COMMIT"):  # the commit the suite ran at
        when.update(commit=os.environ["KENDALI_CI_TIME_COMMIT"], dirty=True)
    by_kind: dict[str, float] = defaultdict(float)
    for nodeid, seconds in per_test.items():
        by_kind[category(nodeid)] += seconds
    report(
        f"ci.suite.{database}.wall",
        wall / 60,
        "min",
        passed=passed,
        listed_tests=len(per_test),
        note=os.environ.get("KENDALI_CI_TIME_NOTE", ""),
        **when,
    )
    for kind, seconds in sorted(by_kind.items(), key=lambda kv: -kv[1]):
        report(
            f"ci.suite.{database}.{kind.replace(' / ', '_').replace(' ', '_')}",
            seconds / 60,
            "min",
            baseline_name="whole suite (same run)",
            baseline=wall / 60,
            note=f"among the {len(per_test)} slowest tests listed by --durations",
            pass_in_postgres="no" if kind != "other" else "yes",
            **when,
        )
    report(
        f"ci.suite.{database}.rest",
        max(wall - sum(per_test.values()), 0.0) / 60,
        "min",
        baseline_name="whole suite (same run)",
        baseline=wall / 60,
        note="every test not among the slowest listed",
        **when,
    )
    top = sorted(per_test.items(), key=lambda kv: -kv[1])[:12]
    for nodeid, seconds in top:
        report(
            "ci.slowest",
            seconds,
            "s",
            test=nodeid,
            kind=category(nodeid),
            **when,
        )


if __name__ == "__main__":
    main(
        Path(sys.argv[1]),
        sys.argv[2] if len(sys.argv) > 2 else "sqlite",
        float(sys.argv[3]) if len(sys.argv) > 3 else None,
    )
