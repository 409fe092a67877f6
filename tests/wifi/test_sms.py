"""The one-time code leaves through the core SMS channel on the outbox: sent after commit,
retried from the outbox when the gateway refuses, and shown to the operator while it fails."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from kendali.core import notifiers
from kendali.core.models import NotificationDelivery
from tests.fakes import FakeHTTPServer

PHONE = "0812-3456-7890"


@pytest.fixture
def gateway(settings):
    server = FakeHTTPServer(answer=b'{"id": "sms-1"}')
    settings.KENDALI_SMS_BACKEND = "http"
    settings.KENDALI_SMS_URL = server.url + "/kirim"
    settings.KENDALI_SMS_TOKEN = "tok"
    yield server
    server.close()


def _code(request) -> str:
    return re.search(r"\b(\d{6})\b", json.loads(request["body"])["message"]).group(1)


# The SMS leaves after commit: these tests commit for real, as a request does.


@pytest.mark.django_db(transaction=True)
def test_portal_sends_the_code_through_the_gateway(gateway, ap, group):
    client = Client()
    client.get("/wifi/portal/", {"ap": ap.mac})
    response = client.post("/wifi/portal/kode/", {"phone": PHONE, "terms": "on"})
    assert response.status_code == 200 and "Masukkan kode" in response.content.decode()
    assert "data-sms-delayed" not in response.content.decode()
    [request] = gateway.requests
    assert request["json"]["to"] == "+6281234567890"
    assert request["headers"]["Authorization"] == "Bearer tok"
    delivery = NotificationDelivery.objects.get(kind="sms")
    assert delivery.status == "sent" and delivery.ref.startswith("wifi.otp:")
    assert delivery.body == ""  # the code is not kept once it left
    verified = client.post("/wifi/portal/verifikasi/", {"phone": PHONE, "code": _code(request)})
    assert verified.status_code == 200 and "data-credential" in verified.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_refused_sms_is_retried_from_the_outbox_and_shown_to_the_operator(
    gateway, ap, group, clients
):
    gateway.status, gateway.answer = 503, b"maintenance"
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        portal = Client()
        portal.get("/wifi/portal/", {"ap": ap.mac})
        response = portal.post("/wifi/portal/kode/", {"phone": PHONE, "terms": "on"})
        html = response.content.decode()
        # The person may still get the code: they are told it is on its way again.
        assert response.status_code == 200 and "Masukkan kode" in html
        assert "data-sms-delayed" in html
        delivery = NotificationDelivery.objects.get(kind="sms")
        assert delivery.status == "pending" and delivery.attempts == 1
        assert "503" in delivery.last_error and delivery.body  # kept for the retry

        page = clients["operator"].get("/wifi/").content.decode()
        assert "data-undelivered-sms" in page
        assert "+628123456****" in page and "SMS gateway answered 503" in page
        assert "6281234567890" not in page

    gateway.status, gateway.answer = 200, b'{"id": "sms-2"}'
    with time_machine.travel(start + timedelta(seconds=20), tick=False):
        assert notifiers.retry_pending() == 1
    assert len(gateway.requests) == 2
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.attempts == 2 and delivery.body == ""
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        assert "data-undelivered-sms" not in clients["operator"].get("/wifi/").content.decode()
        verified = portal.post(
            "/wifi/portal/verifikasi/", {"phone": PHONE, "code": _code(gateway.requests[-1])}
        )
    assert "data-credential" in verified.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_number_the_gateway_rejects_fails_for_good_and_the_person_is_told(
    gateway, ap, group, clients
):
    gateway.status, gateway.answer = 422, b'{"error": "nomor tidak dikenal"}'
    client = Client()
    client.get("/wifi/portal/", {"ap": ap.mac})
    response = client.post("/wifi/portal/kode/", {"phone": PHONE, "terms": "on"})
    html = response.content.decode()
    assert response.status_code == 503
    assert re.search(r'role="alert">[^<]*layanan SMS sedang terganggu', html)
    assert "voucher" in html and "Masukkan kode" not in html
    delivery = NotificationDelivery.objects.get(kind="sms")
    assert delivery.status == "failed" and delivery.body == ""
    page = clients["operator"].get("/wifi/").content.decode()
    assert "data-undelivered-sms" in page and "nomor tidak dikenal" in page


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_request_texts_no_one(gateway, ap, group):
    from django.db import transaction

    from kendali.wifi import services

    with pytest.raises(RuntimeError), transaction.atomic():
        services.otp_request(phone=PHONE, ip="10.0.0.9", accept_terms=True)
        raise RuntimeError("rollback")
    assert not gateway.requests and not NotificationDelivery.objects.exists()
