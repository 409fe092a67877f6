"""112 telephony replay on a real uvicorn server (`kendali serve`, PostgreSQL).

(a) a Serang-like day: 350 calls (0.3% genuine, repeat pranksters), compressed;
(b) a surge: 2,000 calls "in an hour", compressed to as fast as 40 lines deliver them.

Each call: offered -> answered (extension of one of 3 simulated call-takers) -> the
call-taker's browser session receives the screen-pop over SSE -> classifies it through the
API (session + CSRF, as the console does) -> ended. Measured: event throughput, p95 of
"answered" POST sent -> screen-pop received over SSE, p95 of classify. Baseline (the
framework floor, same server, same run): GET /api/v1/health.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from common import percentile, report  # noqa: E402

PG = os.environ.get("KENDALI_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "kendali_calls_bench"
EXTENSIONS = ["2101", "2102", "2103"]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare(env: dict) -> tuple[str, dict]:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
    run = [sys.executable, "-m", "kendali.cli"]
    subprocess.run([*run, "setup"], env=env, check=True, capture_output=True, cwd=HERE.parent)
    for i, ext in enumerate(EXTENSIONS):
        subprocess.run(
            [
                *run,
                "createuser",
                f"penerima{i}",
                "--role",
                "call_taker_112",
                "--extension",
                ext,
                "--password",
                "bench-112-penerima!",
            ],
            env=env,
            check=True,
            capture_output=True,
            cwd=HERE.parent,
        )
    out = subprocess.run(
        [*run, "token", "create", "pbx", "--scope", "telephony"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd=HERE.parent,
    )
    token = out.stdout.strip().splitlines()[-1]
    # Browser sessions of the call-takers, created the way a login would (session row + CSRF).
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kendali.settings")
    import django

    django.setup()
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    from kendali.core.models import User

    sessions = {}
    for i, ext in enumerate(EXTENSIONS):
        client = Client()
        client.force_login(User.objects.get(username=f"penerima{i}"))
        sessions[ext] = {
            "sessionid": client.cookies["sessionid"].value,
            "csrftoken": _get_new_csrf_string(),
        }
    return token, sessions


async def _baseline(base: str, n: int = 400) -> tuple[float, float]:
    import httpx

    latencies = []
    async with httpx.AsyncClient(base_url=base) as client:

        async def worker(k):
            for _ in range(k):
                t = time.perf_counter()
                r = await client.get("/api/v1/health")
                latencies.append(time.perf_counter() - t)
                assert r.status_code == 200

        t0 = time.perf_counter()
        await asyncio.gather(*(worker(n // 8) for _ in range(8)))
        elapsed = time.perf_counter() - t0
    return len(latencies) / elapsed, percentile(latencies, 95)


async def _sse(base: str, cookies: dict, pops: dict, ready: asyncio.Event, stop: asyncio.Event):
    import httpx

    async with httpx.AsyncClient(base_url=base, cookies=cookies, timeout=None) as client:
        async with client.stream("GET", "/api/v1/events/stream?topics=calls.screenpop") as response:
            ready.set()
            async for line in response.aiter_lines():
                if stop.is_set():
                    break
                if line.startswith("data: {"):
                    msg = json.loads(line[6:])
                    if msg.get("topic") == "calls.screenpop":
                        future = pops.get(msg["data"]["id"])
                        if future is not None and not future.done():
                            future.set_result(time.perf_counter())


DAY_SECONDS = 60


async def _scenario(base, token, sessions, calls, lines, compress_s, label):
    import httpx

    from kendali.calls.simulation import events_for

    pops: dict[int, asyncio.Future] = {}
    stop = asyncio.Event()
    readies = []
    listeners = []
    for ext in EXTENSIONS:
        ready = asyncio.Event()
        readies.append(ready)
        listeners.append(asyncio.create_task(_sse(base, sessions[ext], pops, ready, stop)))
    for ready in readies:
        await ready.wait()
    await asyncio.sleep(0.3)
    pbx = httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    takers = {
        ext: httpx.AsyncClient(
            base_url=base, cookies=s, headers={"X-CSRFToken": s["csrftoken"]}, timeout=30
        )
        for ext, s in sessions.items()
    }
    pop_lat, classify_lat, post_lat = [], [], []
    sent = 0
    missing = 0
    semaphore = asyncio.Semaphore(lines)
    span = max(c.offset_s for c in calls) or 1
    t0 = time.perf_counter()

    async def post(event):
        nonlocal sent
        t = time.perf_counter()
        r = await pbx.post("/api/v1/telephony/events", json=event)
        post_lat.append(time.perf_counter() - t)
        assert r.status_code == 200, r.text
        sent += 1
        return r.json()["results"][0]

    from datetime import UTC, datetime

    async def one(n, call):
        nonlocal missing
        delay = call.offset_s / span * compress_s - (time.perf_counter() - t0)
        if delay > 0:
            await asyncio.sleep(delay)
        ext = EXTENSIONS[n % len(EXTENSIONS)]
        async with semaphore:
            evs = [e for _t, e in events_for(call, start=datetime.now(UTC), extension=ext)]
            first = await post(evs[0])
            call_id = first["call_id"]
            if evs[1]["kind"] == "abandoned":
                await post(evs[1])
                return
            future = asyncio.get_running_loop().create_future()
            pops[call_id] = future
            sent_at = time.perf_counter()
            await post(evs[1])
            try:
                received = await asyncio.wait_for(future, 15)
                pop_lat.append(received - sent_at)
            except TimeoutError:
                missing += 1
            outcome = {"darurat": "darurat", "terputus": "iseng"}.get(call.intent, call.intent)
            t = time.perf_counter()
            r = await takers[ext].post(
                f"/api/v1/calls/{call_id}/classify", json={"outcome": outcome}
            )
            classify_lat.append(time.perf_counter() - t)
            assert r.status_code == 200, r.text
            await post(evs[2])

    await asyncio.gather(*(one(n, c) for n, c in enumerate(calls)))
    elapsed = time.perf_counter() - t0
    stop.set()
    for task in listeners:
        task.cancel()
    await asyncio.gather(*listeners, return_exceptions=True)
    await pbx.aclose()
    for client in takers.values():
        await client.aclose()
    return {
        "label": label,
        "calls": len(calls),
        "events": sent,
        "elapsed": elapsed,
        "throughput": sent / elapsed,
        "pop_p50": percentile(pop_lat, 50),
        "pop_p95": percentile(pop_lat, 95),
        "classify_p95": percentile(classify_lat, 95),
        "post_p95": percentile(post_lat, 95),
        "pops_missing": missing,
    }


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="kendali-calls-bench-"))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("KENDALI_")},
        # Production-like: debug off, as `kendali serve` runs in the control room (behind
        # the reverse proxy, which terminates TLS: no HTTPS redirect on loopback).
        "KENDALI_DEBUG": "0",
        "KENDALI_SECRET_KEY": "bench-calls-" + "k" * 60,
        "KENDALI_ALLOWED_HOSTS": "127.0.0.1",
        "KENDALI_SSL_REDIRECT": "0",
        "KENDALI_HOME": str(tmp),
        "KENDALI_DATABASE_URL": f"{PG}/{DB}",
        "KENDALI_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(HERE.parent),
    }
    token, sessions = _prepare(env)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(tmp / "server.log", "w+b")  # noqa: SIM115 - closed after the server stops
    server = subprocess.Popen(
        [sys.executable, "-m", "kendali.cli", "serve", "--port", str(port), "--no-background"],
        env=env,
        cwd=HERE.parent,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        import httpx

        deadline = time.time() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.time() > deadline or server.poll() is not None:
                raise RuntimeError("server did not start; see " + log.name)
            time.sleep(0.2)
        from kendali.calls.simulation import serang_stream

        health_rps, health_p95 = asyncio.run(_baseline(base))
        print(f"# baseline {health_rps:.0f} req/s p95 {health_p95 * 1000:.1f} ms", flush=True)
        # The day compressed into DAY_SECONDS: ~17 telephony events/s offered, about half of
        # what one server process accepts on this machine (the surge below measures the
        # ceiling) and still ~4,000× a real day's rate: latency below saturation.
        day = asyncio.run(
            _scenario(
                base,
                token,
                sessions,
                serang_stream(350, duration_s=86400, seed=1),
                6,
                DAY_SECONDS,
                "day",
            )
        )
        print(f"# day {day}", flush=True)
        surge = asyncio.run(
            _scenario(
                base,
                token,
                sessions,
                serang_stream(2000, duration_s=3600, seed=2, prefix="surge"),
                40,
                0,
                "surge",
            )
        )
    except Exception:
        print(f"server log: {log.name}", file=sys.stderr)
        raise
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    floor = "GET /api/v1/health (same server, same run)"
    for r in (day, surge):
        report(
            f"calls_{r['label']}_throughput",
            r["throughput"],
            "events/s",
            baseline_name=f"{floor} req/s",
            baseline=health_rps,
            calls=r["calls"],
            events=r["events"],
            seconds=round(r["elapsed"], 1),
        )
        report(
            f"calls_{r['label']}_screenpop_p95",
            r["pop_p95"] * 1000,
            "ms",
            baseline_name=f"{floor} p95 ms",
            baseline=health_p95 * 1000,
            target="< 1000 ms",
            p50_ms=round(r["pop_p50"] * 1000, 1),
            missing=r["pops_missing"],
        )
        report(
            f"calls_{r['label']}_classify_p95",
            r["classify_p95"] * 1000,
            "ms",
            baseline_name=f"{floor} p95 ms",
            baseline=health_p95 * 1000,
            target="< 300 ms",
        )
        report(
            f"calls_{r['label']}_event_post_p95",
            r["post_p95"] * 1000,
            "ms",
            baseline_name=f"{floor} p95 ms",
            baseline=health_p95 * 1000,
        )


if __name__ == "__main__":
    main()
