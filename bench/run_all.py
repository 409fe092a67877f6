"""`make bench`: run every bench/*.py (except helpers), collect their JSON lines in
bench/results/latest.jsonl (each bench also keeps its latest run in
bench/results/<bench>.jsonl, committed), then rebuild docs/performance.md from the recorded
results (scripts/perf_doc.py). Each benchmark measures its own baseline in the same run.

    python bench/run_all.py               # every bench
    python bench/run_all.py dispatch      # the benches whose name contains "dispatch"
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SKIP = {"common.py", "run_all.py", "__init__.py", "sensors_common.py"}


def main() -> int:
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (HERE / "var").mkdir(exist_ok=True)  # scratch databases and logs of the benches
    out = results / "latest.jsonl"
    out.unlink(missing_ok=True)
    only = sys.argv[1:]
    failed = []
    for script in sorted(HERE.glob("*.py")):
        if script.name in SKIP or script.name.startswith("_"):
            continue
        if only and not any(word in script.stem for word in only):
            continue
        print(f"== {script.name}", flush=True)
        env = {**os.environ, "KENDALI_BENCH_RESULTS": str(out), "PYTHONPATH": str(HERE.parent)}
        code = subprocess.call([sys.executable, str(script)], env=env, cwd=HERE.parent)
        if code:
            failed.append(script.name)
    print(f"results: {out}")
    subprocess.call([sys.executable, str(HERE.parent / "scripts" / "perf_doc.py")])
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
