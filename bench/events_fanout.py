"""Event fan-out: an event published by a service reaches every connected SSE screen.

(a) foundation: 100 SSE clients, in-process (database) store and Redis store.
(b) control room: 500 SSE clients, 50 events/s for KENDALI_BENCH_FANOUT_SECONDS (default
    60 s, the issue's minute), one server process with the database store, then Redis with
    two server processes (the publisher in one, clients split over both).

Servers and clients run in separate processes (this file in ``serve`` / ``clients``
mode). The publisher runs inside a server process and calls ``publish_now`` at a fixed
rate with the wall-clock send time in the event; each client takes ``receive - send``.
Memory per connection: server RSS after the clients connect minus before, / clients.
Floor measured in the same run: the raw Redis PUBLISH -> SUBSCRIBE round trip, and
XADD -> XREAD BLOCK (what the Redis store does) on the same Redis.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from common import percentile, report  # noqa: E402

KENDALI = str(Path(sys.executable).with_name("kendali"))
REDIS_URL = os.environ.get("KENDALI_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
TOPIC = "bench.tick"


# --------------------------------------------------------------------------- server mode
def serve(port: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kendali.settings")
    import django

    django.setup()
    import uvicorn
    from asgiref.sync import sync_to_async

    from kendali.asgi import application as inner
    from kendali.core.events import publish_now

    async def publisher(rate: float, count: int) -> None:
        start = time.monotonic() + 0.2
        send = sync_to_async(publish_now, thread_sensitive=False)
        for i in range(count):
            delay = start + i / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            await send(TOPIC, {"i": i, "t": time.time()})

    tasks = set()

    async def app(scope, receive, send):
        if scope["type"] == "http" and scope["path"].startswith("/__bench/"):
            query = dict(p.split("=") for p in scope["query_string"].decode().split("&") if p)
            if scope["path"] == "/__bench/publish":
                task = asyncio.create_task(publisher(float(query["rate"]), int(query["count"])))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            body = b"ok"
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": body})
            return
        await inner(scope, receive, send)

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")


# --------------------------------------------------------------------------- client mode
async def _client(port, token, expected, latencies, seen, connected, done):
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
    writer.write(
        (
            f"GET /api/v1/events/stream?topics={TOPIC} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    got = 0
    announced = False
    try:
        while got < expected:
            line = await reader.readline()
            if not line:
                break
            if not announced and line.startswith(b"event: ready"):
                announced = True
                connected.append(1)
                continue
            if line.startswith(b"data: {"):
                now = time.time()
                msg = json.loads(line[6:])
                if msg.get("topic") == TOPIC:
                    latencies.append(now - msg["data"]["t"])
                    seen.add(msg["data"]["i"])
                    got += 1
    finally:
        done.append(got)
        writer.close()


async def _clients(ports: list[int], token: str, n: int, expected: int, timeout: float):
    latencies: list[float] = []
    connected: list[int] = []
    done: list[int] = []
    seen: set[int] = set()
    tasks = []
    for k in range(n):
        port = ports[k % len(ports)]
        tasks.append(
            asyncio.create_task(_client(port, token, expected, latencies, seen, connected, done))
        )
        if k % 50 == 49:
            await asyncio.sleep(0.05)
    while len(connected) < n:
        await asyncio.sleep(0.05)
    print("READY", flush=True)
    await asyncio.wait(tasks, timeout=timeout)
    return latencies, done


def clients(ports: list[int], token: str, n: int, expected: int, timeout: float) -> None:
    rss_before = _rss(os.getpid())
    latencies, done = asyncio.run(_clients(ports, token, n, expected, timeout))
    complete = sum(1 for d in done if d >= expected)
    print(
        "RESULT "
        + json.dumps(
            {
                "p50": percentile(latencies, 50),
                "p99": percentile(latencies, 99),
                "max": max(latencies, default=float("nan")),
                "received": len(latencies),
                "expected": n * expected,
                "complete_clients": complete,
                "client_rss_delta": _rss(os.getpid()) - rss_before,
            }
        ),
        flush=True,
    )


# --------------------------------------------------------------------------- orchestration
def _rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _env(tmp: Path, redis: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENDALI_")}
    env.update(
        KENDALI_DEBUG="1",
        KENDALI_SECRET_KEY="bench-" + "k" * 60,
        KENDALI_DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}",
        KENDALI_BACKGROUND_JOBS="0",
        KENDALI_LOG_LEVEL="WARNING",
        PYTHONPATH=str(HERE.parent),
    )
    if redis:
        env.update(
            KENDALI_REDIS_URL=REDIS_URL, KENDALI_REDIS_PREFIX=f"bench-{uuid.uuid4().hex[:8]}"
        )
    return env


def _prepare(env: dict) -> str:
    def run(*args):
        out = subprocess.run([KENDALI, *args], env=env, capture_output=True, text=True, check=False)
        if out.returncode:
            raise SystemExit(out.stderr[-2000:])
        return out.stdout

    run("manage", "migrate", "--noinput", "-v", "0")
    return run("token", "create", "bench", "--scope", "events").strip().splitlines()[-1]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(env: dict):
    import httpx

    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, __file__, "serve", str(port)], env=env, stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return proc, port
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


def _run(name: str, *, redis: bool, servers: int, n: int, rate: float, seconds: float) -> dict:
    import httpx

    with tempfile.TemporaryDirectory() as tmp:
        env = _env(Path(tmp), redis)
        token = _prepare(env)
        procs = [_start_server(env) for _ in range(servers)]
        try:
            # warm up: one request per server so first-request costs are not per-connection
            for _, port in procs:
                httpx.get(f"http://127.0.0.1:{port}/api/v1/health")
            rss_before = sum(_rss(p.pid) for p, _ in procs)
            count = int(rate * seconds)
            client = subprocess.Popen(
                [
                    sys.executable,
                    __file__,
                    "clients",
                    ",".join(str(port) for _, port in procs),
                    token,
                    str(n),
                    str(count),
                    str(seconds + 30),
                ],
                env=env,
                stdout=subprocess.PIPE,
                text=True,
            )
            assert client.stdout.readline().strip() == "READY"
            time.sleep(1.0)  # let every stream settle into waiting
            rss_connected = sum(_rss(p.pid) for p, _ in procs)
            cpu_before = sum(_cpu_seconds(p.pid) for p, _ in procs)
            client_cpu_before = _cpu_seconds(client.pid)
            wall_start = time.monotonic()
            httpx.get(f"http://127.0.0.1:{procs[0][1]}/__bench/publish?rate={rate}&count={count}")
            line = client.stdout.readline()
            elapsed = time.monotonic() - wall_start
            server_cpu = (sum(_cpu_seconds(p.pid) for p, _ in procs) - cpu_before) / elapsed
            client_cpu = (_cpu_seconds(client.pid) - client_cpu_before) / elapsed
            client.wait(timeout=60)
            result = json.loads(line.removeprefix("RESULT "))
        finally:
            for p, _ in procs:
                p.terminate()
            for p, _ in procs:
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:  # open streams hold the graceful stop
                    p.kill()
                    p.wait()
    result["server_rss_per_conn"] = (rss_connected - rss_before) / n
    result["server_cpu_cores"] = server_cpu
    result["server_cpu_us_per_delivery"] = server_cpu * elapsed / max(result["received"], 1) * 1e6
    result["client_cpu_cores"] = client_cpu
    result["name"] = name
    return result


async def _redis_floor(samples: int = 1000) -> tuple[dict, dict]:
    import redis.asyncio as aioredis

    pub = aioredis.Redis.from_url(REDIS_URL)
    sub = aioredis.Redis.from_url(REDIS_URL)
    channel = f"bench-floor-{uuid.uuid4().hex[:8]}"
    pubsub = sub.pubsub()
    await pubsub.subscribe(channel)
    await pubsub.get_message(timeout=1)  # subscribe confirmation
    pubsub_rtt = []
    for _ in range(samples):
        t0 = time.perf_counter()
        await pub.publish(channel, b"x")
        while (await pubsub.get_message(timeout=1)) is None:
            pass
        pubsub_rtt.append(time.perf_counter() - t0)
    await pubsub.unsubscribe(channel)
    stream_rtt = []
    key = f"{channel}:stream"
    last = await pub.xadd(key, {"x": "0"})
    for _ in range(samples):
        reading = asyncio.create_task(sub.xread({key: last}, block=2000, count=10))
        await asyncio.sleep(0.001)  # the XREAD is on the wire and blocking
        t0 = time.perf_counter()
        await pub.xadd(key, {"x": "1"})
        response = await reading
        stream_rtt.append(time.perf_counter() - t0)
        last = response[0][1][-1][0]
    await pub.delete(key)
    await pub.aclose()
    await sub.aclose()
    summary = lambda v: {"p50": percentile(v, 50), "p99": percentile(v, 99)}  # noqa: E731
    return summary(pubsub_rtt), summary(stream_rtt)


def _redis_available() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


def main() -> None:
    seconds = float(os.environ.get("KENDALI_BENCH_FANOUT_SECONDS", "60"))
    has_redis = _redis_available()
    floor_pubsub = floor_stream = None
    if has_redis:
        floor_pubsub, floor_stream = asyncio.run(_redis_floor())
        report("redis_pubsub_roundtrip_p50", floor_pubsub["p50"] * 1000, "ms")
        report("redis_pubsub_roundtrip_p99", floor_pubsub["p99"] * 1000, "ms")
        report("redis_xadd_xread_roundtrip_p50", floor_stream["p50"] * 1000, "ms")
        report("redis_xadd_xread_roundtrip_p99", floor_stream["p99"] * 1000, "ms")

    runs = [("fanout_100_database", False, 1, 100, 10.0, 10.0)]
    if has_redis:
        runs.append(("fanout_100_redis", True, 1, 100, 10.0, 10.0))
    runs.append(("fanout_500_database_1proc", False, 1, 500, 50.0, seconds))
    if has_redis:
        runs.append(("fanout_500_redis_2proc", True, 2, 500, 50.0, seconds))
    only = os.environ.get("KENDALI_BENCH_FANOUT_ONLY", "")
    for name, redis, servers, n, rate, secs in runs:
        if only and only not in name:
            continue
        r = _run(name, redis=redis, servers=servers, n=n, rate=rate, seconds=secs)
        floor = floor_pubsub["p50"] * 1000 if (redis and floor_pubsub) else None
        extra = {
            "clients": n,
            "servers": servers,
            "rate_per_s": rate,
            "seconds": secs,
            "received": r["received"],
            # Other processes on the machine delay the server: record the load it ran under.
            "loadavg_1min": round(os.getloadavg()[0], 2),
            "expected": r["expected"],
        }
        report(
            f"{name}_p50",
            r["p50"] * 1000,
            "ms",
            baseline_name="redis_pubsub_roundtrip_p50" if floor else None,
            baseline=floor,
            **extra,
        )
        report(
            f"{name}_p99",
            r["p99"] * 1000,
            "ms",
            target="< 200 ms" if n == 500 else None,
            baseline_name="redis_pubsub_roundtrip_p99" if floor else None,
            baseline=floor_pubsub["p99"] * 1000 if floor else None,
            **extra,
        )
        report(f"{name}_max", r["max"] * 1000, "ms", **extra)
        report(f"{name}_server_cpu", r["server_cpu_cores"], "cores", **extra)
        report(f"{name}_client_cpu", r["client_cpu_cores"], "cores", **extra)
        report(f"{name}_server_cpu_per_delivery", r["server_cpu_us_per_delivery"], "µs", **extra)
        report(f"{name}_server_rss_per_connection", r["server_rss_per_conn"] / 1024, "KiB", **extra)
        report(
            f"{name}_client_rss_per_connection", r["client_rss_delta"] / n / 1024, "KiB", **extra
        )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        serve(int(sys.argv[2]))
    elif len(sys.argv) > 1 and sys.argv[1] == "clients":
        clients(
            [int(p) for p in sys.argv[2].split(",")],
            sys.argv[3],
            int(sys.argv[4]),
            int(sys.argv[5]),
            float(sys.argv[6]),
        )
    else:
        main()
