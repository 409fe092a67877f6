"""Many call-takers creating incidents at the same moment get unique, gap-free numbers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection, connections

from kendali.core.actors import Actor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WORKERS = 8
PER_WORKER = 5


def test_concurrent_creates_get_unique_sequential_numbers(taxonomy, regions_loaded):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        ("file:memorydb", ":memory:")
    ):
        pytest.skip("in-memory SQLite: covered by test_concurrent_creates_on_sqlite_file")
    from kendali.incidents.services import incident_create

    barrier = threading.Barrier(WORKERS)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(i: int) -> None:
        try:
            barrier.wait()
            for _ in range(PER_WORKER):
                incident = incident_create(
                    actor=Actor.system(f"uji-{i}"), type_code="medis", lat=-6.12, lon=106.15
                )
                with lock:
                    numbers.append(incident.number)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    total = WORKERS * PER_WORKER
    assert len(set(numbers)) == total
    year = numbers[0].split("-")[1]
    assert sorted(numbers) == [f"112-{year}-{n:06d}" for n in range(1, total + 1)]


def _expected(numbers: list[str], total: int) -> list[str]:
    year = numbers[0].split("-")[1]
    return [f"112-{year}-{n:06d}" for n in range(1, total + 1)]


@pytest.mark.db_independent
@pytest.mark.django_db(transaction=False)
def test_concurrent_creates_on_sqlite_file(tmp_path: Path):
    """The embedded default (SQLite file, WAL, BEGIN IMMEDIATE) in its own process."""
    env = {
        **os.environ,
        "KENDALI_DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}",
        "KENDALI_DEBUG": "1",
        "KENDALI_HOME": str(tmp_path),
    }
    env.pop("KENDALI_REDIS_URL", None)
    worker = Path(__file__).with_name("race_worker.py")
    done = subprocess.run(
        [sys.executable, str(worker), str(WORKERS), str(PER_WORKER)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["errors"] == []
    total = WORKERS * PER_WORKER
    assert sorted(result["numbers"]) == _expected(result["numbers"], total)
