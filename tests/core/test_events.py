"""The event bus: stored after commit, monotonic ids, bounded retention, role filtering,
gap-free resume over SSE. The same tests run on the database store and on Redis."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.db import transaction
from django.test import AsyncClient
from django.utils import timezone

from kendali.core.events import ALL_AGENCIES, get_store, publish, publish_now
from kendali.core.events.sse import Audience
from kendali.core.events.stores import ResumeExpired, StoredEvent, reset_store
from tests.conftest import login_client, require_service


@pytest.fixture(params=["database", "redis"])
def store(request, settings, unique_prefix):
    if request.param == "redis":
        require_service("Redis", "127.0.0.1", 6379)
        settings.REDIS_URL = "redis://127.0.0.1:6379/0"
        settings.REDIS_PREFIX = unique_prefix
    else:
        settings.REDIS_URL = None
    reset_store()
    yield get_store()
    if request.param == "redis":
        import redis

        client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
        for key in client.scan_iter(f"{unique_prefix}:*"):
            client.delete(key)
    reset_store()


@pytest.mark.django_db(transaction=True)
def test_append_and_read_after_in_order(store):
    first = publish_now("uji.a", {"n": 1})
    second = publish_now("uji.b", {"n": 2})
    third = publish_now("uji.c", {"n": 3})
    assert store.sort_key(first.id) < store.sort_key(second.id) < store.sort_key(third.id)
    assert [e.data["n"] for e in store.read_after(first.id)] == [2, 3]
    assert store.read_after(third.id) == []
    assert store.latest_id() == third.id


@pytest.mark.django_db(transaction=True)
def test_publish_happens_only_after_commit(store):
    before = store.latest_id()
    with pytest.raises(RuntimeError), transaction.atomic():
        publish("uji.rollback", {"x": 1})
        raise RuntimeError("rollback")
    assert store.read_after(before) == []
    with transaction.atomic():
        publish("uji.commit", {"x": 2})
        assert store.read_after(before) == []  # not yet: still inside the transaction
    assert [e.topic for e in store.read_after(before)] == ["uji.commit"]


@pytest.mark.django_db(transaction=True)
def test_resume_from_a_purged_id_says_reset(store):
    old = publish_now("uji.lama", {})
    publish_now("uji.lama2", {})
    store.purge(timezone.now() + timedelta(seconds=5))
    newer = publish_now("uji.baru", {})
    with pytest.raises(ResumeExpired):
        store.read_after(old.id)
    assert store.read_after(store.latest_id()) == []
    assert newer.id == store.latest_id()


def _event(topic="incidents.incident.created", perm="", agencies=()):
    return StoredEvent(id="1", topic=topic, data={}, perm=perm, agency_ids=tuple(agencies))


def test_audience_filters_by_permission_agency_and_topic():
    dispatcher = Audience(
        perms=frozenset({"calls.view_caller_number"}),
        superuser=False,
        agency_id=None,
        agency_scoped=False,
        topics=(),
    )
    officer = Audience(
        perms=frozenset(), superuser=False, agency_id=7, agency_scoped=True, topics=()
    )
    wall = Audience(
        perms=frozenset(),
        superuser=False,
        agency_id=None,
        agency_scoped=False,
        topics=("incidents.", "dispatch."),
    )
    personal = _event(topic="calls.screenpop", perm="calls.view_caller_number")
    assert dispatcher.wants(personal) and not officer.wants(personal) and not wall.wants(personal)
    assert officer.wants(_event(agencies=[7])) and not officer.wants(_event(agencies=[8]))
    assert officer.wants(_event(agencies=[ALL_AGENCIES])) and not officer.wants(_event())
    assert wall.wants(_event()) and not wall.wants(_event(topic="sensors.alarm.raised"))


@pytest.mark.django_db(transaction=True)
def test_addressed_events_reach_only_their_users(store):
    """An event with user_ids (the 112 screen-pop) is stored with its addressees and
    delivered to them alone: not to another holder of the permission, not to a
    superuser, never to a machine token."""
    sent = publish_now("calls.screenpop", {"n": 1}, perm="calls.view_caller_number", user_ids=[5])
    (stored,) = [e for e in store.read_after(None) if e.id == sent.id]
    assert stored.user_ids == (5,)

    def user(user_id, superuser=False):
        return Audience(
            perms=frozenset({"calls.view_caller_number"}),
            superuser=superuser,
            agency_id=None,
            agency_scoped=False,
            topics=(),
            user_id=user_id,
        )

    token = Audience(
        perms=frozenset(), superuser=False, agency_id=None, agency_scoped=False, topics=()
    )
    assert user(5).wants(stored)
    assert not user(6).wants(stored) and not user(6, superuser=True).wants(stored)
    assert not token.wants(stored)
    # Addressed but lacking the permission: still refused.
    no_perm = Audience(
        perms=frozenset(),
        superuser=False,
        agency_id=None,
        agency_scoped=False,
        topics=(),
        user_id=5,
    )
    assert not no_perm.wants(stored)
    # Unaddressed events are unaffected.
    assert user(6).wants(_event(topic="calls.call.answered"))


class SSEReader:
    """Parses SSE frames from a streaming response."""

    def __init__(self, response):
        self.iterator = response.streaming_content.__aiter__()
        self.buffer = ""

    async def frames(self, timeout: float):
        chunk = await asyncio.wait_for(self.iterator.__anext__(), timeout)
        self.buffer += chunk.decode() if isinstance(chunk, bytes) else chunk
        while "\n\n" in self.buffer:
            frame, self.buffer = self.buffer.split("\n\n", 1)
            fields = {}
            for line in frame.splitlines():
                if not line.startswith(":"):
                    key, _, value = line.partition(": ")
                    fields[key] = value
            yield fields

    async def until_ready(self, timeout: float = 5.0) -> None:
        while True:
            async for fields in self.frames(timeout):
                if fields.get("event") == "ready":
                    return

    async def events(self, count: int, timeout: float = 5.0) -> list[dict]:
        events: list[dict] = []
        while len(events) < count:
            async for fields in self.frames(timeout):
                if "data" in fields and fields.get("event", "message") == "message":
                    events.append({"id": fields.get("id"), **json.loads(fields["data"])})
        return events


@pytest.mark.django_db(transaction=True)
def test_stream_filters_roles_and_resumes_without_gap_or_duplicate(store, users):
    async def scenario():
        calltaker = await sync_to_async(login_client)(users["calltaker"])
        officer = await sync_to_async(login_client)(users["officer"])
        damkar_id = users["officer"].agency_id
        ct_client, of_client = AsyncClient(), AsyncClient()
        ct_client.cookies = calltaker.cookies
        of_client.cookies = officer.cookies

        ct_response = await ct_client.get("/api/v1/events/stream?topics=uji.")
        of_response = await of_client.get("/api/v1/events/stream?topics=uji.")
        assert ct_response["Content-Type"].startswith("text/event-stream")
        ct_stream, of_stream = SSEReader(ct_response), SSEReader(of_response)
        await ct_stream.until_ready()
        await of_stream.until_ready()

        await sync_to_async(publish_now)("uji.umum", {"n": 1})
        await sync_to_async(publish_now)("uji.pribadi", {"n": 2}, perm="core.view_audit")
        await sync_to_async(publish_now)("uji.damkar", {"n": 3}, agency_ids=[damkar_id])
        await sync_to_async(publish_now)("lain.topik", {"n": 4})
        last = await sync_to_async(publish_now)("uji.akhir", {"n": 5}, agency_ids=[ALL_AGENCIES])

        ct_events = await ct_stream.events(3)
        assert [e["data"]["n"] for e in ct_events] == [
            1,
            3,
            5,
        ]  # lacks the audit permission; topic filter
        of_events = await of_stream.events(2)
        assert [e["data"]["n"] for e in of_events] == [
            3,
            5,
        ]  # only its agency and all-agency events

        # Disconnect; events are written meanwhile; resume from the last seen id.
        seen = ct_events[0]["id"]
        missed = [await sync_to_async(publish_now)("uji.susulan", {"n": 10 + i}) for i in range(3)]
        resumed = await ct_client.get(
            "/api/v1/events/stream?topics=uji.", headers={"Last-Event-ID": seen}
        )
        replay = await SSEReader(resumed).events(5)
        assert [e["data"]["n"] for e in replay] == [3, 5, 10, 11, 12]
        assert [e["id"] for e in replay][-3:] == [m.id for m in missed]
        assert last.id in [e["id"] for e in replay]

    asyncio.run(scenario())


@pytest.mark.django_db(transaction=True)
def test_stream_refuses_anonymous_and_unscoped_tokens(store, users, actor_of):
    from kendali.core import services

    _, plain = services.token_create(actor=actor_of("admin"), name="pbx", scopes=["telephony"])

    async def scenario():
        client = AsyncClient()
        anonymous = await client.get("/api/v1/events/stream")
        assert anonymous.status_code == 401
        assert anonymous["Content-Type"] == "application/problem+json"
        unscoped = await client.get(
            "/api/v1/events/stream", headers={"Authorization": f"Bearer {plain}"}
        )
        assert unscoped.status_code == 403

    asyncio.run(scenario())
