"""The agency hears of an assignment on every channel it has, each tested against a local
fake endpoint: e-mail through Django's SMTP backend to a small SMTP listener on a free
loopback port, Telegram through a loopback Bot API. Links in them are absolute."""

from __future__ import annotations

import socketserver
import threading
from email import message_from_bytes, policy

import pytest

from kendali.core.models import AgencyChannel, Notification, NotificationDelivery
from kendali.dispatch import services
from tests.fakes import FakeHTTPServer

PUBLIC = "https://kendali.serangkota.go.id"
INBOX_LINK = f"{PUBLIC}/dispatch/kotak-masuk/"


class SmtpListener:
    """Just enough SMTP (RFC 5321) for smtplib: greeting, EHLO/HELO, MAIL, RCPT, DATA with
    dot-unstuffing, RSET, NOOP, QUIT. Records each accepted message; ``refuse_rcpt`` makes it
    answer RCPT with 550 like a server that does not know the mailbox."""

    def __init__(self):
        self.messages: list[dict] = []
        self.refuse_rcpt = False
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")
                self.wfile.flush()

            def handle(self):
                self.reply("220 uji.local ESMTP")
                sender, recipients = None, []
                while raw := self.rfile.readline():
                    command = raw.decode("utf-8", "replace").rstrip("\r\n")
                    verb = command[:4].upper()
                    if verb == "EHLO":
                        self.reply("250-uji.local")
                        self.reply("250 8BITMIME")
                    elif verb == "HELO":
                        self.reply("250 uji.local")
                    elif verb == "MAIL":
                        sender, recipients = command[10:].strip(), []
                        self.reply("250 OK")
                    elif verb == "RCPT":
                        if outer.refuse_rcpt:
                            self.reply("550 5.1.1 mailbox unknown")
                        else:
                            recipients.append(command[8:].strip())
                            self.reply("250 OK")
                    elif verb == "DATA":
                        self.reply("354 end with <CRLF>.<CRLF>")
                        lines = []
                        while (line := self.rfile.readline()) not in (b".\r\n", b""):
                            lines.append(line[1:] if line.startswith(b"..") else line)
                        outer.messages.append(
                            {"from": sender, "to": recipients, "data": b"".join(lines)}
                        )
                        self.reply("250 OK queued")
                    elif verb in ("RSET", "NOOP"):
                        self.reply("250 OK")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("502 not implemented")

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class FakeBotApi(FakeHTTPServer):
    """A loopback Telegram Bot API: records sendMessage calls, answers ok."""

    def __init__(self):
        super().__init__(answer={"ok": True, "result": {"message_id": 9}})


@pytest.fixture
def smtp(settings):
    listener = SmtpListener()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = listener.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "kendali@serangkota.go.id"
    settings.KENDALI_PUBLIC_URL = PUBLIC + "/"  # a trailing slash is tolerated
    yield listener
    listener.close()


@pytest.fixture
def bot_api(settings):
    api = FakeBotApi()
    settings.KENDALI_TELEGRAM_API_URL = api.url
    settings.KENDALI_TELEGRAM_BOT_TOKEN = "123:uji"
    settings.KENDALI_PUBLIC_URL = PUBLIC
    yield api
    api.close()


def _text(raw: bytes) -> tuple:
    mail = message_from_bytes(raw, policy=policy.default)
    return mail, mail.get_body(preferencelist=("plain",)).get_content()


def test_assignment_mail_goes_through_smtp_with_an_absolute_link(
    smtp, fleet, make_incident, actor_of, agencies, django_capture_on_commit_callbacks
):
    AgencyChannel.objects.create(
        agency=agencies["damkar"], kind="email", value="posko@damkar.serangkota.go.id"
    )
    incident = make_incident(address="Pasar Rau, Cimuncang")
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_create(
            actor=actor_of("dispatcher"), incident=incident, unit=fleet["DMK-1"]
        )

    assert len(smtp.messages) == 1
    received = smtp.messages[0]
    assert received["from"] == "<kendali@serangkota.go.id>"
    assert received["to"] == ["<posko@damkar.serangkota.go.id>"]
    mail, body = _text(received["data"])
    assert mail["Subject"] == f"[Kendali] Penugasan DMK-1 ke {incident.number}"
    assert mail["To"] == "posko@damkar.serangkota.go.id"
    assert "Pasar Rau, Cimuncang" in body
    assert body.rstrip().endswith(INBOX_LINK)
    delivery = NotificationDelivery.objects.get(kind="email")
    assert delivery.status == "sent" and delivery.attempts == 1
    # The in-app inbox keeps the path: it is opened inside Kendali.
    assert Notification.objects.get(agency=agencies["damkar"]).url == "/dispatch/kotak-masuk/"


def test_referral_mail_links_to_the_inbox_absolutely(
    smtp, make_incident, actor_of, agencies, django_capture_on_commit_callbacks
):
    AgencyChannel.objects.create(agency=agencies["pln"], kind="email", value="up3@pln.co.id")
    incident = make_incident(type_code="gangguan-listrik")
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_create(
            actor=actor_of("dispatcher"), incident=incident, agency=agencies["pln"], note="Kabel"
        )
    (received,) = smtp.messages
    _mail, body = _text(received["data"])
    assert INBOX_LINK in body


def test_refused_recipient_is_recorded_for_retry(
    smtp, fleet, make_incident, actor_of, agencies, django_capture_on_commit_callbacks
):
    smtp.refuse_rcpt = True
    AgencyChannel.objects.create(agency=agencies["damkar"], kind="email", value="x@damkar.id")
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_create(
            actor=actor_of("dispatcher"), incident=make_incident(), unit=fleet["DMK-1"]
        )
    delivery = NotificationDelivery.objects.get(kind="email")
    assert smtp.messages == []
    assert delivery.status == "pending" and delivery.next_attempt_at is not None
    assert "SMTPRecipientsRefused" in delivery.last_error


def test_telegram_message_carries_an_absolute_link(
    bot_api, fleet, make_incident, actor_of, agencies, django_capture_on_commit_callbacks
):
    AgencyChannel.objects.create(agency=agencies["damkar"], kind="telegram", value="-100777")
    incident = make_incident()
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_create(
            actor=actor_of("dispatcher"), incident=incident, unit=fleet["DMK-1"]
        )
    (sent,) = bot_api.requests
    assert sent["path"] == "/bot123:uji/sendMessage"
    assert sent["json"]["chat_id"] == "-100777"
    text = sent["json"]["text"]
    assert text.startswith(f"Penugasan DMK-1 ke {incident.number}")
    assert text.splitlines()[-1] == INBOX_LINK
