"""MQTT consumer: ``kendali/<device>/telemetry`` with QoS 1 and a persistent session.

The client id is fixed and the session is not cleaned (MQTT 3.1.1 ``clean_session=False``),
so the broker queues QoS 1 messages while Kendali is down and delivers them after it
reconnects. Messages are acknowledged by hand, only after their readings are committed:
a crash between receipt and commit means the broker delivers them again, and the ingest
is idempotent on (device, variable, time), so nothing is lost and nothing counts twice.

Payload (JSON), either a list of ``{"variable", "time", "value"[, "unit"]}`` (optionally
under ``"readings"``) or a flat key-value object in the NGSI-LD style
``{"currentLevel": 1.42, "dateObserved": "2026-11-28T03:00:00Z"}``.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from urllib.parse import urlsplit

from django.conf import settings
from django.db import close_old_connections

from kendali.core.actors import Actor
from kendali.sensors import conf

logger = logging.getLogger(__name__)

TOPIC = "kendali/+/telemetry"
TIME_KEYS = ("time", "dateObserved", "dateLastValueReported", "observedAt")


def items_from_payload(device_code: str, payload: bytes) -> list[dict]:
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        return []
    if isinstance(data, dict) and isinstance(data.get("readings"), list):
        data = data["readings"]
    if isinstance(data, list):
        return [{**item, "device": device_code} for item in data if isinstance(item, dict)]
    if isinstance(data, dict):
        at = next((data[k] for k in TIME_KEYS if k in data), None)
        return [
            {"device": device_code, "variable": key, "time": at, "value": value}
            for key, value in data.items()
            if key not in TIME_KEYS and key not in ("id", "type", "device")
        ]
    return []


class Consumer:
    """One MQTT session; ingest runs in a worker thread in batches."""

    def __init__(
        self,
        url: str,
        *,
        client_id: str = conf.MQTT_CLIENT_ID,
        topic: str = TOPIC,
        topic_prefix: str = "kendali/",
        max_batch: int = conf.MAX_BATCH,
    ) -> None:
        import paho.mqtt.client as mqtt

        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (8883 if parts.scheme == "mqtts" else 1883)
        self.topic = topic
        self.topic_prefix = topic_prefix
        self.max_batch = max_batch
        self.inbox: queue.Queue = queue.Queue()
        self.stop_event = threading.Event()
        self.stored = 0
        self.rejected = 0
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=client_id,
            clean_session=False,
            protocol=mqtt.MQTTv311,
            reconnect_on_failure=True,
        )
        if parts.username:
            self.client.username_pw_set(parts.username, parts.password)
        if parts.scheme == "mqtts":
            self.client.tls_set()
        self.client.manual_ack_set(True)
        self.client.max_inflight_messages_set(200)
        self.client.reconnect_delay_set(1, 30)
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.client.on_subscribe = self._on_subscribe
        self.connected = threading.Event()
        self._worker: threading.Thread | None = None

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            logger.warning("mqtt connect refused: %s", reason_code)
            return
        # Subscribing again on every connect is harmless and covers a broker that lost
        # the session (e.g. restarted without persistence).
        client.subscribe(self.topic, qos=1)

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties):
        self.connected.set()

    def _on_message(self, client, userdata, message):
        self.inbox.put(message)

    def _device_of(self, topic: str) -> str | None:
        if not topic.startswith(self.topic_prefix) or not topic.endswith("/telemetry"):
            return None
        code = topic[len(self.topic_prefix) : -len("/telemetry")]
        return code if code and "/" not in code else None

    def _drain(self) -> None:
        from kendali.sensors.services import readings_ingest

        actor = Actor.system("mqtt")
        while not self.stop_event.is_set():
            try:
                first = self.inbox.get(timeout=0.2)
            except queue.Empty:
                continue
            messages = [first]
            items: list[dict] = []
            while True:
                message = messages[-1]
                code = self._device_of(message.topic)
                if code:
                    items.extend(items_from_payload(code, message.payload))
                if len(items) >= self.max_batch or self.inbox.empty():
                    break
                messages.append(self.inbox.get_nowait())
            # Retry the same batch until it is stored: the broker redelivers unacknowledged
            # messages only on a new connection, so dropping them here would lose them.
            # Re-ingesting a partly stored batch is harmless (idempotent).
            while not self._ingest(readings_ingest, actor, items):
                if self.stop_event.wait(1):
                    return
            for message in messages:
                self.client.ack(message.mid, message.qos)

    def _ingest(self, readings_ingest, actor, items: list[dict]) -> bool:
        try:
            close_old_connections()
            for start in range(0, len(items), self.max_batch):
                result = readings_ingest(actor=actor, items=items[start : start + self.max_batch])
                self.stored += result.stored
                self.rejected += len(result.rejected)
        except Exception:  # noqa: BLE001 - not acknowledged; retried
            logger.exception("mqtt ingest failed; retrying")
            return False
        return True

    def start(self) -> Consumer:
        self._worker = threading.Thread(target=self._drain, name="kendali-mqtt-ingest", daemon=True)
        self._worker.start()
        self.client.connect_async(self.host, self.port, keepalive=30)
        self.client.loop_start()
        return self

    def stop(self) -> None:
        """Stop without acknowledging what is not stored: the broker keeps it."""
        self.stop_event.set()
        self.client.disconnect()
        self.client.loop_stop()
        if self._worker is not None:
            self._worker.join(timeout=5)


_running: Consumer | None = None
_lock = threading.Lock()


def job_ensure_consumer() -> None:
    """Job: keep one consumer running in the process that holds this job's lease (a fixed
    client id must be connected once only). paho reconnects by itself."""
    global _running
    url = settings.MQTT_URL
    if not url:
        return
    with _lock:
        if _running is None:
            _running = Consumer(url).start()
            logger.info("mqtt consumer started for %s", url)
