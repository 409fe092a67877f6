"""The one MQTT consumer: every module's topics through one client and one session, against
the real Mosquitto on 127.0.0.1:1883."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from kendali.core import jobs, mqtt
from kendali.core.actors import Actor
from kendali.core.mqtt import wildcard_levels
from kendali.core.registry import mqtt_topics
from kendali.sensors import services as sensors
from kendali.sensors.models import Reading
from kendali.wifi import services as wifi
from kendali.wifi.choices import ApStatus
from tests.mqtt import BrokerRun, publisher, wait_for

SYSTEM = Actor.system("test")


def test_modules_register_their_topics_and_one_job_runs_the_consumer():
    topics = {topic.key: topic for topic in mqtt_topics()}
    assert topics["sensors.telemetry"].pattern == "+/telemetry"
    assert topics["sensors.telemetry"].qos == 1
    assert topics["wifi.heartbeat"].pattern == "wifi/+/heartbeat"
    mqtt_jobs = [job for job in jobs.registered() if "mqtt" in job.function]
    assert [job.name for job in mqtt_jobs] == ["mqtt"]


def test_wildcards_give_the_levels_they_matched():
    assert wildcard_levels("kendali/+/telemetry", "kendali/tma-1/telemetry") == ("tma-1",)
    assert wildcard_levels("kendali/wifi/+/heartbeat", "kendali/wifi/AB/heartbeat") == ("AB",)
    assert wildcard_levels("kendali/#", "kendali/a/b") == ("a/b",)
    assert wildcard_levels("kendali/+/telemetry", "kendali/a/b/telemetry") is None
    assert wildcard_levels("kendali/+/telemetry", "kendali/a") is None
    assert wildcard_levels("kendali/+/telemetry", "kendali/a/status") is None


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_sensor_readings_and_hotspot_heartbeats_flow_through_one_consumer(agencies, regions_loaded):
    broker = BrokerRun()
    device, _ = sensors.device_create(
        actor=SYSTEM,
        code="tma-satu",
        name="Sensor satu",
        kind="water_level",
        agency=agencies["bpbd"],
        lat=-6.0770,
        lon=106.1532,
    )
    park = wifi.park_save(actor=SYSTEM, name="Alun-alun", lat=-6.1196, lon=106.1537)
    ap = wifi.access_point_save(
        actor=SYSTEM,
        park=park,
        name="Alun-alun Utara",
        mac="48:8f:5a:00:00:07",
        nas_ip="10.60.1.7",
        ssid="Serang-Free-WiFi",
        secret="rahasia-radius-uji-123",
        heartbeat_interval=60,
    )
    consumer = broker.consumer()
    try:
        assert {t.key for t in consumer.topics} >= {"sensors.telemetry", "wifi.heartbeat"}
        now = datetime.now(UTC).replace(microsecond=0).isoformat()
        with publisher() as pub:
            pub.publish(
                broker.topic("tma-satu/telemetry"),
                json.dumps({"currentLevel": 1.25, "dateObserved": now}),
                qos=1,
            ).wait_for_publish(5)
            pub.publish(broker.topic("wifi/488F5A000007/heartbeat"), b"", qos=0)
            assert wait_for(
                lambda: (
                    consumer.counts["sensors.telemetry"].accepted == 1
                    and consumer.counts["wifi.heartbeat"].accepted == 1
                )
            )
        assert list(Reading.objects.values_list("value", flat=True)) == [1.25]
        ap.refresh_from_db()
        assert ap.status == ApStatus.ONLINE
        # one client of the broker for both: nothing reached the consumer it could not route
        assert consumer.unrouted == 0 and consumer.set_aside == 0
    finally:
        consumer.stop()
        broker.close()


def test_a_consumer_of_no_topics_connects_and_subscribes_to_nothing():
    broker = BrokerRun()
    consumer = broker.consumer(topics=[])
    try:
        assert consumer.connected.is_set() and consumer.handlers == {}
    finally:
        consumer.stop()
        broker.close()


@pytest.mark.django_db
def test_the_job_starts_nothing_without_a_broker_url(settings):
    settings.MQTT_URL = None
    mqtt.job_ensure_consumer()
    assert mqtt._running is None


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_job_keeps_one_consumer_of_every_topic_and_stops_it_when_the_lease_is_lost(settings):
    broker = BrokerRun()
    settings.MQTT_URL = "mqtt://127.0.0.1:1883"
    settings.MQTT_CLIENT_ID = broker.client_id
    try:
        mqtt.job_ensure_consumer()
        running = mqtt._running
        assert running is not None and running.connected.wait(10)
        assert running.client._client_id.decode() == broker.client_id
        assert {t.key for t in running.topics} == {t.key for t in mqtt_topics()}
        mqtt.job_ensure_consumer()  # the next tick keeps the same consumer
        assert mqtt._running is running
    finally:
        mqtt.job_stop_consumer()
        broker.close()
    assert mqtt._running is None and running.stop_event.is_set()
