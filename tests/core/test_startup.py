"""Deterministic start-up: the real `kendali serve`, started again and again with requests
arriving the moment its socket opens, answers every health check, login page and map lookup
correctly, and its job thread never trips over a half-imported module.

Each start's time to the first health 200 (from spawn) is printed; docs/performance.md
records the figure."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import httpx
import pytest

from tests.livesite import ROOT, LiveSite

# Its own server on its own database (the SQLite pass runs it; the PostgreSQL pass would
# repeat it unchanged).
pytestmark = pytest.mark.db_independent

STARTS = 8
LOAD_THREADS = 6
LOAD_SECONDS = 2.0
PATHS = {
    "/api/v1/health": {200},
    "/masuk/": {200},
    "/api/v1/regions/locate?lat=-6.12&lon=106.15": {200, 401, 403},
    "/api/v1/me": {401},
}


def _hammer(url: str, stop: threading.Event, seen: list, first_ok: list, t0: float) -> None:
    with httpx.Client(base_url=url, timeout=10) as client:
        while not stop.is_set():
            for path, expected in PATHS.items():
                try:
                    response = client.get(path)
                except httpx.TransportError:
                    time.sleep(0.02)  # not listening yet
                    break
                seen.append((path, response.status_code, response.status_code in expected))
                if path == "/api/v1/health" and response.status_code == 200 and not first_ok:
                    first_ok.append(time.perf_counter() - t0)


def test_every_start_is_healthy_under_immediate_load(tmp_path):
    site = LiveSite(tmp_path, {"KENDALI_LOG_LEVEL": "INFO"})
    site.cli("setup")
    timings = []
    for attempt in range(STARTS):
        t0 = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "kendali.cli", "serve", "--port", str(site.port)],
            env=site.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        stop = threading.Event()
        seen: list = []
        first_ok: list = []
        threads = [
            threading.Thread(target=_hammer, args=(site.url, stop, seen, first_ok, t0))
            for _ in range(LOAD_THREADS)
        ]
        for thread in threads:
            thread.start()
        deadline = time.time() + 60
        while not first_ok and time.time() < deadline and process.poll() is None:
            time.sleep(0.05)
        time.sleep(LOAD_SECONDS)  # keep the load on while the job thread runs its first round
        stop.set()
        for thread in threads:
            thread.join()
        process.terminate()
        try:
            _, log = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            _, log = process.communicate()
        assert first_ok, f"start {attempt}: no health 200 within 60 s\n{log[-3000:]}"
        wrong = [s for s in seen if not s[2]]
        assert not wrong, f"start {attempt}: {wrong[:5]}\n{log[-3000:]}"
        assert {p for p, _, _ in seen} == set(PATHS)
        for bad in ("Traceback", "partially initialized", "does not define", "job "):
            assert bad not in log, f"start {attempt}: {bad!r} in log\n{log[-3000:]}"
        timings.append(first_ok[0])
    print(
        json.dumps(
            {
                "figure": "startup_first_health_200_s",
                "starts": STARTS,
                "min": round(min(timings), 2),
                "median": round(sorted(timings)[len(timings) // 2], 2),
                "max": round(max(timings), 2),
            }
        )
    )
