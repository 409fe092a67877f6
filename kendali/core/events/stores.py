"""Event stores: where events are appended, kept for a bounded time and read back.

Both stores give ids that sort in publication order and never appear out of order
to a reader, which is what makes ``Last-Event-ID`` resumption gap-free.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import redis
import redis.asyncio as aioredis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from kendali.core.models import Event, JobState

logger = logging.getLogger(__name__)


class ResumeExpired(Exception):
    """The client's last id is older than what the store still keeps."""


@dataclass(frozen=True)
class StoredEvent:
    id: str
    topic: str
    data: dict
    perm: str = ""
    agency_ids: tuple = ()
    user_ids: tuple = ()  # addressed to these users only (empty: everyone allowed)
    created_at: float = field(default=0.0)  # epoch seconds

    def as_json(self) -> str:
        return json.dumps(
            {"id": self.id, "topic": self.topic, "at": self.created_at, "data": self.data},
            separators=(",", ":"),
            default=str,
        )


class EventStore:
    """Interface. ``sort_key`` orders ids; ``wait`` blocks (async) for news after an id."""

    name = "abstract"

    def append(
        self, topic: str, data: dict, *, perm: str, agency_ids: list, user_ids: list | tuple = ()
    ) -> StoredEvent:
        raise NotImplementedError

    def read_after(self, last_id: str | None, limit: int = 1000) -> list[StoredEvent]:
        raise NotImplementedError

    def latest_id(self) -> str | None:
        raise NotImplementedError

    def purge(self, older_than: datetime) -> int:
        raise NotImplementedError

    def sort_key(self, event_id: str) -> tuple:
        raise NotImplementedError

    async def wait_after(self, last_id: str | None, timeout: float) -> list[StoredEvent]:
        raise NotImplementedError

    def notify_local(self) -> None:
        """Wake this process's hub (called after a local append)."""


_INSERT = (
    "INSERT INTO core_event (topic, data, perm, agency_ids, user_ids, created_at) "
    "VALUES (%s, %s, %s, %s, %s, %s) RETURNING id"
)
_INSERT_POSTGRES = (
    "INSERT INTO core_event (topic, data, perm, agency_ids, user_ids, created_at) "
    "VALUES (%s, %s::jsonb, %s, %s::jsonb, %s::jsonb, %s) RETURNING id"
)


class DatabaseEventStore(EventStore):
    """Events in the ``core_event`` table (SQLite or PostgreSQL)."""

    name = "database"
    poll_seconds = 0.5

    def __init__(self) -> None:
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self._lock = threading.Lock()

    def sort_key(self, event_id: str) -> tuple:
        try:
            return (int(event_id),)
        except (TypeError, ValueError):
            return (0,)

    def append(self, topic, data, *, perm, agency_ids, user_ids=()):
        # One short transaction per event. On PostgreSQL the advisory lock
        # serializes appends so that ids commit in order: without it a reader
        # could see id 11 before id 10 commits and then skip 10 forever.
        # One plain INSERT (the ORM's create costs twice as much; every unit position
        # publishes one event, bench/dispatch_moving.py).
        now = timezone.now()
        user_ids = list(user_ids)
        postgres = connection.vendor == "postgresql"
        params = [
            topic,
            json.dumps(data),
            perm,
            json.dumps(agency_ids),
            json.dumps(user_ids),
            connection.ops.adapt_datetimefield_value(now),
        ]
        if postgres:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(811200112)")
                cursor.execute(_INSERT_POSTGRES, params)
                event_id = cursor.fetchone()[0]
        else:
            # SQLite: one statement is its own transaction (and one writer holds the lock
            # from its start to its commit, so ids commit in order); no BEGIN IMMEDIATE and
            # COMMIT round trips around it, which cost as much as the insert.
            with connection.cursor() as cursor:
                cursor.execute(_INSERT, params)
                event_id = cursor.fetchone()[0]
        event = StoredEvent(
            id=str(event_id),
            topic=topic,
            data=data,
            perm=perm,
            agency_ids=tuple(agency_ids or ()),
            user_ids=tuple(user_ids),
            created_at=now.timestamp(),
        )
        self.notify_local()
        return event

    def notify_local(self) -> None:
        with self._lock:
            waiters = list(self._waiters)
        for loop, flag in waiters:
            try:
                loop.call_soon_threadsafe(flag.set)
            except RuntimeError:  # loop closed
                pass

    def read_after(self, last_id, limit=1000):
        queryset = Event.objects.order_by("id")
        if last_id is not None:
            last = self.sort_key(last_id)[0]
            if last > 0:
                oldest = Event.objects.order_by("id").values_list("id", flat=True).first()
                if oldest is not None and oldest > last + 1 and self._purged_beyond(last):
                    raise ResumeExpired(last_id)
            queryset = queryset.filter(id__gt=last)
        return [_from_row(row) for row in queryset[:limit]]

    def _purged_beyond(self, last: int) -> bool:
        state = JobState.objects.filter(name="events.purged_through").first()
        return state is not None and state.runs > last

    def latest_id(self):
        value = Event.objects.order_by("-id").values_list("id", flat=True).first()
        return str(value) if value is not None else "0"

    def purge(self, older_than):
        with transaction.atomic():
            cutoff = (
                Event.objects.filter(created_at__lt=older_than)
                .order_by("-id")
                .values_list("id", flat=True)
                .first()
            )
            if cutoff is None:
                return 0
            deleted, _ = Event.objects.filter(id__lte=cutoff).delete()
            # Remember the highest purged id so a resume from below it is
            # answered with "reset" instead of silently missing events.
            JobState.objects.update_or_create(
                name="events.purged_through", defaults={"runs": cutoff}
            )
        return deleted

    async def wait_after(self, last_id, timeout):
        loop = asyncio.get_running_loop()
        flag = asyncio.Event()
        entry = (loop, flag)
        with self._lock:
            self._waiters.add(entry)
        try:
            deadline = loop.time() + timeout
            while True:
                events = await sync_to_async(self.read_after, thread_sensitive=False)(last_id)
                if events:
                    return events
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return []
                flag.clear()
                try:
                    # Local appends set the flag at once; the poll catches other processes.
                    await asyncio.wait_for(flag.wait(), min(self.poll_seconds, remaining))
                except TimeoutError:
                    pass
        finally:
            with self._lock:
                self._waiters.discard(entry)


def _from_row(row) -> StoredEvent:
    return StoredEvent(
        id=str(row.id),
        topic=row.topic,
        data=row.data,
        perm=row.perm,
        agency_ids=tuple(row.agency_ids or ()),
        user_ids=tuple(row.user_ids or ()),
        created_at=row.created_at.timestamp(),
    )


class RedisEventStore(EventStore):
    """Events in a Redis Stream: ids "<ms>-<seq>" assigned by Redis, so every process
    and host shares one order; XREAD BLOCK pushes them to every server process."""

    name = "redis"

    def __init__(self, url: str, prefix: str) -> None:
        self.url = url
        self.key = f"{prefix}:events"
        self.trim_key = f"{prefix}:events:trimmed-through"
        self._client = redis.Redis.from_url(url, decode_responses=True)
        self._async_clients: dict[int, object] = {}

    def sort_key(self, event_id: str) -> tuple:
        try:
            ms, _, seq = str(event_id).partition("-")
            return (int(ms), int(seq or 0))
        except ValueError:
            return (0, 0)

    def _fields(self, topic, data, perm, agency_ids, user_ids=()) -> dict:
        fields = {
            "t": topic,
            "d": json.dumps(data, separators=(",", ":"), default=str),
            "p": perm,
            "a": json.dumps(agency_ids),
        }
        if user_ids:
            fields["u"] = json.dumps(list(user_ids))
        return fields

    def append(self, topic, data, *, perm, agency_ids, user_ids=()):
        retention_ms = settings.EVENT_RETENTION_HOURS * 3600 * 1000
        min_id = int(time.time() * 1000) - retention_ms
        event_id = self._client.xadd(
            self.key,
            self._fields(topic, data, perm, agency_ids, user_ids),
            minid=min_id,
            approximate=True,
        )
        return StoredEvent(
            id=event_id,
            topic=topic,
            data=data,
            perm=perm,
            agency_ids=tuple(agency_ids),
            user_ids=tuple(user_ids),
            created_at=int(event_id.split("-")[0]) / 1000,
        )

    @staticmethod
    def _parse(entry_id: str, fields: dict) -> StoredEvent:
        return StoredEvent(
            id=entry_id,
            topic=fields.get("t", ""),
            data=json.loads(fields.get("d", "{}")),
            perm=fields.get("p", ""),
            agency_ids=tuple(json.loads(fields.get("a", "[]"))),
            user_ids=tuple(json.loads(fields.get("u", "[]"))),
            created_at=int(entry_id.split("-")[0]) / 1000,
        )

    def read_after(self, last_id, limit=1000):
        start = "-"
        if last_id:
            first = self._client.xrange(self.key, "-", "+", count=1)
            if first and self.sort_key(first[0][0]) > self.sort_key(last_id):
                trimmed = self._client.get(self.trim_key)
                if trimmed and self.sort_key(trimmed) >= self.sort_key(last_id):
                    raise ResumeExpired(last_id)
            start = f"({last_id}"
        entries = self._client.xrange(self.key, start, "+", count=limit)
        return [self._parse(entry_id, fields) for entry_id, fields in entries]

    def latest_id(self):
        entries = self._client.xrevrange(self.key, "+", "-", count=1)
        return entries[0][0] if entries else "0-0"

    def purge(self, older_than):
        min_id = f"{int(older_than.timestamp() * 1000)}-0"
        oldest = self._client.xrange(self.key, "-", f"({min_id}", count=1)
        if not oldest:
            return 0
        last_trimmed = self._client.xrevrange(self.key, f"({min_id}", "-", count=1)
        removed = self._client.xtrim(self.key, minid=min_id)
        if last_trimmed:
            self._client.set(self.trim_key, last_trimmed[0][0])
        return removed

    def _async_client(self):
        loop = asyncio.get_running_loop()
        client = self._async_clients.get(id(loop))
        if client is None:
            client = aioredis.Redis.from_url(self.url, decode_responses=True)
            self._async_clients[id(loop)] = client
        return client

    async def wait_after(self, last_id, timeout):
        client = self._async_client()
        if last_id is None:
            last_id = "$"
        block_ms = max(1, int(timeout * 1000))
        response = await client.xread({self.key: last_id}, block=block_ms, count=1000)
        if not response:
            return []
        _, entries = response[0]
        return [self._parse(entry_id, fields) for entry_id, fields in entries]


_store: EventStore | None = None
_store_lock = threading.Lock()


def get_store() -> EventStore:
    global _store
    if _store is None:
        with _store_lock:
            if _store is None:
                if settings.REDIS_URL:
                    _store = RedisEventStore(settings.REDIS_URL, settings.REDIS_PREFIX)
                else:
                    _store = DatabaseEventStore()
    return _store


def reset_store() -> None:
    """Forget the cached store (tests switch between backends)."""
    global _store
    with _store_lock:
        _store = None


def retention_cutoff() -> datetime:
    return timezone.now() - timedelta(hours=settings.EVENT_RETENTION_HOURS)
