"""Sensors: reading -> alarm on the live event stream. A gauge posts a reading above its
threshold to a running `kendali serve`; a control-room viewer's SSE stream
(/api/v1/events/stream) receives "sensors.alarm.raised". Latency = from the start of the
POST to the event's arrival in the event store the SSE stream tails (read by another
connection every 5 ms) (p50/p95 over 60 alarms), against the POST's own
round trip in the same run. Target: p95 < 1 s."""

from __future__ import annotations

import http.client
import json
import shutil
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import ROOT, percentile, report, setup_django

WORKDIR = Path(tempfile.mkdtemp(prefix="sensors-alarm-", dir=ROOT / "bench" / "var"))
DB_URL = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
setup_django(DB_URL)

TRIALS = 60


def main() -> None:
    from sensors_common import prepare, serve

    from kendali.core.actors import Actor
    from kendali.sensors.services import rule_save

    [(device, token)] = prepare(1)
    rule_save(
        actor=Actor.system("bench"),
        device=device,
        name="Siaga",
        variable="currentLevel",
        kind="threshold",
        threshold=2.0,
        level="siaga",
    )
    proc, url = serve(DB_URL)
    host = url.split("//")[1]
    arrivals: dict[int, float] = {}
    ready = threading.Event()

    def listen():
        # Tails the event store the SSE endpoint serves from (every 5 ms), in its own
        # database connection, as another process's stream would.
        from django.db import connection

        from kendali.core.events import get_store

        store = get_store()
        last = store.latest_id()
        ready.set()
        while len(arrivals) < TRIALS and not stop.is_set():
            for event in store.read_after(last):
                last = event.id
                if event.topic == "sensors.alarm.raised":
                    arrivals[event.data["id"]] = time.perf_counter()
            time.sleep(0.005)
        connection.close()

    stop = threading.Event()
    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    try:
        assert ready.wait(20), "stream not ready"
        conn = http.client.HTTPConnection(host)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        start = datetime.now(UTC) - timedelta(hours=1)
        sent: dict[int, float] = {}
        round_trips = []
        for i in range(TRIALS):
            for value, offset in ((2.6, 0), (1.0, 1)):
                body = json.dumps(
                    [
                        {
                            "variable": "currentLevel",
                            "time": (start + timedelta(seconds=2 * i + offset)).isoformat(),
                            "value": value,
                        }
                    ]
                )
                t0 = time.perf_counter()
                conn.request("POST", "/api/v1/sensors/readings", body, headers)
                result = json.loads(conn.getresponse().read())
                if value > 2:
                    round_trips.append(time.perf_counter() - t0)
                    sent[result["alarms"][0]] = t0
            time.sleep(0.02)
        thread.join(20)
        stop.set()
    finally:
        proc.terminate()
        proc.wait(10)
    latencies = [arrivals[a] - t for a, t in sent.items() if a in arrivals]
    assert len(latencies) == TRIALS, f"{len(latencies)} of {TRIALS} alarms arrived"
    report(
        "sensors.reading_to_alarm_event_p95",
        percentile(latencies, 95) * 1000,
        "ms",
        baseline_name="p95 of the POST round trip itself",
        baseline=percentile(round_trips, 95) * 1000,
        target="< 1000 ms",
        p50_ms=round(percentile(latencies, 50) * 1000, 2),
        trials=TRIALS,
    )
    shutil.rmtree(WORKDIR, ignore_errors=True)


if __name__ == "__main__":
    main()
