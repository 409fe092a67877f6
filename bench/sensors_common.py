"""Shared set-up for the sensors benchmarks (no figures of its own: `make bench` runs it as a
no-op): a fresh database, devices and their tokens, and a `kendali serve` subprocess on a
free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from common import ROOT

PG_BASE = "postgres://postgres@127.0.0.1:5432/"


def database_url(kind: str, workdir: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'bench.sqlite3'}"
    import psycopg

    name = "kendali_sensors_bench"
    with psycopg.connect(PG_BASE + "postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return PG_BASE + name


def prepare(n_devices: int = 1, kind: str = "water_level"):
    """Migrate and create devices; returns [(device, token)]."""
    from django.core.management import call_command

    from kendali.core.actors import Actor
    from kendali.core.choices import AgencyKind
    from kendali.core.models import Agency
    from kendali.core.roles import sync_roles
    from kendali.regions.services import regions_load
    from kendali.sensors.services import device_create

    call_command("migrate", verbosity=0)
    actor = Actor.system("bench")
    regions_load(actor=actor)
    sync_roles()
    agency, _ = Agency.objects.get_or_create(
        code="bpbd", defaults={"name": "BPBD", "short_name": "BPBD", "kind": AgencyKind.OPD}
    )
    return [
        device_create(
            actor=actor,
            code=f"bench-{kind}-{i}",
            name=f"Bench {i}",
            kind=kind,
            agency=agency,
            lat=-6.0770,
            lon=106.1532,
        )
        for i in range(n_devices)
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(db_url: str, extra_env: dict | None = None):
    port = free_port()
    env = {
        **os.environ,
        "KENDALI_DATABASE_URL": db_url,
        "KENDALI_DEBUG": "1",
        "KENDALI_LOG_LEVEL": "warning",
        "PYTHONPATH": str(ROOT),
        **(extra_env or {}),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "kendali.cli", "serve", "--port", str(port), "--no-background"],
        env=env,
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(url + "/api/v1/health", timeout=1)
            return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")
