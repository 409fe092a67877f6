from __future__ import annotations

import uuid

import pytest

from kendali.wifi import mqtt
from kendali.wifi.choices import ApStatus
from tests.conftest import require_service

pytestmark = pytest.mark.django_db


def test_topic_names_the_access_point():
    assert mqtt.mac_of("kendali/wifi/488f5a110001/heartbeat") == "48:8F:5A:11:00:01"
    assert mqtt.mac_of("kendali/wifi/48-8F-5A-11-00-01/heartbeat") == "48:8F:5A:11:00:01"
    assert mqtt.mac_of("kendali/wifi/zz/heartbeat") is None
    assert mqtt.mac_of("kendali/sensor/telemetry") is None


def test_heartbeat_marks_the_access_point_online(ap):
    assert mqtt.handle("kendali/wifi/488F5A000001/heartbeat") is True
    ap.refresh_from_db()
    assert ap.status == ApStatus.ONLINE and ap.last_seen_at is not None
    assert mqtt.handle("kendali/wifi/000000000009/heartbeat") is False


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_heartbeat_through_a_real_broker(ap):
    import paho.mqtt.client as paho

    require_service("Mosquitto", "127.0.0.1", 1883)
    consumer = mqtt.HeartbeatConsumer(
        "mqtt://127.0.0.1:1883", client_id=f"kendali-test-{uuid.uuid4().hex[:8]}"
    ).start()
    try:
        assert consumer.subscribed.wait(10)
        publisher = paho.Client(paho.CallbackAPIVersion.VERSION2)
        publisher.connect("127.0.0.1", 1883)
        publisher.loop_start()
        publisher.publish(
            "kendali/wifi/48:8F:5A:00:00:01/heartbeat", b"{}", qos=1
        ).wait_for_publish(5)
        publisher.loop_stop()
        publisher.disconnect()
        for _ in range(100):
            ap.refresh_from_db()
            if ap.status == ApStatus.ONLINE:
                break
            consumer.subscribed.wait(0.05)  # waiting for the broker's delivery
        assert ap.status == ApStatus.ONLINE
    finally:
        consumer.stop()
