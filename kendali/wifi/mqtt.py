"""Hotspot heartbeats over MQTT, through the one core consumer (``kendali.core.mqtt``): any
message on ``kendali/wifi/<MAC>/heartbeat`` (MAC with or without separators, e.g.
``488F5A110001``) marks that access point as seen. Access control is the broker's (per-device
credentials and ACLs); the payload is ignored. QoS 0: the broker keeps no heartbeat for
Kendali while it is down, a lost heartbeat is replaced by the next one."""

from __future__ import annotations

import logging
import re

from kendali.core.actors import Actor
from kendali.core.geo import normalize_mac
from kendali.core.mqtt import MqttMessage
from kendali.core.registry import MqttTopic, register_mqtt_topic
from kendali.wifi import services
from kendali.wifi.models import AccessPoint

logger = logging.getLogger(__name__)

ACTOR = Actor.system("mqtt")
MAC = re.compile(r"[0-9A-Fa-f:\-]{12,17}")


def mac_of(level: str) -> str | None:
    """The access point's MAC from the topic level that names it."""
    return normalize_mac(level) if MAC.fullmatch(level) else None


def handle_heartbeats(messages: list[MqttMessage]) -> tuple[int, int]:
    """Record the heartbeats; (access points seen, heartbeats naming no registered one)."""
    seen = unknown = 0
    for mac in dict.fromkeys(mac_of(message.levels[0]) for message in messages):
        ap = AccessPoint.objects.filter(mac=mac).first() if mac else None
        if ap is None:
            logger.warning("wifi mqtt: heartbeat for unknown access point %s", mac)
            unknown += 1
            continue
        services.access_point_heartbeat(actor=ACTOR, ap=ap)
        seen += 1
    return seen, unknown


register_mqtt_topic(
    MqttTopic("wifi.heartbeat", "wifi/+/heartbeat", "kendali.wifi.mqtt.handle_heartbeats", qos=0)
)
