"""The event stream through a real `kendali serve` process (uvicorn + KendaliASGIHandler):
session login, an event written by another process (the CLI) arrives, a reconnect with
Last-Event-ID gets exactly what was missed, and a revoked token loses the stream."""

from __future__ import annotations

import json
import re
import threading
import time

import httpx
import pytest

from tests.livesite import live_site

PASSWORD = "uji-langsung-2026!"


class Stream:
    def __init__(self, url: str, **kwargs):
        self.events: list[dict] = []
        self.control: list[str] = []
        self._client = httpx.Client(timeout=httpx.Timeout(30, connect=5), **kwargs)
        self._thread = threading.Thread(target=self._run, args=(url,), daemon=True)
        self.status: int | None = None
        self._thread.start()

    def _run(self, url):
        try:
            self._read(url)
        except (httpx.HTTPError, RuntimeError):
            pass  # closed by the test

    def _read(self, url):
        with self._client.stream("GET", url) as response:
            self.status = response.status_code
            fields: dict = {}
            for line in response.iter_lines():
                if line == "":
                    if "data" in fields and fields.get("event", "message") == "message":
                        self.events.append({"id": fields.get("id"), **json.loads(fields["data"])})
                    elif "event" in fields:
                        self.control.append(fields["event"])
                    fields = {}
                elif not line.startswith(":"):
                    key, _, value = line.partition(": ")
                    fields[key] = value

    def wait_for(self, predicate, timeout=10.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate(self):
                return True
            time.sleep(0.05)
        return False

    def close(self):
        self._client.close()


def _login(site) -> httpx.Client:
    client = httpx.Client(base_url=site.url, timeout=10)
    page = client.get("/masuk/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/masuk/",
        data={"username": "dispatcher1", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    return client


@pytest.mark.db_independent
def test_stream_through_a_real_server(tmp_path):
    with live_site(tmp_path) as site:
        site.cli("createuser", "dispatcher1", "--role", "dispatcher", "--password", PASSWORD)
        web = _login(site)
        assert web.get("/api/v1/health").json()["status"] == "ok"
        live = Stream(f"{site.url}/api/v1/events/stream?topics=uji.", cookies=web.cookies)
        assert live.wait_for(lambda s: "ready" in s.control)
        assert live.status == 200
        first = site.cli("manage", "events_publish", "uji.satu", '{"n": 1}').stdout.strip()
        assert live.wait_for(lambda s: len(s.events) == 1), "event from another process arrives"
        assert live.events[0]["id"] == first and live.events[0]["data"] == {"n": 1}
        live.close()

        missed = [
            site.cli("manage", "events_publish", "uji.susulan", json.dumps({"n": n})).stdout.strip()
            for n in (2, 3)
        ]
        resumed = Stream(
            f"{site.url}/api/v1/events/stream?topics=uji.",
            cookies=web.cookies,
            headers={"Last-Event-ID": first},
        )
        assert resumed.wait_for(lambda s: len(s.events) >= 2)
        time.sleep(0.5)
        assert [e["id"] for e in resumed.events] == missed  # no gap, no duplicate
        resumed.close()

        # `kendali serve` runs the background loops in-process (one leader per loop).
        ran = site.cli(
            "manage",
            "shell",
            "-c",
            "from kendali.core.models import JobState;"
            "print(JobState.objects.filter(name='events.purge', runs__gte=1).count())",
        )
        assert ran.stdout.strip().splitlines()[-1] == "1"


@pytest.mark.db_independent
def test_revoked_token_is_refused_and_a_valid_one_streams(tmp_path):
    with live_site(tmp_path) as site:
        plain = (
            site.cli("token", "create", "dinding", "--scope", "events")
            .stdout.strip()
            .splitlines()[-1]
        )
        live = Stream(
            f"{site.url}/api/v1/events/stream", headers={"Authorization": f"Bearer {plain}"}
        )
        assert live.wait_for(lambda s: "ready" in s.control)
        live.close()
        token_id = site.cli("token", "list").stdout.split()[0]
        site.cli("token", "revoke", token_id)
        refused = httpx.get(
            f"{site.url}/api/v1/events/stream", headers={"Authorization": f"Bearer {plain}"}
        )
        assert refused.status_code == 401
        assert refused.headers["content-type"] == "application/problem+json"
