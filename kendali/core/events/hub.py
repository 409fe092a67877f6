"""One hub per server process: a single reader of the store fans events out to
every open stream through an in-memory ring, so 500 screens cost one store read."""

from __future__ import annotations

import asyncio
import bisect
import logging
from collections import deque

from asgiref.sync import sync_to_async

from kendali.core.events.stores import EventStore, StoredEvent, get_store

logger = logging.getLogger(__name__)

RING_SIZE = 20_000


class Hub:
    def __init__(self, store: EventStore) -> None:
        self.store = store
        self.events: deque[StoredEvent] = deque()
        self.keys: deque[tuple] = deque()
        self.cursor: str | None = None
        # The ring holds every event with a key above floor_key.
        self.floor_key: tuple | None = None
        self.generation = 0
        self.condition = asyncio.Condition()
        self.task: asyncio.Task | None = None
        self._start_lock = asyncio.Lock()

    async def ensure_started(self) -> None:
        if self.task is not None and not self.task.done():
            return
        async with self._start_lock:
            if self.task is not None and not self.task.done():
                return
            self.cursor = await sync_to_async(self.store.latest_id, thread_sensitive=False)()
            self.floor_key = self.store.sort_key(self.cursor or "")
            self.task = asyncio.create_task(self._run(), name="kendali-event-hub")

    async def _run(self) -> None:
        while True:
            try:
                events = await self.store.wait_after(self.cursor, timeout=5.0)
            except asyncio.CancelledError:
                raise
            except Exception:  # store unreachable: keep trying, screens show "not live"
                logger.exception("event hub: reading the store failed; retrying")
                await asyncio.sleep(1.0)
                continue
            if events:
                self._add(events)
                async with self.condition:
                    self.generation += 1
                    self.condition.notify_all()

    def _add(self, events: list[StoredEvent]) -> None:
        for event in events:
            key = self.store.sort_key(event.id)
            if self.keys and key <= self.keys[-1]:
                continue  # already have it
            if len(self.events) >= RING_SIZE:
                self.events.popleft()
                self.floor_key = self.keys.popleft()
            self.events.append(event)
            self.keys.append(key)
            self.cursor = event.id

    def after(self, key: tuple) -> list[StoredEvent] | None:
        """Events newer than ``key`` from the ring, or None when the ring cannot vouch
        for completeness (the key is older than what the ring holds)."""
        if self.floor_key is None or key < self.floor_key:
            return None
        index = bisect.bisect_right(self.keys, key)
        if index >= len(self.keys):
            return []
        return list(self.events)[index:]

    async def wait(self, generation: int, timeout: float) -> bool:
        async with self.condition:
            try:
                await asyncio.wait_for(
                    self.condition.wait_for(lambda: self.generation != generation), timeout
                )
                return True
            except TimeoutError:
                return False


_hubs: dict[int, Hub] = {}


def get_hub() -> Hub:
    loop = asyncio.get_running_loop()
    hub = _hubs.get(id(loop))
    if hub is None or hub.store is not get_store():
        hub = Hub(get_store())
        _hubs[id(loop)] = hub
    return hub
