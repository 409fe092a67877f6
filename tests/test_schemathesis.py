"""schemathesis over the whole /api/v1 OpenAPI against a real `kendali serve` (marker
`schemathesis`): as a session user holding several roles and as a machine token with every
scope, a few examples per operation; no server error and no undocumented status code."""

from __future__ import annotations

import re
import subprocess
import sys

import httpx
import pytest

from tests.livesite import live_site

# The server under test runs on a database of its own: the PostgreSQL pass adds nothing.
pytestmark = [pytest.mark.schemathesis, pytest.mark.db_independent]
PASSWORD = "uji-skema-2026!"
ROLES = ["dispatcher", "call_taker_112", "operator", "control_room_viewer"]
SCOPES = ["telephony", "calls:read", "device", "unit", "radius", "integration", "events"]
CHECKS = "not_a_server_error,status_code_conformance"


def _run(site, headers: list[str]) -> subprocess.CompletedProcess:
    args = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{site.url}/api/v1/openapi.json",
        "--checks",
        CHECKS,
        "--max-examples",
        "2",
        "--phases",
        "examples,fuzzing",
        "--seed",
        "12",
        "--generation-deterministic",
        "--request-timeout",
        "20",
        "--suppress-health-check",
        "all",
        "--exclude-path-regex",
        "events/stream",
    ]
    for header in headers:
        args += ["-H", header]
    return subprocess.run(args, capture_output=True, text=True, timeout=1500)


def _session_headers(site) -> list[str]:
    client = httpx.Client(base_url=site.url, timeout=20)
    page = client.get("/masuk/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/masuk/",
        data={"username": "skema", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    cookies = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    return [f"Cookie: {cookies}", f"X-CSRFToken: {client.cookies['csrftoken']}"]


def test_schemathesis_finds_no_server_error_or_undocumented_status(tmp_path):
    with live_site(tmp_path) as site:
        site.cli(
            "createuser",
            "skema",
            *[a for r in ROLES for a in ("--role", r)],
            "--password",
            PASSWORD,
        )
        created = site.cli("token", "create", "skema", *[a for s in SCOPES for a in ("--scope", s)])
        secret = re.search(r"knd_[A-Za-z0-9_\-]+", created.stdout).group(0)
        for who, headers in (
            ("session", _session_headers(site)),
            ("token", [f"Authorization: Bearer {secret}"]),
        ):
            result = _run(site, headers)
            print(who, result.stdout[-2500:])
            assert result.returncode == 0, (
                f"{who}:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}"
            )
