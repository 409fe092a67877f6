"""Sensor telemetry through the core MQTT consumer against the real Mosquitto on
127.0.0.1:1883: readings published while the consumer is down arrive after it restarts (QoS 1,
persistent session); bad readings, poison messages and a database that is away."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import OperationalError

from kendali.core.models import AuditEntry
from kendali.core.mqtt import Consumer
from kendali.sensors import services
from kendali.sensors.models import Reading
from kendali.sensors.mqtt import items_from_payload
from tests.mqtt import BrokerRun, publisher, wait_for

TELEMETRY = "sensors.telemetry"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_readings_published_while_down_arrive_after_restart(make_device):
    broker = BrokerRun()
    device, _ = make_device(code="tma-mqtt")
    now = datetime.now(UTC).replace(microsecond=0)
    topic = broker.topic(f"{device.code}/telemetry")
    try:
        with publisher() as pub:
            consumer = broker.consumer()
            # NGSI-LD style key-values message
            pub.publish(
                topic, json.dumps({"currentLevel": 1.1, "dateObserved": now.isoformat()}), qos=1
            ).wait_for_publish(5)
            # (the consumer's own counter: the test database is not read while it writes)
            assert wait_for(lambda: consumer.counts[TELEMETRY].accepted == 1)
            consumer.stop()  # Kendali goes down

            for i in range(1, 4):  # published while nobody consumes
                at = (now + timedelta(seconds=i)).isoformat()
                body = [{"variable": "currentLevel", "time": at, "value": 1.1 + i / 10}]
                pub.publish(topic, json.dumps(body), qos=1).wait_for_publish(5)

            consumer = broker.consumer()  # Kendali is back: same client id, same session
            assert wait_for(lambda: consumer.counts[TELEMETRY].accepted == 3)
            consumer.stop()
        assert sorted(Reading.objects.values_list("value", flat=True)) == pytest.approx(
            [1.1, 1.2, 1.3, 1.4]
        )
    finally:
        broker.close()


def test_payload_shapes():
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


class FakeMessage:
    def __init__(self, mid: int, topic: str, payload) -> None:
        self.mid, self.topic, self.qos = mid, topic, 1
        self.payload = payload if isinstance(payload, bytes) else json.dumps(payload).encode()


class FakeClient:
    def __init__(self) -> None:
        self.acked: list[int] = []

    def ack(self, mid, qos):
        self.acked.append(mid)


def consumer_without_broker():
    consumer = Consumer("mqtt://127.0.0.1:1")  # never started: no connection is made
    consumer.client = FakeClient()
    consumer.retry_seconds = 0
    return consumer


@pytest.mark.django_db(transaction=True)
def test_bad_readings_in_a_message_do_not_stall_the_stream(make_device):
    device, _ = make_device(code="tma-mqtt")
    topic = f"kendali/{device.code}/telemetry"
    now = datetime.now(UTC).replace(microsecond=0)
    huge = (
        b'{"currentLevel": 1' + b"0" * 400 + b', "dateObserved": "%s"}' % now.isoformat().encode()
    )
    messages = [
        FakeMessage(1, topic, huge),
        FakeMessage(
            2,
            topic,
            [{"variable": "currentLevel", "time": "0001-01-01T00:00:00+14:00", "value": 1}],
        ),
        FakeMessage(3, topic, {"currentLevel": 1.3, "dateObserved": now.isoformat()}),
        FakeMessage(4, topic, b"[" * 100_000),  # not JSON (nested beyond reason)
    ]
    consumer = consumer_without_broker()
    assert consumer.handle(messages)
    assert consumer.client.acked == [1, 2, 3, 4]
    counts = consumer.counts[TELEMETRY]
    assert (counts.accepted, counts.rejected, consumer.set_aside) == (1, 2, 0)
    assert list(Reading.objects.values_list("value", flat=True)) == [1.3]


@pytest.mark.django_db(transaction=True)
def test_a_poison_message_is_set_aside_and_audited(make_device, monkeypatch):
    device, _ = make_device(code="tma-mqtt")
    topic = f"kendali/{device.code}/telemetry"
    now = datetime.now(UTC).replace(microsecond=0)
    real_ingest = services.readings_ingest
    calls = []

    def ingest(*, actor, items):
        calls.append(len(items))
        if any(item.get("value") == 6.66 for item in items):
            raise RuntimeError("poison")
        return real_ingest(actor=actor, items=items)

    monkeypatch.setattr(services, "readings_ingest", ingest)
    messages = [
        FakeMessage(10, topic, {"currentLevel": 1.1, "dateObserved": now.isoformat()}),
        FakeMessage(11, topic, {"currentLevel": 6.66, "dateObserved": now.isoformat()}),
        FakeMessage(
            12,
            topic,
            {"currentLevel": 1.2, "dateObserved": (now + timedelta(seconds=1)).isoformat()},
        ),
    ]
    consumer = consumer_without_broker()
    assert consumer.handle(messages)  # returns: no endless retry of the same batch
    assert consumer.client.acked == [10, 11, 12]
    assert consumer.set_aside == 1
    assert sorted(Reading.objects.values_list("value", flat=True)) == [1.1, 1.2]
    entry = AuditEntry.objects.get(action="mqtt.set_aside")
    assert entry.object_type == TELEMETRY and entry.object_repr == topic
    assert "poison" in entry.note and "6.66" in entry.note
    assert len(calls) == 1 + 1 + consumer.poison_attempts + 1  # batch, then one by one


@pytest.mark.django_db(transaction=True)
def test_database_away_is_waited_out_not_set_aside(make_device, monkeypatch):
    device, _ = make_device(code="tma-mqtt")
    topic = f"kendali/{device.code}/telemetry"
    now = datetime.now(UTC).replace(microsecond=0)
    real_ingest = services.readings_ingest
    failures = iter([True] * 5)

    def ingest(*, actor, items):
        if next(failures, False):
            raise OperationalError("database is locked")
        return real_ingest(actor=actor, items=items)

    monkeypatch.setattr(services, "readings_ingest", ingest)
    consumer = consumer_without_broker()
    message = FakeMessage(20, topic, {"currentLevel": 1.4, "dateObserved": now.isoformat()})
    assert consumer.handle([message])
    assert (consumer.client.acked, consumer.set_aside) == ([20], 0)
    assert list(Reading.objects.values_list("value", flat=True)) == [1.4]
    # asked to stop while the database is away: nothing acknowledged (the broker keeps it)
    failures = iter([True] * 5)
    consumer.stop_event.set()
    assert not consumer.handle([FakeMessage(21, topic, {"currentLevel": 1.5})])
    assert consumer.client.acked == [20]
