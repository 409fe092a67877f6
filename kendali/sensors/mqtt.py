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
from django.db import InterfaceError, OperationalError, close_old_connections

from kendali.core.actors import Actor
from kendali.sensors import conf

logger = logging.getLogger(__name__)

TOPIC = "kendali/+/telemetry"
TIME_KEYS = ("time", "dateObserved", "dateLastValueReported", "observedAt")


def _database_away(error: Exception) -> bool:
    """A lost or locked database: waited out, never a reason to drop a message."""
    return isinstance(error, OperationalError | InterfaceError)


def items_from_payload(device_code: str, payload: bytes) -> list[dict]:
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError, RecursionError):
        # not JSON (or nested beyond reason): nothing to store; the message is acknowledged
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
        self.set_aside = 0
        # A message failing this many times on its own (not because the database is
        # away) is set aside; seconds between attempts.
        self.poison_attempts = 3
        self.retry_seconds = 1.0
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
        while not self.stop_event.is_set():
            try:
                first = self.inbox.get(timeout=0.2)
            except queue.Empty:
                continue
            messages = [first]
            parsed = [self._items_of(first)]
            count = len(parsed[0])
            while count < self.max_batch and not self.inbox.empty():
                message = self.inbox.get_nowait()
                messages.append(message)
                parsed.append(self._items_of(message))
                count += len(parsed[-1])
            if not self.handle(messages, parsed):
                return  # stopping: what is not stored stays unacknowledged at the broker

    def _items_of(self, message) -> list[dict]:
        code = self._device_of(message.topic)
        return items_from_payload(code, message.payload) if code else []

    def handle(self, messages: list, parsed: list[list[dict]] | None = None) -> bool:
        """Store the readings of these messages and acknowledge them; False if asked to
        stop first (they are then left unacknowledged, so the broker delivers them again).

        Bad readings are rejected item by item by the ingest, so a batch normally never
        fails. When it does, the cause decides: the database being away is waited out
        (nothing is lost: the messages stay unacknowledged), while a message that keeps
        failing on its own — a poison message — is set aside after a few attempts, logged
        and written to the audit log, so it cannot hold back every later reading."""
        if parsed is None:
            parsed = [self._items_of(message) for message in messages]
        items = [item for message_items in parsed for item in message_items]
        while True:
            error = self._ingest(items)
            if error is None:
                break
            if not _database_away(error):
                if not self._one_by_one(messages, parsed):
                    return False
                break
            if self.stop_event.wait(self.retry_seconds):
                return False
        for message in messages:
            self.client.ack(message.mid, message.qos)
        return True

    def _one_by_one(self, messages: list, parsed: list[list[dict]]) -> bool:
        # Re-ingesting what the failed batch partly stored is harmless (idempotent).
        for message, message_items in zip(messages, parsed, strict=True):
            failures = 0
            while (error := self._ingest(message_items)) is not None:
                if _database_away(error):
                    failures = 0
                else:
                    failures += 1
                    if failures >= self.poison_attempts:
                        self._set_aside(message, error)
                        break
                if self.stop_event.wait(self.retry_seconds):
                    return False
        return True

    def _set_aside(self, message, error: Exception) -> None:
        from kendali.core.audit import audit_record

        self.set_aside += 1
        payload = bytes(message.payload[:2000]).decode("utf-8", errors="replace")
        logger.error(
            "mqtt message on %s set aside after %d failures (%s: %s); payload: %s",
            message.topic,
            self.poison_attempts,
            type(error).__name__,
            error,
            payload[:500],
        )
        try:
            close_old_connections()
            audit_record(
                actor=Actor.system("mqtt"),
                action="sensors.mqtt.set_aside",
                object_type="sensors.device",
                object_repr=str(message.topic)[:300],
                note=f"{type(error).__name__}: {error}"[:500] + f"\n{payload}",
            )
        except Exception:  # noqa: BLE001 - the log line above already keeps it
            logger.exception("mqtt: could not audit the message set aside")

    def _ingest(self, items: list[dict]) -> Exception | None:
        from kendali.sensors.services import readings_ingest

        actor = Actor.system("mqtt")
        try:
            close_old_connections()
            for start in range(0, len(items), self.max_batch):
                result = readings_ingest(actor=actor, items=items[start : start + self.max_batch])
                self.stored += result.stored
                self.rejected += len(result.rejected)
        except Exception as exc:  # noqa: BLE001 - not acknowledged; retried or set aside
            logger.exception("mqtt ingest failed")
            return exc
        return None

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


def job_stop_consumer() -> None:
    """The lease went to another process: stop here (what is not acknowledged stays with
    the broker and goes to the new leader)."""
    global _running
    with _lock:
        if _running is not None:
            _running.stop()
            _running = None
