"""MQTT consumer crash recovery, end to end, through the local Mosquitto: a sensor publishes a
reading every 50 ms while the `kendali worker` process that holds the consumer's lease is
killed with SIGKILL (no clean shutdown, its lease left behind). Measured from the kill to the
next reading stored in the database:

* restart: the same machine starts a new worker at once (systemd's Restart=always);
* takeover: a standby worker was already running beside it (two workers, one consumer).

Baseline, same run: a cold start of a worker with no lease held, from spawn to its first
stored reading. Target (issue 12): readings flowing again within 5 s.

    python bench/sensors_mqtt_recovery.py
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import QUICK, ROOT, VAR, declare, report, setup_django

declare("Sensor: pemulihan konsumen MQTT setelah crash", order=38, doc="platform")

WORKDIR = Path(tempfile.mkdtemp(prefix="sensors-mqtt-recovery-", dir=VAR))
DB_URL = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
setup_django(DB_URL)

ROUNDS = 1 if QUICK else 3
PUBLISH_EVERY_S = 0.05
TIMEOUT_S = 60


def main() -> None:
    import paho.mqtt.client as mqtt
    from sensors_common import prepare

    from kendali.sensors.models import Reading

    ((device, _),) = prepare(1)
    run = uuid.uuid4().hex[:8]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("KENDALI_")},
        "KENDALI_DEBUG": "1",
        "KENDALI_HOME": str(WORKDIR),
        "KENDALI_DATABASE_URL": DB_URL,
        "KENDALI_MQTT_URL": "mqtt://127.0.0.1:1883",
        "KENDALI_MQTT_CLIENT_ID": f"kendali-bench-recovery-{run}",
        "KENDALI_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }

    def worker() -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "kendali.cli", "worker"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    stop = threading.Event()
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"kendali-bench-sensor-{run}")
    pub.connect("127.0.0.1", 1883)
    pub.loop_start()

    def publish() -> None:
        n = 0
        while not stop.is_set():
            body = [
                {
                    "variable": "currentLevel",
                    "time": (start + timedelta(seconds=n)).isoformat(),
                    "value": 1.2,
                }
            ]
            pub.publish(f"kendali/{device.code}/telemetry", json.dumps(body), qos=1)
            n += 1
            time.sleep(PUBLISH_EVERY_S)

    def stored() -> int:
        return Reading.objects.filter(variable__device=device).count()

    def until_new_reading(t0: float) -> float:
        """Seconds from t0 until a reading newer than what is stored now is committed."""
        seen = stored()
        while time.perf_counter() - t0 < TIMEOUT_S:
            if stored() > seen:
                return time.perf_counter() - t0
            time.sleep(0.02)
        raise SystemExit(f"no reading stored within {TIMEOUT_S} s")

    def kill(process: subprocess.Popen) -> float:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return time.perf_counter()

    thread = threading.Thread(target=publish, daemon=True)
    thread.start()
    cold, restart, takeover = [], [], []
    running: list[subprocess.Popen] = []
    try:
        for _ in range(ROUNDS):
            # Cold start: nobody holds the lease (the previous round's holder stopped
            # cleanly and its lease has run out).
            time.sleep(4)
            t0 = time.perf_counter()
            holder = worker()
            running.append(holder)
            cold.append(until_new_reading(t0))
            # Restart after SIGKILL: a new process at once, the dead one's lease still held.
            t0 = kill(holder)
            holder = worker()
            running.append(holder)
            restart.append(until_new_reading(t0))
            # Takeover: a standby worker already running, the holder killed.
            standby = worker()
            running.append(standby)
            time.sleep(3)  # the standby is up and ticking, without the lease
            until_new_reading(time.perf_counter())  # the holder still consumes
            t0 = kill(holder)
            takeover.append(until_new_reading(t0))
            standby.terminate()
            standby.wait(20)
    finally:
        stop.set()
        for process in running:
            if process.poll() is None:
                process.kill()
                process.wait()
        pub.loop_stop()
        pub.disconnect()
        cleaner = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=env["KENDALI_MQTT_CLIENT_ID"],
            clean_session=True,
        )
        cleaner.connect("127.0.0.1", 1883)
        cleaner.disconnect()

    baseline = statistics.median(cold)
    common = {"rounds": ROUNDS, "publish_every_s": PUBLISH_EVERY_S}
    for name, samples in (("restart", restart), ("takeover", takeover)):
        report(
            f"sensors.mqtt_recovery.{name}_max",
            max(samples),
            "s",
            baseline_name="cold start of a worker to its first stored reading, median (same run)",
            baseline=baseline,
            target="<= 5 s",
            samples=[round(s, 2) for s in samples],
            **common,
        )


if __name__ == "__main__":
    main()
