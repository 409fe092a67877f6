"""The SMS channels for one-time codes: the HTTP gateway against a real loopback server,
the console backend, and what the person on the portal sees when the gateway fails."""

from __future__ import annotations

import json
import re
import socket

import pytest
from django.test import Client

from kendali.wifi.sms.console import ConsoleBackend
from kendali.wifi.sms.http import HttpBackend, SmsGatewayError
from tests.fakes import FakeHTTPServer

PHONE = "0812-3456-7890"


class FakeGateway(FakeHTTPServer):
    """A tiny SMS gateway on a free loopback port: records each POST, answers as told."""

    def __init__(self):
        super().__init__(answer=b'{"id": "sms-1"}')

    @property
    def url(self) -> str:
        return super().url + "/kirim"


@pytest.fixture
def gateway():
    server = FakeGateway()
    yield server
    server.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_http_backend_posts_json_with_the_bearer_token(gateway):
    HttpBackend(url=gateway.url, token="tok-rahasia").send(to="+6281234567890", message="Kode 123")
    [request] = gateway.requests
    assert request["path"] == "/kirim"
    assert request["headers"]["Authorization"] == "Bearer tok-rahasia"
    assert request["headers"]["Content-Type"] == "application/json"
    assert json.loads(request["body"]) == {"to": "+6281234567890", "message": "Kode 123"}


def test_http_backend_reads_its_settings_from_the_environment(gateway, monkeypatch):
    monkeypatch.setenv("KENDALI_WIFI_SMS_URL", gateway.url)
    monkeypatch.setenv("KENDALI_WIFI_SMS_TOKEN", "dari-env")
    HttpBackend().send(to="+6281234567890", message="halo")
    assert gateway.requests[0]["headers"]["Authorization"] == "Bearer dari-env"
    monkeypatch.setenv("KENDALI_WIFI_SMS_TOKEN", "")
    HttpBackend().send(to="+6281234567890", message="halo")
    assert "Authorization" not in gateway.requests[1]["headers"]


def test_http_backend_raises_a_clear_error_on_a_non_2xx_answer(gateway):
    gateway.status, gateway.answer = 402, b'{"error": "saldo habis"}'
    with pytest.raises(SmsGatewayError, match=r"answered 402: .*saldo habis"):
        HttpBackend(url=gateway.url, token="t").send(to="+6281234567890", message="Kode 1")


def test_http_backend_unreachable_or_unconfigured_is_a_gateway_error(monkeypatch):
    with pytest.raises(SmsGatewayError, match="unreachable"):
        HttpBackend(url=f"http://127.0.0.1:{_free_port()}/", timeout=2).send(
            to="+6281234567890", message="x"
        )
    monkeypatch.delenv("KENDALI_WIFI_SMS_URL", raising=False)
    with pytest.raises(SmsGatewayError, match="KENDALI_WIFI_SMS_URL"):
        HttpBackend()


def test_console_backend_prints_the_message(capsys):
    ConsoleBackend().send(to="+6281234567890", message="Kode Wi-Fi: 123456")
    assert capsys.readouterr().out == "[SMS +6281234567890] Kode Wi-Fi: 123456\n"


# The SMS leaves after commit: these tests commit for real, as a request does.


@pytest.mark.django_db(transaction=True)
def test_portal_sends_the_code_through_the_gateway(gateway, monkeypatch, ap, group):
    monkeypatch.setenv("KENDALI_WIFI_SMS_BACKEND", "kendali.wifi.sms.http.HttpBackend")
    monkeypatch.setenv("KENDALI_WIFI_SMS_URL", gateway.url)
    monkeypatch.setenv("KENDALI_WIFI_SMS_TOKEN", "tok")
    client = Client()
    client.get("/wifi/portal/", {"ap": ap.mac})
    response = client.post("/wifi/portal/kode/", {"phone": PHONE, "terms": "on"})
    assert response.status_code == 200 and "Masukkan kode" in response.content.decode()
    sent = json.loads(gateway.requests[0]["body"])
    code = re.search(r"\b(\d{6})\b", sent["message"]).group(1)
    assert sent["to"] == "+6281234567890"
    verified = client.post("/wifi/portal/verifikasi/", {"phone": PHONE, "code": code})
    assert verified.status_code == 200 and "data-credential" in verified.content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("failure", ["gateway_error", "not_configured"])
def test_a_gateway_failure_leaves_the_person_a_clear_message(
    gateway, monkeypatch, ap, group, failure, caplog
):
    monkeypatch.setenv("KENDALI_WIFI_SMS_BACKEND", "kendali.wifi.sms.http.HttpBackend")
    if failure == "gateway_error":
        gateway.status, gateway.answer = 503, b"maintenance"
        monkeypatch.setenv("KENDALI_WIFI_SMS_URL", gateway.url)
    else:
        monkeypatch.delenv("KENDALI_WIFI_SMS_URL", raising=False)
    client = Client()
    client.get("/wifi/portal/", {"ap": ap.mac})
    response = client.post("/wifi/portal/kode/", {"phone": PHONE, "terms": "on"})
    html = response.content.decode()
    assert response.status_code == 503
    assert re.search(r'role="alert">[^<]*layanan SMS sedang terganggu', html)
    assert "voucher" in html and "Masukkan kode" not in html
    assert "wifi: SMS backend failed" in caplog.text
