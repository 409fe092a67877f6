"""locate(): time per lookup over 100,000 random points in the city's bounding box
(target < 50 µs), against a brute-force scan of every kelurahan polygon in the same run."""

from __future__ import annotations

import random
import time

from common import percentile, report, setup_django

setup_django()

from kendali.regions.locate import bounding_box, locate, locate_brute_force  # noqa: E402

N = 100_000
N_BRUTE = 20_000


def points(n: int, seed: int) -> list[tuple[float, float]]:
    rng = random.Random(seed)
    min_lon, min_lat, max_lon, max_lat = bounding_box()
    return [(rng.uniform(min_lat, max_lat), rng.uniform(min_lon, max_lon)) for _ in range(n)]


def time_per_call(function, pts) -> tuple[float, list[float]]:
    samples = []
    start = time.perf_counter()
    for lat, lon in pts:
        t0 = time.perf_counter_ns()
        function(lat, lon)
        samples.append((time.perf_counter_ns() - t0) / 1000)
    total = time.perf_counter() - start
    return total / len(pts) * 1e6, samples


def main() -> None:
    locate(-6.12, 106.15)  # build the index outside the measurement
    pts = points(N, 1)
    inside = sum(locate(lat, lon).inside for lat, lon in pts)
    brute_us, _ = time_per_call(locate_brute_force, pts[:N_BRUTE])
    indexed_us, samples = time_per_call(locate, pts)
    report(
        "regions.locate.mean",
        indexed_us,
        "µs/lookup",
        baseline_name="brute-force polygon scan",
        baseline=brute_us,
        target="< 50 µs",
        points=N,
        inside_share=round(inside / N, 3),
    )
    report("regions.locate.p99", percentile(samples, 99), "µs/lookup", target="< 50 µs (mean)")


if __name__ == "__main__":
    main()
