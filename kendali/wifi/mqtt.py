"""Hotspot heartbeats over MQTT: any message on ``kendali/wifi/<MAC>/heartbeat`` (MAC with or
without separators, e.g. ``488F5A110001``) marks that access point as seen. Access control is
the broker's (per-device credentials and ACLs); the payload is ignored. QoS 0 and a clean
session: a lost heartbeat is replaced by the next one."""

from __future__ import annotations

import logging
import re
import threading

from django.conf import settings
from django.db import close_old_connections

from kendali.core.actors import Actor
from kendali.core.geo import normalize_mac

logger = logging.getLogger(__name__)

TOPIC = "kendali/wifi/+/heartbeat"
CLIENT_ID = "kendali-wifi-heartbeat"


def mac_of(topic: str) -> str | None:
    match = re.fullmatch(r"kendali/wifi/([0-9A-Fa-f:\-]{12,17})/heartbeat", topic)
    if not match:
        return None
    return normalize_mac(match.group(1))


def handle(topic: str) -> bool:
    """Record one heartbeat; False when the topic names no registered access point."""
    from kendali.wifi import services
    from kendali.wifi.models import AccessPoint

    mac = mac_of(topic)
    ap = AccessPoint.objects.filter(mac=mac).first() if mac else None
    if ap is None:
        logger.warning("wifi mqtt: heartbeat for unknown access point on %s", topic[:100])
        return False
    services.access_point_heartbeat(actor=Actor.system("mqtt"), ap=ap)
    return True


class HeartbeatConsumer:
    def __init__(self, url: str, *, client_id: str = CLIENT_ID) -> None:
        from urllib.parse import urlsplit

        import paho.mqtt.client as mqtt

        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (8883 if parts.scheme == "mqtts" else 1883)
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True
        )
        if parts.username:
            self.client.username_pw_set(parts.username, parts.password)
        if parts.scheme == "mqtts":
            self.client.tls_set()
        self.subscribed = threading.Event()
        self.seen = 0
        self.client.on_connect = lambda c, u, f, rc, p: c.subscribe(TOPIC, qos=0)
        self.client.on_subscribe = lambda c, u, mid, rc, p: self.subscribed.set()
        self.client.on_message = self._on_message

    def _on_message(self, client, userdata, message):
        try:
            close_old_connections()
            self.seen += handle(message.topic)
        except Exception:  # noqa: BLE001 - one bad heartbeat must not stop the consumer
            logger.exception("wifi mqtt: heartbeat failed")

    def start(self) -> HeartbeatConsumer:
        self.client.connect_async(self.host, self.port, keepalive=30)
        self.client.loop_start()
        return self

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


_running: HeartbeatConsumer | None = None
_lock = threading.Lock()


def job_ensure_consumer() -> None:
    """Job: keep one heartbeat consumer in the process holding this job's lease."""
    global _running
    url = getattr(settings, "MQTT_URL", None)
    if not url:
        return
    with _lock:
        if _running is None:
            _running = HeartbeatConsumer(url).start()


def job_stop_consumer() -> None:
    """The lease went to another process: stop here (what is not acknowledged stays with
    the broker and goes to the new leader)."""
    global _running
    with _lock:
        if _running is not None:
            _running.stop()
            _running = None
