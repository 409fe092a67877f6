"""MQTT consumer against the real Mosquitto on 127.0.0.1:1883: readings published while
the consumer is down arrive after it restarts (QoS 1, persistent session)."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from kendali.sensors.models import Reading
from tests.conftest import require_service


def wait_for(condition, timeout=15.0) -> bool:
    """Wait for a condition another thread brings about (bounded; not a fixed sleep)."""
    done = threading.Event()
    deadline = datetime.now() + timedelta(seconds=timeout)
    while datetime.now() < deadline:
        if condition():
            return True
        done.wait(0.05)
    return condition()


def publisher(client_id: str):
    import paho.mqtt.client as mqtt

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id)
    client.connect("127.0.0.1", 1883)
    client.loop_start()
    return client


@pytest.mark.django_db(transaction=True)
def test_readings_published_while_down_arrive_after_restart(make_device):
    require_service("mosquitto", "127.0.0.1", 1883)
    from kendali.sensors.mqtt import Consumer

    device, _ = make_device(code="tma-mqtt")
    run = uuid.uuid4().hex[:8]
    prefix = f"kendali-test-{run}/"
    client_id = f"kendali-test-consumer-{run}"

    def start():
        consumer = Consumer(
            "mqtt://127.0.0.1:1883",
            client_id=client_id,
            topic=f"{prefix}+/telemetry",
            topic_prefix=prefix,
        ).start()
        assert consumer.connected.wait(10)
        return consumer

    now = datetime.now(UTC).replace(microsecond=0)
    topic = f"{prefix}{device.code}/telemetry"
    pub = publisher(f"kendali-test-pub-{run}")
    try:
        consumer = start()
        # NGSI-LD style key-values message
        pub.publish(
            topic, json.dumps({"currentLevel": 1.1, "dateObserved": now.isoformat()}), qos=1
        ).wait_for_publish(5)
        # (the consumer's own counter: the test database is not read while it writes)
        assert wait_for(lambda: consumer.stored == 1)
        consumer.stop()  # Kendali goes down

        for i in range(1, 4):  # published while nobody consumes
            at = (now + timedelta(seconds=i)).isoformat()
            body = [{"variable": "currentLevel", "time": at, "value": 1.1 + i / 10}]
            pub.publish(topic, json.dumps(body), qos=1).wait_for_publish(5)

        consumer = start()  # Kendali is back: same client id, same session
        assert wait_for(lambda: consumer.stored == 3)
        consumer.stop()
        assert sorted(Reading.objects.values_list("value", flat=True)) == pytest.approx(
            [1.1, 1.2, 1.3, 1.4]
        )
    finally:
        pub.loop_stop()
        pub.disconnect()
        # Drop the persistent session on the broker so test runs do not pile up sessions.
        import paho.mqtt.client as mqtt

        cleaner = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True
        )
        cleaner.connect("127.0.0.1", 1883)
        cleaner.disconnect()


def test_payload_shapes():
    from kendali.sensors.mqtt import items_from_payload

    flat = items_from_payload(
        "d1", b'{"pm25": 12, "pm10": 30, "dateObserved": "2026-11-28T03:00:00Z"}'
    )
    assert {i["variable"] for i in flat} == {"pm25", "pm10"}
    assert all(i["time"] == "2026-11-28T03:00:00Z" and i["device"] == "d1" for i in flat)
    listed = items_from_payload(
        "d1", b'{"readings": [{"variable": "pm25", "time": 1, "value": 2}]}'
    )
    assert listed == [{"variable": "pm25", "time": 1, "value": 2, "device": "d1"}]
    assert items_from_payload("d1", b"not json") == []
