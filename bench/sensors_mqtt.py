"""Sensors over MQTT through the local Mosquitto: ingest readings/s (QoS 1 messages of 100
readings, manual acknowledgement after commit) against the same readings posted in-process
to the ingest service (no broker) in the same run; and zero loss across a consumer
(Kendali) restart in the middle of a stream (persistent session, same client id)."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import ROOT, report, setup_django

WORKDIR = Path(tempfile.mkdtemp(prefix="sensors-mqtt-", dir=ROOT / "bench" / "var"))
setup_django(f"sqlite:///{WORKDIR / 'bench.sqlite3'}")

PER_MESSAGE = 100
MESSAGES = 300
STREAM_MESSAGES = 600


def wait_until(condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def main() -> None:
    import paho.mqtt.client as mqtt
    from sensors_common import prepare

    from kendali.core.actors import Actor
    from kendali.core.mqtt import Consumer
    from kendali.sensors.models import Reading
    from kendali.sensors.services import readings_ingest

    (device, _), (other, _) = prepare(2)
    run = uuid.uuid4().hex[:8]
    prefix = f"kendali-bench-{run}/"
    client_id = f"kendali-bench-consumer-{run}"
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(
        days=2
    )  # 90,000 s of data stays in the past
    second = [0]

    def payload() -> bytes:
        items = []
        for _ in range(PER_MESSAGE):
            items.append(
                {
                    "variable": "currentLevel",
                    "time": (start + timedelta(seconds=second[0])).isoformat(),
                    "value": 1.0 + (second[0] % 50) / 100,
                }
            )
            second[0] += 1
        return json.dumps(items).encode()

    def stored(c) -> int:
        return c.counts["sensors.telemetry"].accepted

    def consumer():
        c = Consumer(
            "mqtt://127.0.0.1:1883",
            client_id=client_id,
            root=prefix,
        ).start()
        assert c.connected.wait(10)
        return c

    pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"kendali-bench-pub-{run}")
    pub.max_inflight_messages_set(1000)
    pub.connect("127.0.0.1", 1883)
    pub.loop_start()
    topic = f"{prefix}{device.code}/telemetry"

    # 1. throughput
    bodies = [payload() for _ in range(MESSAGES)]
    c = consumer()
    t0 = time.perf_counter()
    for body in bodies:
        pub.publish(topic, body, qos=1)
    assert wait_until(lambda: stored(c) >= MESSAGES * PER_MESSAGE, 120), stored(c)
    mqtt_rate = MESSAGES * PER_MESSAGE / (time.perf_counter() - t0)

    # baseline: the same readings straight into the service, same batch sizes, no broker
    actor = Actor.system("bench")
    items = [{**item, "device": other.code} for body in bodies for item in json.loads(body)]
    t1 = time.perf_counter()
    for i in range(0, len(items), PER_MESSAGE * 20):
        readings_ingest(actor=actor, items=items[i : i + PER_MESSAGE * 20])
    direct_rate = len(items) / (time.perf_counter() - t1)
    report(
        "sensors.mqtt_ingest",
        mqtt_rate,
        "readings/s",
        baseline_name="same readings to readings_ingest in-process (no broker)",
        baseline=direct_rate,
        messages=MESSAGES,
        readings_per_message=PER_MESSAGE,
    )

    # 2. zero loss across a restart mid-stream
    before = Reading.objects.filter(variable__device=device).count()
    stream = [payload() for _ in range(STREAM_MESSAGES)]
    restarted = threading.Event()

    def publish_stream():
        for i, body in enumerate(stream):
            pub.publish(topic, body, qos=1).wait_for_publish(10)
            if i == STREAM_MESSAGES // 3:
                c_holder[0].stop()  # Kendali goes down mid-stream
            if i == 2 * STREAM_MESSAGES // 3:
                c_holder[0] = consumer()  # and comes back
                restarted.set()
            time.sleep(0.002)

    c_holder = [c]
    thread = threading.Thread(target=publish_stream)
    thread.start()
    thread.join()
    expected = before + STREAM_MESSAGES * PER_MESSAGE
    ok = wait_until(
        lambda: Reading.objects.filter(variable__device=device).count() >= expected, 120
    )
    got = Reading.objects.filter(variable__device=device).count()
    c_holder[0].stop()
    pub.loop_stop()
    pub.disconnect()
    cleaner = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True)
    cleaner.connect("127.0.0.1", 1883)
    cleaner.disconnect()
    lost = expected - got
    if lost and "--debug" in sys.argv:
        have = {
            int((t - start).total_seconds())
            for t in Reading.objects.filter(variable__device=device).values_list("time", flat=True)
        }
        missing = sorted(
            {
                (s - MESSAGES * PER_MESSAGE) // PER_MESSAGE
                for s in range(MESSAGES * PER_MESSAGE, second[0])
                if s not in have
            }
        )
        print(
            "missing messages",
            missing[:50],
            len(missing),
            "rejected",
            c_holder[0].counts["sensors.telemetry"].rejected,
            file=sys.stderr,
        )
    report(
        "sensors.mqtt_restart_loss",
        lost,
        "readings lost",
        baseline_name="readings published",
        baseline=STREAM_MESSAGES * PER_MESSAGE,
        target="0",
        restarted=restarted.is_set(),
        complete=ok,
    )
    shutil.rmtree(WORKDIR, ignore_errors=True)
    if lost:
        sys.exit(1)


if __name__ == "__main__":
    main()
