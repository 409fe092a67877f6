"""schemathesis over the whole /api/v1 OpenAPI against a real `kendali serve` (marker
`schemathesis`): as session users that together hold every role (the administrator and the
112 supervisor after their second factor, an agency officer alone, the OPD roles of assets and
SPBE with their OPD) and as machine tokens with every scope, with and without an agency; a few
examples per operation; no server error and no undocumented status code."""

from __future__ import annotations

import re
import subprocess
import sys

import httpx
import pyotp
import pytest

from kendali.core.choices import TWO_FACTOR_ROLES, Role, TokenScope
from tests.livesite import live_site

# The server under test runs on a database of its own: the PostgreSQL pass adds nothing.
pytestmark = [pytest.mark.schemathesis, pytest.mark.db_independent]
PASSWORD = "uji-skema-2026!"
AGENCY = "uji"
TOTP_SECRET = pyotp.random_base32()
# Session users by what they may do; together they hold every role (checked below).
SESSIONS = {
    "ruang-kendali": [Role.DISPATCHER, Role.CALL_TAKER, Role.OPERATOR, Role.CONTROL_ROOM_VIEWER],
    "pimpinan": [Role.ADMINISTRATOR, Role.SUPERVISOR],
    "instansi": [Role.AGENCY_OFFICER],
    "opd": [
        Role.ASSET_MANAGER,
        Role.SPBE_COORDINATOR,
        Role.SPBE_REVIEWER,
        Role.BMD_PENGELOLA,
        Role.BMD_PENATAUSAHAAN,
        Role.BMD_PENGGUNA,
        Role.BMD_KUASA,
        Role.BMD_PENGURUS,
        Role.BMD_PENGURUS_PEMBANTU,
    ],
}
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


def _form_token(page: httpx.Response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def _session_headers(site, username: str, two_factor: bool) -> list[str]:
    """Log in through the pages (and the second step where the role asks for one)."""
    client = httpx.Client(base_url=site.url, timeout=20)
    response = client.post(
        "/masuk/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": _form_token(client.get("/masuk/")),
        },
    )
    assert response.status_code == 302
    if two_factor:
        second = client.get("/dua-langkah/")
        response = client.post(
            "/dua-langkah/",
            data={
                "code": pyotp.TOTP(TOTP_SECRET).now(),
                "csrfmiddlewaretoken": _form_token(second),
            },
        )
        assert response.status_code == 302, response.text[:500]
    assert client.get("/api/v1/health").status_code == 200
    cookies = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    return [f"Cookie: {cookies}", f"X-CSRFToken: {client.cookies['csrftoken']}"]


def _token(site, name: str, *agency: str) -> list[str]:
    scopes = [a for s in TokenScope.values for a in ("--scope", s)]
    created = site.cli("token", "create", name, *scopes, *agency)
    return [f"Authorization: Bearer {re.search(r'knd_[A-Za-z0-9_-]+', created.stdout).group(0)}"]


def test_the_identities_hold_every_role():
    assert {r for roles in SESSIONS.values() for r in roles} == set(Role)


def test_schemathesis_finds_no_server_error_or_undocumented_status(tmp_path):
    with live_site(tmp_path) as site:
        site.cli(
            "manage",
            "shell",
            "-c",
            "from kendali.core.models import Agency; Agency.objects.create("
            f"code='{AGENCY}', name='Dinas Uji Skema', short_name='DUS', kind='opd')",
        )
        for username, roles in SESSIONS.items():
            site.cli(
                "createuser",
                username,
                *[a for r in roles for a in ("--role", r)],
                "--password",
                PASSWORD,
                "--agency",
                AGENCY,
            )
        # The second factor is enrolled as a person would have done it.
        site.cli(
            "manage",
            "shell",
            "-c",
            "from django.utils import timezone; from kendali.core.models import User; "
            f"User.objects.filter(username='pimpinan').update(totp_secret='{TOTP_SECRET}', "
            "totp_confirmed_at=timezone.now())",
        )
        identities = [
            (f"sesi {u}", _session_headers(site, u, bool(TWO_FACTOR_ROLES.intersection(roles))))
            for u, roles in SESSIONS.items()
        ]
        identities += [
            ("token", _token(site, "skema")),
            ("token instansi", _token(site, "skema-instansi", "--agency", AGENCY)),
        ]
        for who, headers in identities:
            result = _run(site, headers)
            print(who, result.stdout[-2500:])
            assert result.returncode == 0, (
                f"{who}:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}"
            )
