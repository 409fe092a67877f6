"""The one MQTT consumer: one client id, one persistent session, the topics modules register.

Modules register their topics in the core registry (:class:`~kendali.core.registry.MqttTopic`,
from their ``<app>/mqtt.py``): a pattern under ``kendali/`` and a handler. This consumer
subscribes to all of them with a fixed client id and without cleaning the session (MQTT
3.1.1 ``clean_session=False``), so the broker queues QoS 1 messages while Kendali is down and
delivers them after it reconnects. Messages are acknowledged by hand, only after their handler
returned (what it stores is committed by then): a crash between receipt and commit means the
broker delivers them again, so handlers are idempotent and nothing is lost.

A handler takes a list of :class:`MqttMessage` (a batch of its own topic's messages, in the
order they arrived) and returns ``(accepted, rejected)``. When it raises, the cause decides:
the database being away is waited out (the messages stay unacknowledged), while a message that
keeps failing on its own — a poison message — is set aside after a few attempts, logged and
written to the audit log, so it cannot hold back every later message.

One process runs the consumer: the job ``mqtt`` holds a short lease (renewed every second), so
after a crash another process takes it over within seconds (bench/sensors_mqtt_recovery.py).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import paho.mqtt.client as paho
from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections
from django.utils.module_loading import import_string

from kendali.core.actors import Actor
from kendali.core.audit import audit_record
from kendali.core.registry import MqttTopic, mqtt_topics

logger = logging.getLogger(__name__)

ROOT = "kendali/"
ACTOR = Actor.system("mqtt")


@dataclass(frozen=True)
class MqttMessage:
    """One message as a handler sees it: ``levels`` are the topic levels the pattern's
    wildcards matched (``+/telemetry`` on ``kendali/tma-1/telemetry`` → ``("tma-1",)``)."""

    topic: str
    levels: tuple[str, ...]
    payload: bytes


@dataclass
class Counts:
    accepted: int = 0
    rejected: int = 0


def wildcard_levels(pattern: str, topic: str) -> tuple[str, ...] | None:
    """The levels of ``topic`` matched by the wildcards of ``pattern``, None if it does not
    match (``#`` takes the rest of the topic as one item)."""
    wanted, got = pattern.split("/"), topic.split("/")
    levels: list[str] = []
    for index, level in enumerate(wanted):
        if level == "#":
            return (*levels, "/".join(got[index:]))
        if index >= len(got):
            return None
        if level == "+":
            levels.append(got[index])
        elif level != got[index]:
            return None
    return tuple(levels) if len(got) == len(wanted) else None


def _database_away(error: Exception) -> bool:
    """A lost or locked database: waited out, never a reason to drop a message."""
    return isinstance(error, OperationalError | InterfaceError)


class Consumer:
    """One MQTT session; the handlers run in a worker thread, in batches."""

    def __init__(
        self,
        url: str,
        *,
        client_id: str | None = None,
        root: str = ROOT,
        topics: Iterable[MqttTopic] | None = None,
        max_batch: int = 1000,
    ) -> None:
        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (8883 if parts.scheme == "mqtts" else 1883)
        self.root = root
        self.topics = list(mqtt_topics() if topics is None else topics)
        self.handlers: dict[str, Callable[[list[MqttMessage]], tuple[int, int]]] = {
            topic.key: import_string(topic.handler) for topic in self.topics
        }
        self.counts = {topic.key: Counts() for topic in self.topics}
        self.max_batch = max_batch
        self.inbox: queue.Queue = queue.Queue()
        self.stop_event = threading.Event()
        self.set_aside = 0
        self.unrouted = 0
        # A message failing this many times on its own (not because the database is
        # away) is set aside; seconds between attempts.
        self.poison_attempts = 3
        self.retry_seconds = 1.0
        self.client = paho.Client(
            paho.CallbackAPIVersion.VERSION2,
            client_id=client_id or settings.MQTT_CLIENT_ID,
            clean_session=False,
            protocol=paho.MQTTv311,
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
        if self.topics:
            client.subscribe([(self.root + topic.pattern, topic.qos) for topic in self.topics])
        else:
            self.connected.set()

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties):
        self.connected.set()

    def _on_message(self, client, userdata, message):
        self.inbox.put(message)

    def _route(self, raw) -> tuple[MqttTopic, MqttMessage] | None:
        for topic in self.topics:
            levels = wildcard_levels(self.root + topic.pattern, raw.topic)
            if levels is not None:
                return topic, MqttMessage(raw.topic, levels, bytes(raw.payload))
        return None

    def _drain(self) -> None:
        while not self.stop_event.is_set():
            try:
                first = self.inbox.get(timeout=0.2)
            except queue.Empty:
                continue
            messages = [first]
            while len(messages) < self.max_batch and not self.inbox.empty():
                messages.append(self.inbox.get_nowait())
            if not self.handle(messages):
                return  # stopping: what is not handled stays unacknowledged at the broker

    def handle(self, messages: list) -> bool:
        """Give these (paho) messages to their handlers and acknowledge them, in the order
        they arrived (MQTT 3.1.1 wants PUBACKs in order); False if asked to stop first (they
        are then left unacknowledged, so the broker delivers them again)."""
        batches: dict[str, list[MqttMessage]] = {}
        for raw in messages:
            routed = self._route(raw)
            if routed is None:
                self.unrouted += 1  # nobody subscribed to it any more: nothing to keep
                continue
            topic, message = routed
            batches.setdefault(topic.key, []).append(message)
        for key, batch in batches.items():
            if not self._deliver(key, batch):
                return False
        for raw in messages:
            self.client.ack(raw.mid, raw.qos)
        return True

    def _deliver(self, key: str, batch: list[MqttMessage]) -> bool:
        while (error := self._call(key, batch)) is not None:
            if not _database_away(error):
                return self._one_by_one(key, batch)
            if self.stop_event.wait(self.retry_seconds):
                return False
        return True

    def _one_by_one(self, key: str, batch: list[MqttMessage]) -> bool:
        # Handlers are idempotent: handling again what the failed batch partly stored is
        # harmless.
        for message in batch:
            failures = 0
            while (error := self._call(key, [message])) is not None:
                if _database_away(error):
                    failures = 0
                else:
                    failures += 1
                    if failures >= self.poison_attempts:
                        self._set_aside(key, message, error)
                        break
                if self.stop_event.wait(self.retry_seconds):
                    return False
        return True

    def _call(self, key: str, batch: list[MqttMessage]) -> Exception | None:
        try:
            close_old_connections()
            accepted, rejected = self.handlers[key](batch)
        except Exception as exc:  # noqa: BLE001 - not acknowledged; retried or set aside
            logger.exception("mqtt handler %s failed", key)
            return exc
        counts = self.counts[key]
        counts.accepted += accepted
        counts.rejected += rejected
        return None

    def _set_aside(self, key: str, message: MqttMessage, error: Exception) -> None:
        self.set_aside += 1
        payload = message.payload[:2000].decode("utf-8", errors="replace")
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
                actor=ACTOR,
                action="mqtt.set_aside",
                object_type=key,
                object_repr=message.topic[:300],
                note=f"{type(error).__name__}: {error}"[:500] + f"\n{payload}",
            )
        except Exception:  # noqa: BLE001 - the log line above already keeps it
            logger.exception("mqtt: could not audit the message set aside")

    def start(self) -> Consumer:
        self._worker = threading.Thread(target=self._drain, name="kendali-mqtt", daemon=True)
        self._worker.start()
        self.client.connect_async(self.host, self.port, keepalive=30)
        self.client.loop_start()
        return self

    def stop(self) -> None:
        """Stop without acknowledging what is not handled: the broker keeps it."""
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
    if not url or not mqtt_topics():
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
