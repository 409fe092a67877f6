"""No credential ever reaches a log line; a page 403 is one line, not a traceback."""

from __future__ import annotations

import io
import logging

import pytest

from kendali.core.logfilters import REDACTED, RedactSecrets, redact

SECRET = "knd_0badf00d_S3cretS3cretS3cretS3cret"


@pytest.fixture
def console():
    """What the configured console handler (the one production logs through) writes."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactSecrets) for f in h.filters)
    )
    buffer = io.StringIO()
    old = handler.setStream(buffer)
    level = logging.getLogger().level
    logging.getLogger().setLevel(logging.DEBUG)
    yield buffer
    logging.getLogger().setLevel(level)
    handler.setStream(old)


@pytest.mark.parametrize("scheme", ["Token", "Basic", "bearer-ish", "Bearer", "KND"])
def test_authorization_header_never_logged(clients, settings, caplog, console, scheme):
    settings.DEBUG = True  # the framework logged the raw header only in debug
    caplog.set_level(logging.DEBUG)
    for path in ("/api/v1/me", "/api/v1/incidents/", "/api/v1/calls/"):
        clients["anonymous"].get(path, HTTP_AUTHORIZATION=f"{scheme} {SECRET}")
        clients["anonymous"].post(
            path,
            data="{}",
            content_type="application/json",
            HTTP_AUTHORIZATION=f"{scheme} {SECRET}",
        )
    assert "S3cret" not in caplog.text
    assert "S3cret" not in console.getvalue()


def test_non_bearer_scheme_is_401(clients):
    response = clients["anonymous"].get("/api/v1/me", HTTP_AUTHORIZATION=f"Token {SECRET}")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_any_secret_in_a_message_is_redacted(console):
    log = logging.getLogger("kendali.uji")
    log.error("Unexpected auth - '%s'", f"Token {SECRET}")
    log.warning("header Authorization: Basic dXNlcjpwYXNzd29yZA== from 10.0.0.1")
    log.info("login password=hunter22 sessionid=abcdef123456")
    try:
        raise ValueError(f"bad token {SECRET}")
    except ValueError:
        log.exception("failed")
    written = console.getvalue()
    for leaked in ("S3cret", "dXNlcjpwYXNzd29yZA", "hunter22", "abcdef123456"):
        assert leaked not in written
    assert written.count(REDACTED) >= 4
    assert "ValueError" in written  # the traceback stays, without the secret


def test_redact_keeps_ordinary_text():
    text = "Panggilan 112 dari 0812xxxx dijawab oleh calltaker (token dicabut)"
    assert redact(text) == text


def test_page_403_is_one_line_without_traceback(clients, console):
    response = clients["calltaker"].get("/audit/")
    assert response.status_code == 403
    written = console.getvalue()
    assert "Forbidden" in written and "/audit/" in written
    assert "Traceback" not in written


def test_server_error_keeps_its_traceback(console):
    log = logging.getLogger("django.request")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        log.error("Internal Server Error: /x", exc_info=True, extra={"status_code": 500})
    assert "Traceback" in console.getvalue()
