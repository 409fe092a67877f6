"""A real Kendali server in a subprocess (uvicorn, own SQLite file) for browser and
multi-process tests, and a Playwright Chromium launcher for Debian's /usr/bin/chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveSite:
    def __init__(self, workdir: Path, extra_env: dict | None = None):
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("KENDALI_")},
            "KENDALI_DEBUG": "1",
            "KENDALI_HOME": str(workdir),
            "KENDALI_DATABASE_URL": f"sqlite:///{workdir}/site.sqlite3",
            "KENDALI_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
            **(extra_env or {}),
        }
        self.process: subprocess.Popen | None = None

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "kendali.cli", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=check,
        )

    def start(self) -> None:
        # The server's log goes to a file, never to a pipe nobody reads: a long run (the
        # all-pages walk logs every 403 and 404 it meets) would fill the pipe and the server
        # would stop in the middle of a response.
        self.log = self.workdir / "server.log"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "kendali.cli", "serve", "--port", str(self.port)],
                env=self.env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.log.read_text(errors="replace")[-2000:])
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()


@contextmanager
def live_site(tmp_path: Path, *, demo: bool = False, extra_env: dict | None = None):
    site = LiveSite(tmp_path, extra_env)
    if demo:
        site.cli("demo", "--no-serve")
    else:
        site.cli("setup")
    site.start()
    try:
        yield site
    finally:
        site.stop()


@contextmanager
def chromium_page(viewport=(1366, 800)):
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        if os.environ.get("KENDALI_REQUIRE_SERVICES") == "1":
            pytest.fail("Chromium not installed at /usr/bin/chromium (required in CI)")
        pytest.skip("Chromium not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, locale="id-ID"
        )
        page = context.new_page()
        try:
            yield page
        finally:
            context.close()
            browser.close()


def login(page, site: LiveSite, username: str, password: str) -> None:
    page.goto(f"{site.url}/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


ARTIFACTS = ROOT / "test-artifacts"
