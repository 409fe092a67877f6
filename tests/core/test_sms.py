"""The core SMS channel: the HTTP gateway against a real loopback server, the log and
console backends, and which failures the outbox retries."""

from __future__ import annotations

import socket

import pytest

from kendali.core.notifiers import Message, sms
from tests.fakes import FakeHTTPServer

NUMBER = "+6281234567890"


@pytest.fixture
def gateway(settings):
    server = FakeHTTPServer(answer=b'{"id": "sms-1"}')
    settings.KENDALI_SMS_BACKEND = "http"
    settings.KENDALI_SMS_URL = server.url + "/kirim"
    settings.KENDALI_SMS_TOKEN = "tok-rahasia"
    yield server
    server.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_http_backend_posts_title_and_body_with_the_bearer_token(gateway):
    result = sms.send(target=NUMBER, message=Message(title="Laporan diterima", body="No. 12"))
    assert result.ok and result.detail == "HTTP 200"
    [request] = gateway.requests
    assert request["path"] == "/kirim"
    assert request["headers"]["Authorization"] == "Bearer tok-rahasia"
    assert request["json"] == {"to": NUMBER, "message": "Laporan diterima\nNo. 12"}


def test_token_may_be_given_as_a_file(gateway, settings, tmp_path, monkeypatch):
    del settings.KENDALI_SMS_TOKEN
    secret = tmp_path / "sms_token"
    secret.write_text("dari-berkas\n")
    monkeypatch.setenv("KENDALI_SMS_TOKEN_FILE", str(secret))
    assert sms.send(target=NUMBER, message=Message(title="x")).ok
    assert gateway.requests[0]["headers"]["Authorization"] == "Bearer dari-berkas"


@pytest.mark.parametrize(("status", "retry"), [(503, True), (402, True), (429, True), (422, False)])
def test_gateway_refusals_say_whether_a_retry_can_help(gateway, status, retry):
    gateway.status, gateway.answer = status, b'{"error": "saldo habis"}'
    result = sms.send(target=NUMBER, message=Message(title="Kode 123456"))
    assert not result.ok and result.retry is retry
    assert f"answered {status}: " in result.error and "saldo habis" in result.error
    assert "123456" not in result.error


def test_unreachable_or_unconfigured_gateway_is_retried(settings):
    settings.KENDALI_SMS_BACKEND = "http"
    settings.KENDALI_SMS_URL = f"http://127.0.0.1:{_free_port()}/"
    result = sms.send(target=NUMBER, message=Message(title="x"))
    assert not result.ok and result.retry and "unreachable" in result.error
    settings.KENDALI_SMS_URL = ""
    result = sms.send(target=NUMBER, message=Message(title="x"))
    assert not result.ok and result.retry and "KENDALI_SMS_URL" in result.error


def test_a_number_not_in_e164_is_not_retried(gateway):
    result = sms.send(target="08123", message=Message(title="x"))
    assert not result.ok and not result.retry and not gateway.requests


def test_log_and_console_backends(settings, capsys, caplog):
    settings.KENDALI_SMS_BACKEND = "log"
    sms.recent.clear()
    assert sms.send(target=NUMBER, message=Message(title="", body="Kode 1")).ok
    assert sms.recent[-1] == (NUMBER, "Kode 1") and "+628123456****" in caplog.text
    settings.KENDALI_SMS_BACKEND = "console"
    assert sms.send(target=NUMBER, message=Message(title="Kode 2")).ok
    assert capsys.readouterr().out == f"[SMS {NUMBER}] Kode 2\n"
