"""CSRF on the session API: every unsafe /api/v1 operation, called from a logged-in
browser session, needs the CSRF token and a same-site Origin; machine tokens are exempt."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from kendali.api import api

UNSAFE = ("post", "put", "patch", "delete")
SECRET = "A" * 32  # a valid unmasked CSRF secret


def _unsafe_operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    found = []
    for path, methods in schema["paths"].items():
        for method in methods:
            if method in UNSAFE:
                found.append((method.upper(), re.sub(r"\{[^}]+\}", "1", path)))
    return sorted(found)


OPERATIONS = _unsafe_operations()


def _session(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    session = client.session
    session["two_factor_ok"] = True
    session.save()
    client.cookies["csrftoken"] = SECRET
    return client


def _is_csrf_refusal(response) -> bool:
    return (
        response.status_code == 403
        and response["Content-Type"] == "application/problem+json"
        and response.json()["type"].endswith("/csrf")
    )


def test_there_are_unsafe_operations():
    assert len(OPERATIONS) > 20
    assert ("POST", "/api/v1/tokens/1/revoke") in OPERATIONS


@pytest.mark.parametrize("method,path", OPERATIONS)
def test_unsafe_operation_needs_csrf(users, method, path):
    client = _session(users["admin"])
    body = json.dumps({})
    call = getattr(client, method.lower())
    attempts = {
        "no token": call(path, data=body, content_type="application/json"),
        "wrong token": call(
            path, data=body, content_type="application/json", HTTP_X_CSRFTOKEN="B" * 32
        ),
        "foreign origin": call(
            path,
            data=body,
            content_type="application/json",
            HTTP_X_CSRFTOKEN=SECRET,
            HTTP_ORIGIN="https://evil.serangkota.go.id",
        ),
        "text/plain form": call(path, data="{}", content_type="text/plain"),
    }
    for name, response in attempts.items():
        assert _is_csrf_refusal(response), (name, response.status_code, response.content[:200])
    allowed = call(path, data=body, content_type="application/json", HTTP_X_CSRFTOKEN=SECRET)
    assert not _is_csrf_refusal(allowed), allowed.content[:200]


def test_token_revoke_from_session_with_token_works(users):
    from kendali.core.actors import Actor
    from kendali.core.services import token_create

    created = token_create(actor=Actor(user=users["admin"]), name="pbx", scopes=["telephony"])
    token = created[0] if isinstance(created, tuple) else created
    client = _session(users["admin"])
    refused = client.post(f"/api/v1/tokens/{token.pk}/revoke")
    assert _is_csrf_refusal(refused)
    token.refresh_from_db()
    assert token.revoked_at is None
    done = client.post(f"/api/v1/tokens/{token.pk}/revoke", HTTP_X_CSRFTOKEN=SECRET)
    assert done.status_code == 200, done.content
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_bearer_token_needs_no_csrf(users):
    from kendali.core.actors import Actor
    from kendali.core.services import token_create

    created = token_create(actor=Actor(user=users["admin"]), name="pbx", scopes=["telephony"])
    secret = created[1] if isinstance(created, tuple) else created.secret
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/telephony/events",
        data=json.dumps({"kind": "offered", "number": "081234567890", "pbx_call_id": "csrf-1"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code in (200, 201), response.content


def test_safe_methods_need_no_token(users):
    client = _session(users["admin"])
    assert client.get("/api/v1/me").status_code == 200
