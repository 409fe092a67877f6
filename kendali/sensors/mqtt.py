"""Sensor telemetry over MQTT: ``kendali/<device>/telemetry``, QoS 1, through the one core
consumer (``kendali.core.mqtt``: persistent session, acknowledged after commit, poison
messages set aside). The ingest is idempotent on (device, variable, time), so a message the
broker delivers again after a crash is not counted twice.

Payload (JSON), either a list of ``{"variable", "time", "value"[, "unit"]}`` (optionally
under ``"readings"``) or a flat key-value object in the NGSI-LD style
``{"currentLevel": 1.42, "dateObserved": "2026-11-28T03:00:00Z"}``.
"""

from __future__ import annotations

import json

from kendali.core.actors import Actor
from kendali.core.mqtt import MqttMessage
from kendali.core.registry import MqttTopic, register_mqtt_topic
from kendali.sensors import conf, services

TIME_KEYS = ("time", "dateObserved", "dateLastValueReported", "observedAt")
ACTOR = Actor.system("mqtt")


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


def handle_telemetry(messages: list[MqttMessage]) -> tuple[int, int]:
    """Store the readings of these messages; (readings stored, readings rejected). Bad
    readings are rejected item by item by the ingest, so this normally never raises."""
    items = [
        item
        for message in messages
        if message.levels[0]
        for item in items_from_payload(message.levels[0], message.payload)
    ]
    stored = rejected = 0
    for start in range(0, len(items), conf.MAX_BATCH):
        result = services.readings_ingest(actor=ACTOR, items=items[start : start + conf.MAX_BATCH])
        stored += result.stored
        rejected += len(result.rejected)
    return stored, rejected


register_mqtt_topic(
    MqttTopic("sensors.telemetry", "+/telemetry", "kendali.sensors.mqtt.handle_telemetry")
)
