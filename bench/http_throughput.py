"""HTTP throughput of GET /api/v1/health and /api/v1/regions/locate with 20 concurrent
keep-alive clients, against a bare ASGI "hello" app on the same uvicorn settings
(the framework floor), all measured in this run. The load generator is a separate process."""

from __future__ import annotations

import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, percentile, report

CONCURRENCY = 20
DURATION = float(os.environ.get("KENDALI_BENCH_SECONDS", "8"))

HELLO_APP = """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"15")]})
    await send({"type": "http.response.body", "body": b'{"status":"ok"}'})
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int, path: str, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
                if s.recv(20).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server on {port} not ready")


async def one_client(port: int, paths: list[str], stop_at: float, latencies: list[float]) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    done = 0
    i = 0
    while time.perf_counter() < stop_at:
        path = paths[i % len(paths)]
        i += 1
        t0 = time.perf_counter()
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(head[:80])
        await reader.readexactly(length)
        latencies.append(time.perf_counter() - t0)
        done += 1
    writer.close()
    return done


def load(port: int, paths: list[str]) -> dict:
    """Run the load generator in a child process (so it does not share the server's GIL)."""
    out = subprocess.run(
        [sys.executable, __file__, "--load", str(port), json.dumps(paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _load_child(port: int, paths: list[str]) -> None:
    latencies: list[float] = []
    stop_at = time.perf_counter() + DURATION

    async def run() -> int:
        counts = await asyncio.gather(
            *[one_client(port, paths, stop_at, latencies) for _ in range(CONCURRENCY)]
        )
        return sum(counts)

    t0 = time.perf_counter()
    n = asyncio.run(run())
    elapsed = time.perf_counter() - t0
    print(
        json.dumps(
            {
                "n": n,
                "elapsed": elapsed,
                "p50": percentile(latencies, 50) * 1000,
                "p99": percentile(latencies, 99) * 1000,
            }
        )
    )


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="kendali-bench-"))
    # Production-like settings: debug off (no per-request static rescans or query logging).
    env = {
        **os.environ,
        "KENDALI_DEBUG": "0",
        "KENDALI_SECRET_KEY": "bench-" + "x" * 40,
        "KENDALI_ALLOWED_HOSTS": "127.0.0.1",
        "KENDALI_SSL_REDIRECT": "0",
        "KENDALI_DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite3",
        "KENDALI_HOME": str(workdir),
        "KENDALI_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run(
        [sys.executable, "-m", "kendali.cli", "setup"],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    (workdir / "hello_app.py").write_text(HELLO_APP)
    uvicorn_args = ["--log-level", "warning", "--no-access-log", "--lifespan", "off"]
    kendali_port, hello_port = free_port(), free_port()
    servers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "kendali.asgi:django_application",
                "--port",
                str(kendali_port),
                *uvicorn_args,
            ],
            env=env,
            cwd=ROOT,
        ),
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "hello_app:app",
                "--port",
                str(hello_port),
                *uvicorn_args,
            ],
            env={**env, "PYTHONPATH": str(workdir)},
            cwd=workdir,
        ),
    ]
    try:
        wait_ready(kendali_port, "/api/v1/health")
        wait_ready(hello_port, "/")
        rng = random.Random(7)
        locate_paths = [
            f"/api/v1/regions/locate?lat={rng.uniform(-6.2, -6.0):.5f}&lon={rng.uniform(106.05, 106.3):.5f}"
            for _ in range(200)
        ]
        hello = load(hello_port, ["/"])
        health = load(kendali_port, ["/api/v1/health"])
        located = load(kendali_port, locate_paths)
        floor = hello["n"] / hello["elapsed"]
        for name, result in (("health", health), ("locate", located)):
            rate = result["n"] / result["elapsed"]
            report(
                f"http.{name}.throughput",
                rate,
                "req/s",
                baseline_name="bare ASGI hello, same uvicorn",
                baseline=floor,
                clients=CONCURRENCY,
                seconds=DURATION,
            )
            report(
                f"http.{name}.p99",
                result["p99"],
                "ms",
                baseline_name="bare ASGI hello p99",
                baseline=hello["p99"],
                p50_ms=round(result["p50"], 2),
            )
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--load":
        _load_child(int(sys.argv[2]), json.loads(sys.argv[3]))
    else:
        main()
