"""Many processes, one picture: an event written through one server process reaches a
screen connected to another, and a screen reconnecting to either resumes from its
Last-Event-ID with exactly the events it missed — across processes (Redis) and across
a server restart (database store)."""

from __future__ import annotations

import pytest

from tests.conftest import require_service
from tests.control.servers import SSE, Server, base_env, cli, login, post_message, prepare


def _texts(messages):
    return [m["data"]["text"] for m in messages]


def _ready(sse: SSE) -> str:
    item = sse.next_event(timeout=10)
    assert item and item[0] == "ready", item
    return item[2]["cursor"]


@pytest.mark.db_independent
@pytest.mark.services
def test_two_processes_share_redis(tmp_path, unique_prefix):
    require_service("Redis", "127.0.0.1", 6379)
    env = base_env(
        tmp_path, KENDALI_REDIS_URL="redis://127.0.0.1:6379/0", KENDALI_REDIS_PREFIX=unique_prefix
    )
    account = prepare(env)
    one, two = Server(env).start(), Server(env).start()
    try:
        web = login(one, account["username"], account["password"])
        wall = SSE(two.url, web, topics="control.")
        _ready(wall)
        post_message(web, one.url, "satu")
        first = wall.messages(1)
        assert _texts(first) == ["satu"], "an event written via process 1 reaches process 2"
        wall.close()

        # While the wall is away, three more are written through process 1.
        for text in ("dua", "tiga", "empat"):
            post_message(web, one.url, text)

        for server in (one, two):  # resume on either process: same answer
            resumed = SSE(server.url, web, last_event_id=first[0]["id"])
            got = resumed.messages(3)
            assert _texts(got) == ["dua", "tiga", "empat"]
            assert resumed.messages(1, timeout=1.5) == [], "nothing duplicated or invented"
            resumed.close()

        # and live again after the resume, through the other process
        resumed = SSE(two.url, web, last_event_id=got[-1]["id"])
        post_message(web, one.url, "lima")
        assert _texts(resumed.messages(1)) == ["lima"]
        resumed.close()
    finally:
        one.stop()
        two.stop()


@pytest.mark.db_independent
def test_database_store_resumes_across_restart(tmp_path):
    env = base_env(tmp_path)
    account = prepare(env)
    server = Server(env).start()
    try:
        web = login(server, account["username"], account["password"])
        wall = SSE(server.url, web, topics="control.")
        _ready(wall)
        post_message(web, server.url, "sebelum")
        first = wall.messages(1)
        assert _texts(first) == ["sebelum"]
        wall.close()

        server.stop()
        # Written while no server runs (a script on the same database).
        cli(env, "manage", "control_message", "saat mati 1")
        cli(env, "manage", "control_message", "saat mati 2")
        server.start()
        post_message(web, server.url, "sesudah")

        resumed = SSE(server.url, web, last_event_id=first[0]["id"], topics="control.")
        assert _texts(resumed.messages(3)) == ["saat mati 1", "saat mati 2", "sesudah"]
        assert resumed.messages(1, timeout=1.5) == []
        resumed.close()
    finally:
        server.stop()


@pytest.mark.db_independent
def test_database_store_two_processes(tmp_path):
    """Without Redis, a second process sees the first one's events through the table."""
    env = base_env(tmp_path)
    account = prepare(env)
    one, two = Server(env).start(), Server(env).start()
    try:
        web = login(one, account["username"], account["password"])
        wall = SSE(two.url, web, topics="control.")
        _ready(wall)
        post_message(web, one.url, "lintas proses")
        assert _texts(wall.messages(1)) == ["lintas proses"]
        wall.close()
    finally:
        one.stop()
        two.stop()
