from __future__ import annotations

import json
import math
import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from kendali.core.notifiers import sms as sms_log
from kendali.wifi import crypto, services
from kendali.wifi.models import RadiusSession, Subscriber

pytestmark = pytest.mark.django_db
PHONE = "0812-3456-7890"


@pytest.fixture(autouse=True)
def _clear_outbox():
    sms_log.recent.clear()


def _code() -> str:
    return re.search(r"\b(\d{6})\b", sms_log.recent[-1][1]).group(1)


def _open_portal(client, ap):
    return client.get(
        "/wifi/portal/",
        {"ap": ap.mac, "link-login-only": "http://10.5.50.1/login", "dst": "http://example.org/"},
    )


def test_phone_sign_up_end_to_end(django_capture_on_commit_callbacks, ap, group, radius):
    client = Client()
    page = _open_portal(client, ap)
    assert "Alun-alun Kota Serang" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/wifi/portal/kode/", {"phone": PHONE, "terms": "on"})
    assert response.status_code == 200 and "Masukkan kode" in response.content.decode()
    assert sms_log.recent[-1][0] == "+6281234567890"
    response = client.post("/wifi/portal/verifikasi/", {"phone": PHONE, "code": _code()})
    html = response.content.decode()
    assert 'action="http://10.5.50.1/login"' in html
    username = re.search(r'name="username" value="([^"]+)"', html).group(1)
    password = re.search(r'name="password" value="([^"]+)"', html).group(1)
    # The credential the router forwards is accepted by RADIUS ...
    body = radius("authorize", {"User-Name": username, "User-Password": password}).json()
    assert body["control:Auth-Type"] == "Accept"
    # ... and only a keyed digest of it and of the phone number is stored.
    sub = Subscriber.objects.get(username=username)
    assert password not in sub.credential_digest and "81234567890" not in sub.phone_digest
    status = client.get("/wifi/portal/status/").content.decode()
    assert "60 menit" in status and "100,0" in status


def test_mikrotik_login_sends_the_phone_to_the_status_page_then_on_to_its_page(
    django_capture_on_commit_callbacks, ap, group, monkeypatch
):
    """The link-login-only flow of a real MikroTik: login.html posts to the router with
    `dst` = our status page (absolute), which shows the quota and links to the page the
    phone first asked for (`$(link-orig)`, kept from the splash URL)."""
    from html import unescape

    client = Client()
    original = "http://example.org/berita?hal=2&urut=baru"
    client.get(
        "/wifi/portal/",
        {"ap": ap.mac, "link-login-only": "http://10.5.50.1/login", "dst": original},
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/wifi/portal/kode/", {"phone": PHONE, "terms": "on"})
    html = client.post("/wifi/portal/verifikasi/", {"phone": PHONE, "code": _code()}).content
    html = html.decode()
    form = re.search(r'<form method="post" action="http://10.5.50.1/login".*?</form>', html, re.S)
    assert form, html
    dst = unescape(re.search(r'name="dst" value="([^"]+)"', form[0]).group(1))
    assert dst == "http://testserver/wifi/portal/status/"
    assert "example.org" not in form[0]
    # The router accepts the login and redirects the phone to `dst`:
    status = client.get(dst.removeprefix("http://testserver")).content.decode()
    assert "Sisa kuota Anda" in status and "60 menit" in status
    link = re.search(r'<a class="button primary" href="([^"]+)"[^>]*data-original>', status)
    assert link and unescape(link[1]) == original
    # Behind a reverse proxy the configured public portal address is used.
    monkeypatch.setenv("KENDALI_WIFI_PORTAL_URL", "https://wifi.serangkota.go.id/")
    client.get("/wifi/portal/", {"ap": ap.mac, "link-login-only": "http://10.5.50.1/login"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/wifi/portal/kode/", {"phone": "0812-3456-7891", "terms": "on"})
    html = client.post(
        "/wifi/portal/verifikasi/", {"phone": "0812-3456-7891", "code": _code()}
    ).content.decode()
    assert 'name="dst" value="https://wifi.serangkota.go.id/wifi/portal/status/"' in html


def test_status_page_offers_no_link_on_without_an_original_page_or_login(ap, group):
    client = Client()
    client.get("/wifi/portal/", {"ap": ap.mac, "dst": "javascript:alert(1)"})
    assert "dst" not in client.session["wifi_portal"]
    status = client.get("/wifi/portal/status/").content.decode()
    assert "data-original" not in status and "Anda belum masuk" in status


def test_reply_message_from_the_router_is_shown_as_an_alert_and_escaped(ap):
    """MikroTik puts FreeRADIUS's Reply-Message in `$(error)` and sends the phone back to
    the splash with ?error=…: the person must read why, and it must not inject markup."""
    message = "Kuota data harian Anda habis. Silakan kembali besok."
    html = Client().get("/wifi/portal/", {"ap": ap.mac, "error": message}).content.decode()
    assert f'<p class="error" role="alert">{message}</p>' in html
    html = (
        Client()
        .get("/wifi/portal/", {"ap": ap.mac, "error": '<script>alert("x")</script>'})
        .content.decode()
    )
    assert "<script>alert" not in html
    assert (
        '<p class="error" role="alert">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>'
        in html
    )


def test_signing_up_requires_terms(ap, group):
    response = Client().post("/wifi/portal/kode/", {"phone": PHONE})
    assert response.status_code == 422
    assert not sms_log.recent


def test_invalid_number_is_refused(ap, group):
    response = Client().post("/wifi/portal/kode/", {"phone": "12345", "terms": "on"})
    assert response.status_code == 422
    assert "tidak valid" in response.content.decode()


def test_send_limits_per_number_and_per_ip(django_capture_on_commit_callbacks, group):
    for _ in range(3):
        services.otp_request(phone=PHONE, ip="10.5.50.9", accept_terms=True)
    with pytest.raises(services.NotAllowed):
        services.otp_request(phone=PHONE, ip="10.5.50.9", accept_terms=True)
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        services.otp_request(phone=PHONE, ip="10.5.50.9", accept_terms=True)
    for n in range(16):
        services.otp_request(phone=f"08129999{n:04d}", ip="10.5.50.8", accept_terms=True)
    for n in range(4):
        services.otp_request(phone=f"08128888{n:04d}", ip="10.5.50.8", accept_terms=True)
    with pytest.raises(services.NotAllowed):
        services.otp_request(phone="081277770000", ip="10.5.50.8", accept_terms=True)


def test_otp_brute_force_is_locked_out(django_capture_on_commit_callbacks, group):
    with django_capture_on_commit_callbacks(execute=True):
        services.otp_request(phone=PHONE, ip="10.5.50.9", accept_terms=True)
    right = _code()
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(5):
        with pytest.raises(services.Invalid):
            services.otp_verify(phone=PHONE, code=wrong, ip="10.5.50.9")
    # After five wrong codes the challenge is dead, even for the right code.
    with pytest.raises(services.Invalid):
        services.otp_verify(phone=PHONE, code=right, ip="10.5.50.9")
    with django_capture_on_commit_callbacks(execute=True):
        services.otp_request(phone=PHONE, ip="10.5.50.9", accept_terms=True)
    for _ in range(5):
        with pytest.raises(services.Invalid):
            services.otp_verify(phone=PHONE, code=wrong, ip="10.5.50.9")
    # Ten failures within 30 minutes lock the number itself.
    with pytest.raises(services.NotAllowed):
        services.otp_request(phone=PHONE, ip="10.5.50.9", accept_terms=True)
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        with django_capture_on_commit_callbacks(execute=True):
            services.otp_request(phone=PHONE, ip="10.5.50.7", accept_terms=True)
        login = services.otp_verify(phone=PHONE, code=_code(), ip="10.5.50.7")
    assert login.subscriber.kind == "phone"


def test_expired_code_is_refused(django_capture_on_commit_callbacks, group):
    with django_capture_on_commit_callbacks(execute=True):
        services.otp_request(phone=PHONE, ip=None, accept_terms=True)
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        with pytest.raises(services.Invalid):
            services.otp_verify(phone=PHONE, code=_code(), ip=None)


def test_same_number_gets_the_same_subscriber(django_capture_on_commit_callbacks, group):
    logins = []
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            services.otp_request(phone=PHONE, ip=None, accept_terms=True)
        logins.append(services.otp_verify(phone="+62 812 3456 7890", code=_code(), ip=None))
    assert logins[0].subscriber.pk == logins[1].subscriber.pk
    assert logins[0].credential != logins[1].credential


def test_voucher_codes_are_not_guessable(group, system):
    batch, codes = services.voucher_batch_create(
        actor=system, name="Uji", group=group, count=200, valid_days=7
    )
    assert len(set(codes)) == 200
    assert all(len(c) == 16 and set(c) <= set(crypto.VOUCHER_ALPHABET) for c in codes)
    assert math.log2(len(crypto.VOUCHER_ALPHABET)) * 16 >= 80
    # Codes are stored only as a keyed digest plus an encrypted copy.
    stored = batch.vouchers.first()
    assert codes[0] not in stored.code_digest and codes[0] not in stored.code_encrypted


def test_voucher_redeem_and_lockout(ap, group, system, radius):
    _, codes = services.voucher_batch_create(
        actor=system, name="Festival", group=group, count=2, valid_days=7
    )
    client = Client()
    _open_portal(client, ap)
    shown = crypto.format_voucher(codes[0]).lower()
    response = client.post("/wifi/portal/voucher/", {"code": shown, "terms": "on"})
    html = response.content.decode()
    username = re.search(r'name="username" value="([^"]+)"', html).group(1)
    password = re.search(r'name="password" value="([^"]+)"', html).group(1)
    assert (
        radius("authorize", {"User-Name": username, "User-Password": password}).json()[
            "control:Auth-Type"
        ]
        == "Accept"
    )
    attacker = Client(REMOTE_ADDR="10.5.50.66")
    for _ in range(10):
        r = attacker.post("/wifi/portal/voucher/", {"code": "AAAA-BBBB-CCCC-DDDD", "terms": "on"})
        assert r.status_code == 422
    # Locked out by IP even with a valid code.
    r = attacker.post("/wifi/portal/voucher/", {"code": codes[1], "terms": "on"})
    assert "Terlalu banyak" in r.content.decode()


def test_expired_voucher_is_refused(group, system):
    _, codes = services.voucher_batch_create(
        actor=system, name="Lama", group=group, count=1, valid_days=1
    )
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        with pytest.raises(services.Invalid):
            services.voucher_redeem(code=codes[0], ip=None)


def test_login_url_must_be_the_hotspot(ap, group):
    client = Client()
    client.get("/wifi/portal/", {"ap": ap.mac, "link-login-only": "https://evil.example/steal"})
    assert "login_url" not in client.session["wifi_portal"]


def test_splash_shows_announcements_and_public_warnings(regions_loaded, ap, system, monkeypatch):
    services.announcement_create(actor=system, text="Car Free Day hari Minggu")
    from kendali.wifi import selectors

    seen = []

    def fake(kode):
        seen.append(kode)
        return [{"headline": "Peringatan banjir Sungai Cibanten", "instruction": "Jauhi bantaran"}]

    monkeypatch.setattr(selectors, "_active_alerts", lambda: fake)
    html = _open_portal(Client(), ap).content.decode()
    assert "Car Free Day" in html
    assert "Peringatan banjir Sungai Cibanten" in html
    assert seen == [ap.park.kelurahan_id] and ap.park.kelurahan_id


def test_portal_works_without_alerts(ap, monkeypatch):
    from kendali.wifi import selectors

    def broken():
        raise ImportError("alerts not installed")

    monkeypatch.setattr(selectors, "_active_alerts", broken)
    assert _open_portal(Client(), ap).status_code == 200


def test_rfc8908_api_for_an_unknown_client(ap):
    response = Client().get("/wifi/portal/api/")
    assert response["Content-Type"] == "application/captive+json"
    assert "no-store" in response["Cache-Control"]
    body = json.loads(response.content)
    assert body["captive"] is True
    assert body["user-portal-url"].endswith("/wifi/portal/")
    assert "seconds-remaining" not in body


def test_rfc8908_api_reports_remaining_quota(ap, make_subscriber):
    sub = make_subscriber()
    now = timezone.now()
    RadiusSession.objects.create(
        unique_id="x1",
        session_id="1",
        subscriber=sub,
        username=sub.username,
        access_point=ap,
        park=ap.park,
        nas_ip=ap.nas_ip,
        framed_ip="10.5.50.30",
        started_at=now - timedelta(minutes=10),
        updated_at=now,
        session_time=600,
        input_octets=1024,
        output_octets=1024,
    )
    body = json.loads(Client(REMOTE_ADDR="10.5.50.30").get("/wifi/portal/api/").content)
    assert body["captive"] is False
    assert body["seconds-remaining"] == 3000
    assert body["bytes-remaining"] == 100 * 1024 * 1024 - 2048
    assert body["can-extend-session"] is False


def test_splash_shows_the_real_flood_warning_for_the_parks_kelurahan(users, regions_loaded, system):
    from kendali.alerts.demo import seed as seed_alerts

    seed_alerts(actor=system)
    banten = services.park_save(actor=system, name="Taman Banten Lama", lat=-6.0345, lon=106.1585)
    kota = services.park_save(actor=system, name="Alun-alun", lat=-6.1196, lon=106.1537)
    html = Client().get("/wifi/portal/", {"taman": banten.pk}).content.decode()
    assert "Peringatan banjir di Kasemen" in html
    assert 'role="alert"' in html
    # A park outside the warned area shows no warning.
    assert (
        'class="warning"' not in Client().get("/wifi/portal/", {"taman": kota.pk}).content.decode()
    )
