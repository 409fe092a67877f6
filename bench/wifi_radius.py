"""Park Wi-Fi: PAP authentications per second and p99 latency through
FreeRADIUS 3 → rlm_rest → Kendali (uvicorn, 2 workers), against the floor of the same
FreeRADIUS answering from its own users file, measured in the same run on loopback.

The load generator is a closed-loop RADIUS client written here (asyncio, one UDP socket
per concurrent client, PAP per RFC 2865 §5.2), so every request's latency is known.
Database: a fresh SQLite file (KENDALI_BENCH_DATABASE_URL to use PostgreSQL instead).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import ROOT, percentile, report

sys.path.insert(0, str(ROOT))
from tests.wifi import freeradius  # noqa: E402

SECRET = "bench-radius-secret-2026"
USERS = 200
CONCURRENCY = int(os.environ.get("KENDALI_BENCH_RADIUS_CONCURRENCY", "32"))
DURATION = float(os.environ.get("KENDALI_BENCH_RADIUS_SECONDS", "8"))
# Latency at a moderate load too (the saturating run's p99 is mostly queueing).
LIGHT_CONCURRENCY, LIGHT_SECONDS = 4, 4.0
PYTHON = sys.executable

SETUP = f"""
from datetime import timedelta
from django.utils import timezone
from kendali.core.actors import Actor
from kendali.core.roles import sync_roles
from kendali.core.services import token_create
from kendali.wifi import crypto, services
from kendali.wifi.models import Subscriber
sync_roles()
a = Actor.system("bench")
g = services.quota_group_save(actor=a, name="Bench", daily_seconds=7200,
    daily_octets=500 * 2**20, monthly_octets=5 * 2**30, simultaneous_use=1,
    rate_down_kbps=5000, rate_up_kbps=1000, is_default=True)
p = services.park_save(actor=a, name="Alun-alun Kota Serang", lat=-6.1196, lon=106.1537)
services.access_point_save(actor=a, park=p, name="bench", mac="48:8F:5A:00:00:FE",
    nas_ip="127.0.0.1", ssid="Serang-Free-WiFi", secret="{SECRET}")
until = timezone.now() + timedelta(hours=6)
Subscriber.objects.bulk_create(Subscriber(username=f"pbench{{i:04d}}", kind="phone", group=g,
    credential_digest=crypto.keyed_digest(f"pw-{{i}}", purpose="credential"),
    credential_expires_at=until) for i in range({USERS}))
_, plain = token_create(actor=a, name="FreeRADIUS bench", scopes=["radius"])
print("TOKEN=" + plain)
"""


def free_tcp_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- RADIUS load generator


def access_request(ident: int, user: str, password: str) -> tuple[bytes, bytes]:
    authenticator = secrets.token_bytes(16)
    padded = password.encode().ljust(((len(password) - 1) // 16 + 1) * 16, b"\0")
    hidden, last = b"", authenticator
    for i in range(0, len(padded), 16):
        key = hashlib.md5(SECRET.encode() + last).digest()  # noqa: S324 - RFC 2865 PAP
        block = bytes(a ^ b for a, b in zip(padded[i : i + 16], key, strict=True))
        hidden += block
        last = block
    attrs = bytes([1, 2 + len(user)]) + user.encode()
    attrs += bytes([2, 2 + len(hidden)]) + hidden
    attrs += bytes([4, 6]) + socket.inet_aton("127.0.0.1")  # NAS-IP-Address
    header = struct.pack("!BBH", 1, ident, 20 + len(attrs))
    return header + authenticator + attrs, authenticator


class _Client(asyncio.DatagramProtocol):
    def __init__(self):
        self.waiting: dict[int, asyncio.Future] = {}

    def datagram_received(self, data, addr):
        future = self.waiting.pop(data[1], None)
        if future and not future.done():
            future.set_result(data[0])


async def _worker(port: int, deadline: float, latencies: list, codes: dict, n: int):
    loop = asyncio.get_running_loop()
    transport, proto = await loop.create_datagram_endpoint(_Client, remote_addr=("127.0.0.1", port))
    ident = 0
    try:
        while time.perf_counter() < deadline:
            ident = (ident + 1) % 256
            i = (n * 7919 + ident) % USERS
            packet, _ = access_request(ident, f"pbench{i:04d}", f"pw-{i}")
            future = loop.create_future()
            proto.waiting[ident] = future
            t0 = time.perf_counter()
            transport.sendto(packet)
            try:
                code = await asyncio.wait_for(future, timeout=5)
            except TimeoutError:
                codes["lost"] = codes.get("lost", 0) + 1
                continue
            latencies.append(time.perf_counter() - t0)
            codes[code] = codes.get(code, 0) + 1
            n += 1
    finally:
        transport.close()


def load(port: int, seconds: float, concurrency: int) -> dict:
    latencies: list[float] = []
    codes: dict = {}

    async def run():
        deadline = time.perf_counter() + seconds
        await asyncio.gather(
            *(_worker(port, deadline, latencies, codes, k * 1000) for k in range(concurrency))
        )

    t0 = time.perf_counter()
    asyncio.run(run())
    elapsed = time.perf_counter() - t0
    return {
        "rate": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "accepted": codes.get(2, 0),
        "rejected": codes.get(3, 0),
        "lost": codes.get("lost", 0),
    }


# ---------------------------------------------------------------- servers


def floor_raddb(kendali_raddb: Path, target: Path, port: int) -> None:
    """The same standalone FreeRADIUS, answering PAP from its own users file."""
    shutil.copytree(kendali_raddb, target)
    for rel in ("sites-enabled/kendali", "mods-enabled/rest"):
        (target / rel).unlink()
    (target / "users").write_text(
        "".join(f'pbench{i:04d} Cleartext-Password := "pw-{i}"\n' for i in range(USERS))
    )
    (target / "mods-enabled" / "files").write_text("files {\n\tfilename = ${confdir}/users\n}\n")
    (target / "mods-enabled" / "pap").write_text("pap {\n\tnormalise = yes\n}\n")
    (target / "sites-enabled" / "floor").write_text(
        "server floor {\n"
        f"\tlisten {{\n\t\ttype = auth\n\t\tipaddr = 127.0.0.1\n\t\tport = {port}\n\t}}\n"
        "\tauthorize {\n\t\tfiles\n\t\tpap\n\t}\n"
        "\tauthenticate {\n\t\tAuth-Type PAP {\n\t\t\tpap\n\t\t}\n\t}\n"
        "}\n"
    )


def main() -> int:
    if freeradius.ensure_installed() is None:
        print("wifi_radius: FreeRADIUS not available; skipped", file=sys.stderr)
        return 0
    work = Path(tempfile.mkdtemp(prefix="kendali-wifi-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kendali.settings",
        "KENDALI_DEBUG": "0",
        "KENDALI_SECRET_KEY": "bench-" + secrets.token_hex(24),
        "KENDALI_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "KENDALI_SSL_REDIRECT": "0",
        "KENDALI_BACKGROUND_JOBS": "0",
        "KENDALI_LOG_LEVEL": "WARNING",
        "KENDALI_DATABASE_URL": os.environ.get(
            "KENDALI_BENCH_DATABASE_URL", f"sqlite:///{work}/bench.sqlite3"
        ),
    }
    manage = [PYTHON, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    out = subprocess.run(
        [*manage, "shell", "-c", SETUP],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    token = next(line[6:] for line in out.splitlines() if line.startswith("TOKEN="))
    auth_port, acct_port, floor_port = (freeradius.free_udp_port() for _ in range(3))
    results = {}
    # Two ways to run the Kendali process FreeRADIUS talks to: the ordinary ASGI server
    # (`kendali serve`) and a dedicated WSGI-interface process for the RADIUS hop (no
    # per-middleware thread hops; see docs/wifi.md).
    for mode, app, extra in (
        ("wsgi", "kendali.wsgi:application", ["--interface", "wsgi"]),
        ("asgi", "kendali.asgi:application", []),
    ):
        http_port = free_tcp_port()
        raddb = work / f"raddb-{mode}"
        subprocess.run(
            [
                *manage,
                "radius_config",
                "--target",
                str(raddb),
                "--url",
                f"http://127.0.0.1:{http_port}",
                "--token",
                token,
                "--auth-port",
                str(auth_port),
                "--acct-port",
                str(acct_port),
                "--standalone",
                "--threads",
                "32",
                "--no-tls-check",
            ],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
        if mode == "wsgi":
            floor_raddb(raddb, work / "raddb-floor", floor_port)
            with freeradius.FreeRadius(work / "raddb-floor"):
                load(floor_port, 1, CONCURRENCY)  # warm-up
                results["floor"] = load(floor_port, DURATION, CONCURRENCY)
                results["floor_light"] = load(floor_port, LIGHT_SECONDS, LIGHT_CONCURRENCY)
        server = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "uvicorn",
                app,
                *extra,
                "--host",
                "127.0.0.1",
                "--port",
                str(http_port),
                "--workers",
                "2",
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{http_port}/api/v1/health", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)  # waiting for the server to start
            with freeradius.FreeRadius(raddb):
                load(auth_port, 2, CONCURRENCY)  # warm-up: connection pool, caches
                results[mode] = load(auth_port, DURATION, CONCURRENCY)
                results[f"{mode}_light"] = load(auth_port, LIGHT_SECONDS, LIGHT_CONCURRENCY)
        finally:
            server.terminate()
            server.wait(timeout=10)
    floor = results["floor"]
    for mode in ("wsgi", "asgi"):
        kendali = results[mode]
        if kendali["rejected"] or kendali["lost"] or floor["rejected"]:
            print(f"wifi_radius: unexpected answers {mode} {kendali} {floor}", file=sys.stderr)
        suffix = "" if mode == "wsgi" else "_asgi"
        report(
            f"wifi_radius_auth_rate{suffix}",
            kendali["rate"],
            "auth/s",
            baseline_name="freeradius_users_file_auth_rate",
            baseline=floor["rate"],
            target=">= 500 auth/s" if mode == "wsgi" else None,
            server=mode,
            concurrency=CONCURRENCY,
            accepted=kendali["accepted"],
            lost=kendali["lost"],
        )
        report(
            f"wifi_radius_auth_p99{suffix}",
            kendali["p99_ms"],
            "ms",
            baseline_name="freeradius_users_file_auth_p99",
            baseline=floor["p99_ms"],
            server=mode,
            p50_ms=round(kendali["p50_ms"], 3),
            baseline_p50_ms=round(floor["p50_ms"], 3),
            concurrency=CONCURRENCY,
        )
        light, floor_light = results[f"{mode}_light"], results["floor_light"]
        report(
            f"wifi_radius_auth_p99_light{suffix}",
            light["p99_ms"],
            "ms",
            baseline_name="freeradius_users_file_auth_p99_light",
            baseline=floor_light["p99_ms"],
            server=mode,
            rate=round(light["rate"], 1),
            p50_ms=round(light["p50_ms"], 3),
            baseline_p50_ms=round(floor_light["p50_ms"], 3),
            concurrency=LIGHT_CONCURRENCY,
        )
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
