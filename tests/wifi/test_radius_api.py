from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from kendali.wifi import counters, services
from kendali.wifi.choices import ApStatus
from kendali.wifi.models import AccessPoint, RadiusEvent, RadiusSession
from tests.wifi.conftest import MB

pytestmark = pytest.mark.django_db


def _login(radius, user="puji0001", password="kredensial-uji-0001"):
    return radius("authorize", {"User-Name": user, "User-Password": password})


def test_valid_credential_is_accepted_with_mikrotik_limits(radius, make_subscriber):
    make_subscriber()
    response = _login(radius)
    assert response.status_code == 200
    body = response.json()
    assert body["control:Auth-Type"] == "Accept"
    assert body["reply:Session-Timeout"] == 3600
    assert body["reply:Mikrotik-Total-Limit"] == 100 * MB
    assert body["reply:Mikrotik-Rate-Limit"] == "512k/2000k"


def test_coovachilli_attributes_by_setting(radius, make_subscriber, monkeypatch):
    monkeypatch.setenv("KENDALI_WIFI_NAS_VENDOR", "coovachilli")
    make_subscriber()
    body = _login(radius).json()
    assert body["reply:ChilliSpot-Max-Total-Octets"] == 100 * MB
    assert body["reply:WISPr-Bandwidth-Max-Down"] == 2_000_000
    assert body["reply:WISPr-Bandwidth-Max-Up"] == 512_000
    assert "reply:Mikrotik-Rate-Limit" not in body


def test_large_quota_uses_gigawords(group):
    group.daily_octets = 0
    group.monthly_octets = 6 * 1024 * MB
    reply = counters.reply_attributes(group, counters.Usage(0, 0, 0, 0), vendor="mikrotik")
    assert reply["Mikrotik-Total-Limit-Gigawords"] == 1
    assert reply["Mikrotik-Total-Limit"] + (1 << 32) == 6 * 1024 * MB


@pytest.mark.parametrize(
    ("user", "password"),
    [("puji0001", "salah"), ("tidakada", "kredensial-uji-0001"), ("", "")],
)
def test_wrong_or_unknown_credentials_are_rejected(radius, make_subscriber, user, password):
    make_subscriber()
    response = _login(radius, user, password)
    assert response.status_code == 200
    body = response.json()
    assert body["control:Auth-Type"] == "Reject"
    assert "salah" in body["reply:Reply-Message"]


def test_expired_credential_is_rejected(radius, make_subscriber):
    make_subscriber(credential_expires_at=timezone.now() - timedelta(seconds=1))
    assert _login(radius).json()["control:Auth-Type"] == "Reject"


def _session(sub, ap, **kw):
    now = timezone.now()
    defaults = {
        "unique_id": f"u{RadiusSession.objects.count()}",
        "session_id": "S",
        "subscriber": sub,
        "username": sub.username,
        "access_point": ap,
        "park": ap.park,
        "nas_ip": ap.nas_ip,
        "started_at": now - timedelta(minutes=5),
        "updated_at": now,
        "stopped_at": now,
    }
    defaults.update(kw)
    return RadiusSession.objects.create(**defaults)


@pytest.mark.parametrize(
    ("usage", "message"),
    [
        ({"session_time": 3600}, "waktu harian"),
        ({"input_octets": 60 * MB, "output_octets": 40 * MB}, "data harian"),
        ({"stopped_at": None}, "perangkat lain"),
    ],
)
def test_exhausted_quota_rejects_with_message(radius, make_subscriber, ap, usage, message):
    sub = make_subscriber()
    _session(sub, ap, **usage)
    response = _login(radius)
    assert response.status_code == 200
    body = response.json()
    assert body["control:Auth-Type"] == "Reject"
    assert message in body["reply:Reply-Message"]


def test_monthly_quota_counts_earlier_days(radius, make_subscriber, ap):
    sub = make_subscriber()
    with time_machine.travel("2026-11-20 12:00:00+07:00", tick=False):
        for day in range(10, 20):
            at = timezone.now().replace(day=day)
            _session(sub, ap, started_at=at, updated_at=at, stopped_at=at, output_octets=100 * MB)
        body = _login(radius).json()
    assert body["control:Auth-Type"] == "Reject"
    assert "bulanan" in body["reply:Reply-Message"]


def test_remaining_quota_shrinks_the_reply(radius, make_subscriber, ap):
    sub = make_subscriber()
    _session(sub, ap, session_time=600, output_octets=30 * MB)
    body = _login(radius).json()
    assert body["reply:Session-Timeout"] == 3000
    assert body["reply:Mikrotik-Total-Limit"] == 70 * MB


def test_unknown_nas_is_refused_and_logged(radius, make_subscriber):
    make_subscriber()
    response = radius(
        "authorize",
        {"User-Name": "puji0001", "User-Password": "kredensial-uji-0001"},
        nas="10.9.9.9",
    )
    assert response.status_code == 403
    event = RadiusEvent.objects.get(kind="unknown_nas")
    assert event.source_ip == "10.9.9.9"


def test_wrong_token_is_refused(radius, make_subscriber, caplog):
    make_subscriber()
    response = radius(
        "authorize",
        {"User-Name": "puji0001", "User-Password": "kredensial-uji-0001"},
        token="knd_00000000_salah",
    )
    assert response.status_code == 401
    assert "refused token knd_00000000" in caplog.text


def test_token_without_radius_scope_is_refused(radius, make_subscriber, system):
    from kendali.core.services import token_create

    make_subscriber()
    _, other = token_create(actor=system, name="sensor", scopes=["device"])
    response = _login_with(radius, other)
    assert response.status_code == 403


def _login_with(radius, token):
    return radius(
        "authorize", {"User-Name": "puji0001", "User-Password": "kredensial-uji-0001"}, token=token
    )


def test_post_auth_records_refusals_only(radius):
    radius("post-auth", {"User-Name": "puji0001"})
    assert not RadiusEvent.objects.exists()
    radius(
        "post-auth",
        {"User-Name": "puji0001"},
        HTTP_X_KENDALI_RESULT="reject",
        HTTP_X_KENDALI_REASON="Kuota habis",
    )
    event = RadiusEvent.objects.get()
    assert (event.kind, event.result, event.reason) == ("auth", "reject", "Kuota habis")


def test_accounting_start_interim_stop(radius, make_subscriber, ap):
    sub = make_subscriber()
    base = {"User-Name": "puji0001", "Acct-Session-Id": "81000001", "Calling-Station-Id": "AA-BB"}
    assert radius("accounting", {**base, "Acct-Status-Type": "Start"}).status_code == 201
    radius(
        "accounting",
        {
            **base,
            "Acct-Status-Type": "Interim-Update",
            "Acct-Session-Time": "300",
            "Acct-Input-Octets": "1000",
            "Acct-Output-Octets": "5000",
            "Framed-IP-Address": "10.5.50.20",
        },
    )
    session = RadiusSession.objects.get()
    assert (session.session_time, session.input_octets, session.output_octets) == (300, 1000, 5000)
    assert session.stopped_at is None and session.subscriber == sub and session.park == ap.park
    response = radius(
        "accounting",
        {
            **base,
            "Acct-Status-Type": "Stop",
            "Acct-Session-Time": "600",
            "Acct-Input-Octets": "2000",
            "Acct-Output-Octets": "7",
            "Acct-Output-Gigawords": "1",
            "Acct-Terminate-Cause": "User-Request",
        },
    )
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.stopped_at is not None
    assert session.output_octets == (1 << 32) + 7
    assert session.terminate_cause == "User-Request"
    assert session.device_digest and "AA" not in session.device_digest
    # The accounting stream counts as a heartbeat.
    assert AccessPoint.objects.get().status == ApStatus.ONLINE


def test_accounting_on_closes_stale_sessions_of_that_nas(radius, make_subscriber, ap, park, system):
    sub = make_subscriber()
    other_ap = services.access_point_save(
        actor=system,
        park=park,
        name="B",
        mac="48:8f:5a:00:00:02",
        nas_ip="10.60.1.2",
        ssid="X",
        secret="rahasia-lain-12345",
    )
    mine = _session(sub, ap, stopped_at=None)
    theirs = _session(sub, other_ap, stopped_at=None)
    radius("accounting", {"Acct-Status-Type": "Accounting-On"})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.stopped_at is not None and mine.terminate_cause == "NAS-Reboot"
    assert theirs.stopped_at is None


@pytest.mark.parametrize(
    "attrs",
    [
        {"Acct-Status-Type": "Bogus", "Acct-Session-Id": "1", "User-Name": "puji0001"},
        {"Acct-Status-Type": "Interim-Update", "User-Name": "puji0001"},
        {
            "Acct-Status-Type": "Interim-Update",
            "Acct-Session-Id": "81000001",
            "User-Name": "puji0001",
            "Acct-Input-Octets": "banyak",
        },
    ],
)
def test_malformed_accounting_is_recorded_and_session_untouched(radius, make_subscriber, attrs):
    make_subscriber()
    radius(
        "accounting",
        {"User-Name": "puji0001", "Acct-Session-Id": "81000001", "Acct-Status-Type": "Start"},
    )
    response = radius("accounting", attrs)
    assert response.status_code == 400
    assert RadiusEvent.objects.filter(kind="malformed").count() == 1
    session = RadiusSession.objects.get()
    assert session.input_octets == 0 and session.stopped_at is None


def test_non_json_body_is_refused(radius_token, ap):
    from django.test import Client

    response = Client().post(
        "/api/v1/wifi/radius/authorize",
        data="not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {radius_token}",
        HTTP_X_KENDALI_NAS=ap.nas_ip,
    )
    assert response.status_code == 400


def test_heartbeat_and_offline_rule(radius_token, ap):
    from django.test import Client

    with time_machine.travel("2026-11-28 08:00:00+07:00", tick=False) as traveller:
        response = Client().post(
            "/api/v1/wifi/heartbeat",
            data={"mac": "48-8F-5A-00-00-01"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {radius_token}",
        )
        assert response.status_code == 204
        ap.refresh_from_db()
        assert ap.status == ApStatus.ONLINE
        traveller.shift(timedelta(seconds=119))  # less than twice the 60 s interval
        services.access_points_sweep()
        ap.refresh_from_db()
        assert ap.status == ApStatus.ONLINE
        traveller.shift(timedelta(seconds=2))
        assert services.access_points_sweep() == 1
        ap.refresh_from_db()
        assert ap.status == ApStatus.OFFLINE


def test_heartbeat_for_unknown_mac_is_404(radius_token, ap):
    from django.test import Client

    response = Client().post(
        "/api/v1/wifi/heartbeat",
        data={"mac": "00:00:00:00:00:09"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {radius_token}",
    )
    assert response.status_code == 404


def test_authorize_is_a_couple_of_queries(radius, make_subscriber, django_assert_max_num_queries):
    make_subscriber()
    _login(radius)  # warms the token and NAS caches
    with django_assert_max_num_queries(2):
        assert _login(radius).json()["control:Auth-Type"] == "Accept"
