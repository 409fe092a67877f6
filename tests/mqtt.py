"""The real Mosquitto on 127.0.0.1:1883 for the MQTT tests: a publisher, a bounded wait for
what the consumer thread brings about, and dropping a test's persistent session afterwards."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import paho.mqtt.client as paho

from kendali.core.mqtt import Consumer
from tests.conftest import require_service

HOST, PORT = "127.0.0.1", 1883


def wait_for(condition, timeout: float = 15.0) -> bool:
    """Wait for a condition another thread brings about (bounded; not a fixed sleep)."""
    pause = threading.Event()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        pause.wait(0.05)
    return condition()


@contextmanager
def publisher() -> Iterator[paho.Client]:
    client = paho.Client(
        paho.CallbackAPIVersion.VERSION2, client_id=f"kendali-test-pub-{uuid.uuid4().hex[:8]}"
    )
    client.connect(HOST, PORT)
    client.loop_start()
    try:
        yield client
    finally:
        client.loop_stop()
        client.disconnect()


def drop_session(client_id: str) -> None:
    """Connect once with a clean session so test runs do not pile up sessions on the broker."""
    cleaner = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True)
    cleaner.connect(HOST, PORT)
    cleaner.disconnect()


class BrokerRun:
    """A consumer of the registered topics under a root of this test run's own (other runs
    on the same broker never see its messages), with a client id of its own."""

    def __init__(self) -> None:
        require_service("Mosquitto", HOST, PORT)
        run = uuid.uuid4().hex[:8]
        self.root = f"kendali-test-{run}/"
        self.client_id = f"kendali-test-consumer-{run}"

    def consumer(self, **kwargs) -> Consumer:
        consumer = Consumer(
            f"mqtt://{HOST}:{PORT}", client_id=self.client_id, root=self.root, **kwargs
        ).start()
        assert consumer.connected.wait(10)
        return consumer

    def topic(self, relative: str) -> str:
        return self.root + relative

    def close(self) -> None:
        drop_session(self.client_id)
