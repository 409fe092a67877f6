"""Notifiers against local fakes: a loopback HTTP server (webhook, Telegram Bot API)
and Django's locmem e-mail backend. Delivery is after commit and recorded."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from django.core import mail

from kendali.core import notifiers
from kendali.core.models import AgencyChannel, Notification, NotificationDelivery
from kendali.core.notifiers import Message, inbox
from tests.fakes import FakeHTTPServer


class FakeServer(FakeHTTPServer):
    """Records every POST; answers with the status/body set by the test."""

    def __init__(self):
        super().__init__(answer={"ok": True, "result": {"message_id": 77}})


@pytest.fixture
def fake_server():
    server = FakeServer()
    yield server
    server.close()


@pytest.fixture
def inline(settings):
    settings.KENDALI_NOTIFIERS_INLINE = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.KENDALI_WEBHOOK_SECRET = "rahasia-uji"
    settings.KENDALI_TELEGRAM_BOT_TOKEN = "123:ABC"
    return settings


MSG = Message(title="Unit ditugaskan", body="DAMKAR-1 ke 112-2026-000001", ref="uji:1")


def test_webhook_is_signed_json_and_recorded(
    db, inline, fake_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = notifiers.notify(kind="webhook", target=fake_server.url + "/hook", message=MSG)
    assert len(fake_server.requests) == 1
    req = fake_server.requests[0]
    body = req["body"]
    assert json.loads(body)["title"] == "Unit ditugaskan"
    stamp = req["headers"]["X-Kendali-Timestamp"]
    expected = hmac.new(b"rahasia-uji", stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert req["headers"]["X-Kendali-Signature"] == f"sha256={expected}"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.detail) == ("sent", 1, "HTTP 200")


def test_nothing_is_sent_before_commit_nor_after_rollback(
    db, inline, fake_server, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notifiers.notify(kind="webhook", target=fake_server.url, message=MSG)
    assert fake_server.requests == []  # still inside the (test) transaction
    assert len(callbacks) == 1

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        notifiers.notify(kind="webhook", target=fake_server.url, message=MSG)
        raise Boom
    assert NotificationDelivery.objects.count() == 1  # the rolled-back row is gone


def test_webhook_server_error_is_retried_then_succeeds(
    db, inline, fake_server, django_capture_on_commit_callbacks, time_machine
):
    from django.utils import timezone

    time_machine.move_to(timezone.now(), tick=False)
    fake_server.status = 503
    with django_capture_on_commit_callbacks(execute=True):
        delivery = notifiers.notify(kind="webhook", target=fake_server.url, message=MSG)
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.last_error == "HTTP 503"
    assert notifiers.retry_pending() == 0  # back-off: not due yet
    fake_server.status = 200
    time_machine.shift(60)
    assert notifiers.retry_pending() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)


def test_webhook_client_error_fails_without_retry(
    db, inline, fake_server, django_capture_on_commit_callbacks
):
    fake_server.status = 400
    with django_capture_on_commit_callbacks(execute=True):
        delivery = notifiers.notify(kind="webhook", target=fake_server.url, message=MSG)
    delivery.refresh_from_db()
    assert delivery.status == "failed" and "400" in delivery.last_error


def test_unreachable_webhook_records_error(db, inline, django_capture_on_commit_callbacks):
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens here now
    with django_capture_on_commit_callbacks(execute=True):
        delivery = notifiers.notify(kind="webhook", target=f"http://127.0.0.1:{port}/", message=MSG)
    delivery.refresh_from_db()
    assert delivery.status == "pending" and "ConnectError" in delivery.last_error


def test_telegram_send_message(db, inline, fake_server, django_capture_on_commit_callbacks):
    inline.KENDALI_TELEGRAM_API_URL = fake_server.url
    with django_capture_on_commit_callbacks(execute=True):
        delivery = notifiers.notify(kind="telegram", target="-100123", message=MSG)
    req = fake_server.requests[0]
    assert req["path"] == "/bot123:ABC/sendMessage"
    sent = json.loads(req["body"])
    assert sent["chat_id"] == "-100123" and "DAMKAR-1" in sent["text"]
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.detail == "message_id 77"


def test_telegram_rejection_keeps_token_out_of_record(
    db, inline, fake_server, django_capture_on_commit_callbacks
):
    inline.KENDALI_TELEGRAM_API_URL = fake_server.url
    fake_server.status = 400
    fake_server.answer = {"ok": False, "description": "Bad Request: chat not found"}
    with django_capture_on_commit_callbacks(execute=True):
        delivery = notifiers.notify(kind="telegram", target="42", message=MSG)
    delivery.refresh_from_db()
    assert delivery.status == "failed" and "chat not found" in delivery.last_error
    assert "123:ABC" not in delivery.last_error


def test_email_via_locmem(db, inline, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = notifiers.notify(kind="email", target="posko@damkar.example", message=MSG)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["posko@damkar.example"]
    assert "Unit ditugaskan" in mail.outbox[0].subject
    delivery.refresh_from_db()
    assert delivery.status == "sent"


def test_bad_email_target_fails_fast(db, inline, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = notifiers.notify(kind="email", target="bukan-alamat", message=MSG)
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == 1
    assert mail.outbox == []


def test_agency_inbox_shared_and_acknowledged_once(
    users, agencies, actor_of, inline, fake_server, django_capture_on_commit_callbacks
):
    damkar = agencies["damkar"]
    AgencyChannel.objects.create(agency=damkar, kind="webhook", value=fake_server.url)
    AgencyChannel.objects.create(agency=damkar, kind="phone", value="0254-1")
    with django_capture_on_commit_callbacks(execute=True):
        deliveries = notifiers.notify_agency(agency=damkar, message=MSG)
    assert sorted(d.kind for d in deliveries) == ["inbox", "webhook"]  # phone is not a notifier
    note = Notification.objects.get()
    assert note.agency == damkar and note.acknowledged_at is None
    officer = actor_of("officer")
    assert list(inbox.inbox_for(actor=officer)) == [note]
    assert list(inbox.inbox_for(actor=actor_of("other_officer"))) == []  # PLN sees nothing
    with pytest.raises(Exception) as excinfo:
        inbox.notification_acknowledge(actor=actor_of("other_officer"), notification_id=note.pk)
    assert type(excinfo.value).__name__ == "NotFound"
    inbox.notification_acknowledge(actor=officer, notification_id=note.pk)
    first = Notification.objects.get().acknowledged_at
    inbox.notification_acknowledge(actor=officer, notification_id=note.pk)
    note.refresh_from_db()
    assert note.acknowledged_at == first and note.acknowledged_by == users["officer"]


def test_user_inbox(users, actor_of, inline, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notifiers.notify(kind="inbox", target=f"user:{users['dispatcher'].pk}", message=MSG)
    assert [n.title for n in inbox.inbox_for(actor=actor_of("dispatcher"))] == ["Unit ditugaskan"]
    assert list(inbox.inbox_for(actor=actor_of("calltaker"))) == []


def test_unknown_channel_refused(db):
    with pytest.raises(ValueError):
        notifiers.notify(kind="merpati", target="x", message=MSG)


@pytest.mark.django_db(transaction=True)
def test_background_thread_sends_after_commit(fake_server, settings):
    """The default path: the request commits and returns; a pool thread sends."""
    from django.db import transaction

    settings.KENDALI_WEBHOOK_SECRET = "x"
    with transaction.atomic():
        delivery = notifiers.notify(kind="webhook", target=fake_server.url, message=MSG)
        assert fake_server.requests == []
    assert notifiers.wait_idle(10)
    delivery.refresh_from_db()
    assert delivery.status == "sent" and len(fake_server.requests) == 1
