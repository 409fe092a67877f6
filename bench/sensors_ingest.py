"""Sensors: HTTP batch ingest (readings/s through POST /api/v1/sensors/readings on a real
`kendali serve` over loopback: auth, JSON, per-item checks, idempotent insert, 1-minute and
1-hour rollups, latest values, rule evaluation) against a raw bulk insert of the same rows
(executemany into the readings table, nothing else) measured in the same run, on SQLite and
on PostgreSQL. Target: >= 20,000 readings/s on SQLite."""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import ROOT, report, setup_django

BATCH = 10_000
BATCHES = 12
VARIABLES = [
    "pm25",
    "pm10",
    "no2",
    "co",
    "o3",
    "airQualityIndex",
    "temperature",
    "relativeHumidity",
]


def batches(device_code: str, start: datetime) -> list[bytes]:
    """BATCHES bodies of BATCH readings: 8 variables, one reading per second each."""
    out = []
    second = 0
    for _ in range(BATCHES):
        items = []
        while len(items) < BATCH:
            at = (start + timedelta(seconds=second)).isoformat()
            for var in VARIABLES:
                items.append(
                    {
                        "device": device_code,
                        "variable": var,
                        "time": at,
                        "value": 20.0 + (second % 97) / 10,
                    }
                )
            second += 1
        out.append(json.dumps(items[:BATCH]).encode())
    return out


def run(kind: str) -> None:
    from sensors_common import database_url, prepare, serve

    workdir = Path(tempfile.mkdtemp(prefix="sensors-", dir=ROOT / "bench" / "var"))
    db_url = database_url(kind, workdir)
    setup_django(db_url)
    from django.db import connection, transaction

    from kendali.sensors.ingest import _db_time_formatter
    from kendali.sensors.models import Reading, RollupMinute, Variable

    (device, token), (other, _t) = prepare(2, kind="air_quality")
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
    bodies = batches(device.code, start)
    proc, url = serve(db_url)
    try:
        conn = http.client.HTTPConnection(url.split("//")[1])
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        conn.request("POST", "/api/v1/sensors/readings", bodies[0], headers)  # warm-up
        assert conn.getresponse().read()
        t0 = time.perf_counter()
        stored = 0
        for body in bodies[1:]:
            conn.request("POST", "/api/v1/sensors/readings", body, headers)
            result = json.loads(conn.getresponse().read())
            stored += result["stored"]
        elapsed = time.perf_counter() - t0
        # The same batches again: all duplicates (idempotency cost).
        t1 = time.perf_counter()
        for body in bodies[1:4]:
            conn.request("POST", "/api/v1/sensors/readings", body, headers)
            assert json.loads(conn.getresponse().read())["stored"] == 0
        dup_rate = 3 * BATCH / (time.perf_counter() - t1)
    finally:
        proc.terminate()
        proc.wait(10)
    assert stored == BATCH * (BATCHES - 1), stored
    http_rate = stored / elapsed
    connection.close()

    # Baseline: the same rows into the readings table of another device, one executemany
    # per batch in one transaction each: no HTTP, no checks, no rollups.
    fmt = _db_time_formatter()
    var_ids = {v.name: v.pk for v in Variable.objects.filter(device=other)}
    rows_per_batch = []
    for body in bodies[1:]:
        rows = []
        for item in json.loads(body):
            at = datetime.fromisoformat(item["time"])
            rows.append((var_ids[item["variable"]], fmt(at), item["value"]))
        rows_per_batch.append(rows)
    table = Reading._meta.db_table
    t2 = time.perf_counter()
    for rows in rows_per_batch:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (variable_id, time, value) VALUES (%s, %s, %s)",
                rows,  # noqa: S608
            )
    base_rate = sum(len(r) for r in rows_per_batch) / (time.perf_counter() - t2)
    assert RollupMinute.objects.filter(variable__device=device).count() > 0

    report(
        f"sensors.http_ingest.{kind}",
        http_rate,
        "readings/s",
        baseline_name=f"raw executemany insert of the same rows ({kind})",
        baseline=base_rate,
        target=">= 20000 readings/s on SQLite" if kind == "sqlite" else None,
        batch=BATCH,
        batches=BATCHES - 1,
    )
    report(
        f"sensors.http_ingest_duplicates.{kind}",
        dup_rate,
        "readings/s",
        note="re-sent batches, nothing stored",
    )
    shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    if len(sys.argv) > 1:
        run(sys.argv[1])
        return
    for kind in ("sqlite", "postgres"):
        code = subprocess.call([sys.executable, __file__, kind], cwd=ROOT)
        if code:
            sys.exit(code)


if __name__ == "__main__":
    main()
