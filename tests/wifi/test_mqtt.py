from __future__ import annotations

import pytest

from kendali.core.mqtt import MqttMessage
from kendali.wifi import mqtt
from kendali.wifi.choices import ApStatus
from tests.mqtt import BrokerRun, publisher, wait_for

pytestmark = pytest.mark.django_db
HEARTBEAT = "wifi.heartbeat"


def heartbeat(mac: str) -> MqttMessage:
    return MqttMessage(f"kendali/wifi/{mac}/heartbeat", (mac,), b"")


def test_topic_names_the_access_point():
    assert mqtt.mac_of("488f5a110001") == "48:8F:5A:11:00:01"
    assert mqtt.mac_of("48-8F-5A-11-00-01") == "48:8F:5A:11:00:01"
    assert mqtt.mac_of("zz") is None
    assert mqtt.mac_of("") is None


def test_heartbeat_marks_the_access_point_online(ap):
    assert mqtt.handle_heartbeats([heartbeat("488F5A000001")]) == (1, 0)
    ap.refresh_from_db()
    assert ap.status == ApStatus.ONLINE and ap.last_seen_at is not None
    # two heartbeats of one access point in a batch record it once; unknown ones are counted
    assert mqtt.handle_heartbeats(
        [heartbeat("488F5A000001"), heartbeat("48:8F:5A:00:00:01"), heartbeat("000000000009")]
    ) == (1, 1)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_heartbeat_through_a_real_broker(ap):
    broker = BrokerRun()
    consumer = broker.consumer()
    try:
        with publisher() as pub:
            pub.publish(
                broker.topic("wifi/48:8F:5A:00:00:01/heartbeat"), b"{}", qos=1
            ).wait_for_publish(5)
            assert wait_for(lambda: consumer.counts[HEARTBEAT].accepted == 1)
        ap.refresh_from_db()
        assert ap.status == ApStatus.ONLINE
    finally:
        consumer.stop()
        broker.close()
