"""A thousand dispatchers assigning the same unit at once: exactly one wins, the rest are
told the unit is already on an incident.

Real threads, each with its own database connection:
* in-process against the suite's database when it is PostgreSQL (``transaction=True``);
* in a subprocess (tests/dispatch/race_worker.py) against a real SQLite file and a real
  PostgreSQL database, so both engines are covered in every run. The in-memory SQLite
  test database is not used for this: its shared-cache table locks ignore the busy
  timeout, unlike the WAL + IMMEDIATE SQLite file Kendali runs on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection, connections

from kendali.core.actors import Actor
from kendali.core.errors import Conflict
from kendali.dispatch import services
from kendali.dispatch.models import Assignment, Unit
from tests.conftest import require_service

ATTEMPTS = 1000
THREADS = 32  # concurrent connections (PostgreSQL's default limit is 100)
WORKER = Path(__file__).with_name("race_worker.py")
ROOT = Path(__file__).resolve().parents[2]


def run_worker(database_url: str) -> dict:
    env = {**os.environ, "KENDALI_DATABASE_URL": database_url, "KENDALI_DEBUG": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(  # noqa: S603 - our own script with the current interpreter
        [sys.executable, str(WORKER), str(ATTEMPTS), str(THREADS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def assert_one_winner(result: dict) -> None:
    assert result["errors"] == []
    assert (result["won"], result["busy"]) == (1, ATTEMPTS - 1)
    assert result["rows"] == 1 and result["linked"] and result["status"] == "ditugaskan"


@pytest.mark.db_independent
def test_race_on_sqlite_file(tmp_path):
    result = run_worker(f"sqlite:///{tmp_path / 'race.sqlite3'}")
    assert result["vendor"] == "sqlite"
    assert_one_winner(result)


@pytest.mark.db_independent
def test_race_on_postgresql():
    require_service("PostgreSQL", "127.0.0.1", 5432)
    import psycopg

    name = f"kendali_dispatch_race_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True)
    try:
        admin.execute(f'CREATE DATABASE "{name}"')
        result = run_worker(f"postgres://postgres@127.0.0.1:5432/{name}")
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
    assert result["vendor"] == "postgresql"
    assert_one_winner(result)


@pytest.mark.django_db(transaction=True)
def test_race_in_process(fleet, make_incident, users):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("in-memory SQLite: covered by test_race_on_sqlite_file")
    unit = fleet["DMK-1"]
    incidents = [make_incident() for _ in range(4)]
    dispatcher = users["dispatcher"]
    barrier = threading.Barrier(THREADS)
    local = threading.local()
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(i: int) -> None:
        if not getattr(local, "ready", False):
            local.ready = True
            barrier.wait(timeout=60)
        try:
            services.assignment_create(
                actor=Actor(user=dispatcher), incident=incidents[i % 4], unit=unit
            )
            result = "won"
        except Conflict as exc:
            result = "busy" if "sudah ditugaskan" in exc.detail else f"other: {exc.detail}"
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            result = f"error: {type(exc).__name__}: {exc}"
        with lock:
            outcomes.append(result)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(attempt, range(ATTEMPTS)))
        list(pool.map(lambda _i: connections.close_all(), range(THREADS)))
    assert [o for o in outcomes if o not in ("won", "busy")] == []
    assert outcomes.count("won") == 1
    fresh = Unit.objects.get(pk=unit.pk)
    assert fresh.current_assignment == Assignment.objects.get(unit=unit)
