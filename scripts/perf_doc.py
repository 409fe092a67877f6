"""Rebuild docs/performance.md from its sections in docs/perf/<area>.md (each module keeps
its own section next to its benchmark; this page puts them in one place, in order)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORDER = [
    "foundation",
    "events",
    "calls",
    "incidents",
    "dispatch",
    "control",
    "sensors",
    "alerts",
    "wifi",
]

HEADER = """# Performance

Every figure here comes from a benchmark under `bench/` (`make bench` runs them all and writes
one JSON line per figure to `bench/results/latest.jsonl`). Each benchmark measures its baseline
in the same run — a framework floor, a naive implementation or the raw storage operation —
and the figures are reported with that ratio. Machine: the 2-core development and CI machine
(24 GiB, Python 3.11.7; an AMD EPYC for the first runs, an Intel Xeon for the re-runs each
section marks as such); loopback only. Compare ratios across runs, not absolute figures.
Targets come from the issues.

Sections are kept next to their benchmarks in `docs/perf/`; `python scripts/perf_doc.py`
rebuilds this page.

"""


def main() -> None:
    sections = []
    names = [p.stem for p in sorted((ROOT / "docs" / "perf").glob("*.md"))]
    for name in sorted(names, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n)):
        text = (ROOT / "docs" / "perf" / f"{name}.md").read_text(encoding="utf-8").strip()
        sections.append(text)
    (ROOT / "docs" / "performance.md").write_text(
        HEADER + "\n\n".join(sections) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
