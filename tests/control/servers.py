"""Real server processes for the multi-process, restart and browser tests: a temp
SQLite database prepared with the CLI, `kendali serve` subprocesses, a logged-in HTTP
session and a small blocking SSE reader."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
KENDALI = str(Path(sys.executable).with_name("kendali"))
PASSWORD = "uji-dinding-2026!"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(tmp: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENDALI_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        KENDALI_DEBUG="1",
        KENDALI_SECRET_KEY="uji-" + "k" * 60,
        KENDALI_DATABASE_URL=f"sqlite:///{tmp / 'kendali.sqlite3'}",
        KENDALI_EVENT_HEARTBEAT_SECONDS="1",
        KENDALI_LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def cli(env: dict, *args: str) -> str:
    result = subprocess.run(
        [KENDALI, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"kendali {' '.join(args)}: {result.stderr[-2000:]}"
    return result.stdout


def prepare(env: dict, tmp: Path | None = None) -> dict:
    """Migrate, create roles and regions, a dispatcher and an events token.
    When ``tmp`` holds a prepared template database it is copied instead."""
    cli(env, "setup")
    cli(env, "createuser", "dinding", "--role", "dispatcher", "--password", PASSWORD)
    out = cli(env, "token", "create", "uji-dinding", "--scope", "events").strip().splitlines()
    return {"username": "dinding", "password": PASSWORD, "token": out[-1].strip()}


def copy_database(src_env: dict, dst_env: dict) -> None:
    src = src_env["KENDALI_DATABASE_URL"].removeprefix("sqlite:///")
    dst = dst_env["KENDALI_DATABASE_URL"].removeprefix("sqlite:///")
    shutil.copyfile(src, dst)


@dataclass
class Server:
    env: dict
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> Server:
        # The log goes to a file beside the database, never to a pipe nobody reads (a full
        # pipe stops the server in the middle of a response).
        database = Path(self.env["KENDALI_DATABASE_URL"].removeprefix("sqlite:///"))
        log_path = database.with_name(f"server-{self.port}.log")
        with log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [KENDALI, "serve", "--port", str(self.port), "--no-background"],
                env=self.env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                tail = log_path.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"server exited: {tail}")
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not become healthy")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def login(server: Server, username: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=server.url, timeout=10, follow_redirects=False)
    page = client.get("/masuk/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/masuk/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302, response.text[:500]
    return client


def post_message(client: httpx.Client, base_url: str, text: str) -> dict:
    """POST a wall message to ``base_url`` with the session of ``client``."""
    response = client.post(
        f"{base_url}/api/v1/control/messages",
        json={"text": text},
        headers={"X-CSRFToken": client.cookies.get("csrftoken")},
    )
    assert response.status_code == 201, response.text
    return response.json()


class SSE:
    """Blocking SSE reader: ``next_event`` returns (event, id, data) or None on timeout."""

    def __init__(
        self, url: str, session: httpx.Client, last_event_id: str | None = None, topics=""
    ):
        # A person's session: wall messages carry a permission that machine tokens lack.
        headers = {"Accept": "text/event-stream"}
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        params = {"topics": topics} if topics else {}
        self.client = httpx.Client(
            timeout=httpx.Timeout(5.0, read=3.0), cookies=dict(session.cookies.items())
        )
        self.cm = self.client.stream(
            "GET", f"{url}/api/v1/events/stream", headers=headers, params=params
        )
        self.response = self.cm.__enter__()
        assert self.response.status_code == 200, self.response.read()
        self.lines = self.response.iter_lines()

    def next_event(self, timeout: float = 5.0):
        deadline = time.monotonic() + timeout
        kind, event_id, data = "message", None, []
        while time.monotonic() < deadline:
            try:
                line = next(self.lines)
            except (httpx.ReadTimeout, StopIteration):
                return None
            if line == "":
                if data:
                    payload = "\n".join(data)
                    return kind, event_id, json.loads(payload)
                kind, event_id, data = "message", None, []
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "event":
                kind = value
            elif name == "id":
                event_id = value
            elif name == "data":
                data.append(value)
        return None

    def messages(self, count: int, timeout: float = 10.0, topic: str = "control.message."):
        """The next ``count`` messages on ``topic``, then nothing more for a short while."""
        found = []
        deadline = time.monotonic() + timeout
        while len(found) < count and time.monotonic() < deadline:
            item = self.next_event(timeout=deadline - time.monotonic())
            if item and item[0] == "message" and item[2]["topic"].startswith(topic):
                found.append(item[2])
        return found

    def close(self) -> None:
        try:
            self.cm.__exit__(None, None, None)
        finally:
            self.client.close()
