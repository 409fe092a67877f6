from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from kendali.core.actors import Actor
from kendali.core.models import AuditEntry
from kendali.wifi import crypto, selectors, services, usage
from kendali.wifi.models import (
    AccessPoint,
    Announcement,
    DailyUsage,
    Park,
    QuotaGroup,
    RadiusSession,
    Subscriber,
    VoucherBatch,
)

pytestmark = pytest.mark.django_db


def test_operator_adds_a_park_located_in_its_kelurahan(regions_loaded, clients):
    response = clients["operator"].post(
        "/wifi/",
        {"name": "Taman Sari", "lat": "-6.1230", "lon": "106.1490", "opens_at": "06:00"},
    )
    park = Park.objects.get(name="Taman Sari")
    assert response.status_code == 302 and response["Location"] == f"/wifi/taman/{park.pk}/"
    assert (park.kelurahan_id, park.kelurahan.nama) == ("36.73.01.1001", "Serang")
    assert park.kecamatan_id == park.kelurahan.parent_id
    assert (
        "Kel. Serang, Kec. Serang"
        in clients["operator"].get(f"/wifi/taman/{park.pk}/").content.decode()
    )
    assert AuditEntry.objects.filter(action="wifi.park.create").exists()


def test_park_outside_the_city_is_refused(clients):
    response = clients["operator"].post("/wifi/", {"name": "Pantai", "lat": "-6.0", "lon": "105.8"})
    assert response.status_code == 200
    assert "Kota Serang" in response.content.decode()
    assert not Park.objects.exists()


def test_operator_adds_an_access_point_with_encrypted_secret(clients, park):
    response = clients["operator"].post(
        f"/wifi/taman/{park.pk}/",
        {
            "name": "Gerbang",
            "mac": "48-8f-5a-aa-bb-cc",
            "nas_ip": "10.60.2.1",
            "secret": "rahasia-bersama-panjang",
            "ssid": "Serang-Free-WiFi",
            "heartbeat_interval": "60",
        },
    )
    assert response.status_code == 302
    ap = AccessPoint.objects.get()
    assert ap.mac == "48:8F:5A:AA:BB:CC"
    assert "rahasia" not in ap.secret_encrypted
    assert crypto.decrypt(ap.secret_encrypted) == "rahasia-bersama-panjang"
    entry = AuditEntry.objects.get(action="wifi.ap.create")
    assert "rahasia" not in str(entry.changes)


def test_viewer_sees_parks_but_cannot_add(clients, park):
    assert clients["viewer"].get("/wifi/").status_code == 200
    assert clients["viewer"].post("/wifi/", {"name": "X"}).status_code == 403


def test_quota_group_page_and_single_default(clients, group):
    response = clients["operator"].post(
        "/wifi/grup/",
        {
            "name": "Pelajar",
            "daily_minutes": "180",
            "daily_mb": "1024",
            "monthly_mb": "0",
            "simultaneous_use": "1",
            "rate_down_kbps": "3000",
            "rate_up_kbps": "1000",
            "is_default": "on",
        },
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert not group.is_default
    page = clients["operator"].get("/wifi/grup/").content.decode()
    assert "Pelajar" in page and "180 menit" in page


def test_voucher_batch_and_printable_sheet(clients, group):
    response = clients["operator"].post(
        "/wifi/voucher/", {"name": "HUT Kota", "group": group.pk, "count": "6", "valid_days": "30"}
    )
    assert response.status_code == 302
    sheet = clients["operator"].get(response["Location"])
    html = sheet.content.decode()
    assert html.count('class="voucher') == 6
    assert html.count("<svg") == 6
    assert AuditEntry.objects.filter(action="wifi.voucher_batch.print").exists()


def _session(ap, sub, start, minutes, octets=0, **kw):
    return RadiusSession.objects.create(
        unique_id=f"{sub.pk}-{start.isoformat()}",
        session_id="1",
        subscriber=sub,
        username=sub.username,
        access_point=ap,
        park=ap.park,
        nas_ip=ap.nas_ip,
        started_at=start,
        updated_at=start + timedelta(minutes=minutes),
        stopped_at=start + timedelta(minutes=minutes),
        session_time=minutes * 60,
        output_octets=octets,
        **kw,
    )


def test_usage_rollup_counts_users_sessions_traffic_and_peak(ap, make_subscriber):
    a, b, c = (make_subscriber(username=f"p{i}", credential=f"c{i}") for i in range(3))
    with time_machine.travel("2026-11-27 23:00:00+07:00", tick=False):
        day = timezone.localdate()
        t = timezone.make_aware(datetime(2026, 11, 27, 16, 0))
        _session(ap, a, t, 60, octets=1000)
        _session(ap, a, t + timedelta(minutes=90), 10, octets=500)
        _session(ap, b, t + timedelta(minutes=30), 60, octets=2000)  # overlaps a's first
        _session(ap, c, t + timedelta(minutes=60), 20, octets=10)  # starts as a's first ends
        services.usage_rollup(day)
    row = DailyUsage.objects.get(park=ap.park, day=day)
    assert (row.unique_users, row.sessions, row.output_octets) == (3, 4, 3510)
    assert row.peak_concurrency == 2
    assert row.hourly_sessions[16] == 2 and row.hourly_sessions[17] == 3
    assert "<svg" in usage.hourly_svg(row.hourly_sessions)


def test_usage_page_and_csv_without_phone_numbers(clients, ap, make_subscriber, system):
    import html as html_lib

    sub = make_subscriber(phone_digest=crypto.keyed_digest("+6281234567890", purpose="phone"))
    _session(ap, sub, timezone.now() - timedelta(hours=1), 30, octets=4096)
    taman_sari = services.park_save(actor=system, name="Taman Sari", lat=-6.1230, lon=106.1490)
    other_ap = services.access_point_save(
        actor=system,
        park=taman_sari,
        name="Taman Sari",
        mac="48:8f:5a:00:00:02",
        nas_ip="10.60.2.1",
        ssid="Serang-Free-WiFi",
        secret="rahasia-radius-uji-456",
    )
    _session(other_ap, sub, timezone.now() - timedelta(hours=2), 10, octets=1024)
    services.usage_rollup()
    page = clients["operator"].get("/wifi/penggunaan/")
    assert "Alun-alun Kota Serang" in page.content.decode()
    response = clients["operator"].get("/wifi/penggunaan.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "tanggal"
    assert {r[1] for r in rows[1:]} == {"Alun-alun Kota Serang", "Taman Sari"}
    everything = response.content
    assert "812" not in response.content.decode()

    # One park chosen on the page: its CSV link carries the park, and the CSV holds only it.
    page = clients["operator"].get("/wifi/penggunaan/", {"taman": taman_sari.pk, "hari": 3})
    link = re.search(r'<a href="([^"]+)" data-csv>', page.content.decode())
    assert link, "the page offers the CSV of what it shows"
    url = html_lib.unescape(link[1])
    assert url == f"/wifi/penggunaan.csv?hari=3&taman={taman_sari.pk}"
    response = clients["operator"].get(url)
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1:] and {r[1] for r in rows[1:]} == {"Taman Sari"}
    assert f"wifi-taman-{taman_sari.pk}-" in response["Content-Disposition"]
    # A taman value that is not a park id means all parks, never an error page.
    for bad in ("abc", "999999", ""):
        assert clients["operator"].get("/wifi/penggunaan/", {"taman": bad}).status_code == 200
        response = clients["operator"].get("/wifi/penggunaan.csv", {"taman": bad})
        assert response.status_code == 200 and response.content == everything


def test_retention_purges_old_raw_accounting_but_keeps_usage(ap, make_subscriber, monkeypatch):
    monkeypatch.setenv("KENDALI_WIFI_ACCOUNTING_RETENTION_DAYS", "30")
    sub = make_subscriber()
    old = _session(ap, sub, timezone.now() - timedelta(days=40), 10)
    recent = _session(ap, sub, timezone.now() - timedelta(days=3), 10)
    services.usage_rollup(timezone.localtime(old.started_at).date())
    assert services.accounting_purge() == 1
    assert list(RadiusSession.objects.all()) == [recent]
    assert DailyUsage.objects.filter(day=timezone.localtime(old.started_at).date()).exists()


def test_map_layer_and_tile(ap, actor_of):
    actor = actor_of("viewer")
    layer = selectors.hotspots_layer(actor=actor)
    assert layer["features"][0]["properties"]["label"] == "Alun-alun Kota Serang"
    tile = selectors.hotspots_online_tile(actor=actor)
    assert (tile["value"], tile["unit"]) == (0, "/ 1")


def test_park_page_shows_since_when_each_access_point_is_online_or_offline(clients, ap, system):
    went_online = timezone.make_aware(datetime(2026, 5, 4, 9, 15))  # 09:15 WIB
    with time_machine.travel(went_online, tick=False):
        services.access_point_heartbeat(actor=system, ap=ap)
    with time_machine.travel(went_online + timedelta(hours=3), tick=False):
        page = clients["viewer"].get(f"/wifi/taman/{ap.park_id}/").content.decode()
    assert re.search(r"data-status-since>daring sejak 04-05-2026 09:15 WIB \(3\xa0jam\)", page)
    went_offline = went_online + timedelta(hours=4)
    with time_machine.travel(went_offline, tick=False):
        services.access_points_sweep()
    with time_machine.travel(went_offline + timedelta(minutes=20), tick=False):
        page = clients["viewer"].get(f"/wifi/taman/{ap.park_id}/").content.decode()
    assert "luring sejak 04-05-2026 13:15 WIB" in page and "daring sejak" not in page


def test_parks_api(clients, ap):
    body = clients["operator"].get("/api/v1/wifi/parks").json()
    assert body[0]["access_points"][0]["ssid"] == "Serang-Free-WiFi"


def test_radius_config_renders_site_module_and_clients(tmp_path, ap):
    call_command(
        "radius_config", target=str(tmp_path), url="https://kendali.example", token="knd_x_y"
    )
    site = (tmp_path / "sites-available" / "kendali").read_text()
    rest = (tmp_path / "mods-available" / "rest").read_text()
    clients = (tmp_path / "clients.kendali.conf").read_text()
    assert "Authorization: Bearer knd_x_y" in site and "port = 1812" in site
    assert 'connect_uri = "https://kendali.example/api/v1/wifi/radius"' in rest
    assert f"ipaddr = {ap.nas_ip}" in clients and "rahasia-radius-uji-123" in clients
    assert not (tmp_path / "radiusd.conf").exists()


@pytest.mark.clock
def test_demo_seeder(regions_loaded, system):
    from kendali.wifi.demo import seed

    seed(actor=system)
    counts = (QuotaGroup.objects.count(), AccessPoint.objects.count(), VoucherBatch.objects.count())
    seed(actor=system)  # `make demo` again on the same database: nothing doubles, no Conflict
    assert (
        (
            QuotaGroup.objects.count(),
            AccessPoint.objects.count(),
            VoucherBatch.objects.count(),
        )
        == counts
        == (2, 7, 1)
    )
    assert Announcement.objects.count() == 1
    assert Park.objects.filter(name="Alun-alun Kota Serang").exists()
    assert AccessPoint.objects.filter(status="online").count() == AccessPoint.objects.count() - 1
    assert Subscriber.objects.exists()
    assert DailyUsage.objects.filter(day=timezone.localdate(), sessions__gt=0).exists()


def test_operator_rotates_an_access_point_secret(clients, ap):
    form = {
        "name": ap.name,
        "mac": ap.mac,
        "nas_ip": ap.nas_ip,
        "ssid": "Serang-Free-WiFi-2",
        "heartbeat_interval": "30",
        "secret": "",
    }
    assert clients["operator"].get(f"/wifi/ap/{ap.pk}/").status_code == 200
    assert clients["operator"].post(f"/wifi/ap/{ap.pk}/", form).status_code == 302
    ap.refresh_from_db()
    assert ap.ssid == "Serang-Free-WiFi-2" and ap.heartbeat_interval == 30
    assert crypto.decrypt(ap.secret_encrypted) == "rahasia-radius-uji-123"  # kept
    form["secret"] = "rahasia-baru-yang-panjang"
    clients["operator"].post(f"/wifi/ap/{ap.pk}/", form)
    ap.refresh_from_db()
    assert crypto.decrypt(ap.secret_encrypted) == "rahasia-baru-yang-panjang"


def test_parks_page_query_count_does_not_grow_with_parks(
    clients, ap, system, django_assert_max_num_queries
):
    for i in range(5):
        park = services.park_save(actor=system, name=f"Taman {i}", lat=-6.12, lon=106.15 + i / 1000)
        services.access_point_save(
            actor=system,
            park=park,
            name=f"AP {i}",
            mac=f"48:8F:5A:00:10:{i:02X}",
            nas_ip=f"10.61.0.{i + 1}",
            ssid="S",
            secret="rahasia-uji-123456",
        )
    operator = clients["operator"]  # logged in before the count (clients log in when first asked)
    with django_assert_max_num_queries(12):
        assert operator.get("/wifi/").status_code == 200
    with django_assert_max_num_queries(4):
        selectors.hotspots_layer(actor=Actor.system("t"))


def test_operator_edits_a_park_and_it_is_relocated(regions_loaded, clients, park):
    response = clients["operator"].post(
        f"/wifi/taman/{park.pk}/ubah/",
        {"name": "Taman Banten Lama", "lat": "-6.0345", "lon": "106.1585", "address": "Banten"},
    )
    assert response.status_code == 302
    park.refresh_from_db()
    assert (park.name, park.kelurahan.nama, park.kecamatan.nama) == (
        "Taman Banten Lama",
        "Banten",
        "Kasemen",
    )


def test_operator_publishes_a_portal_announcement(clients, ap):
    response = clients["operator"].post(
        "/wifi/pengumuman/", {"text": "Festival Kuliner Sabtu malam", "days": "3"}
    )
    assert response.status_code == 302
    portal = clients["anonymous"].get("/wifi/portal/", {"ap": ap.mac}).content.decode()
    assert "Festival Kuliner Sabtu malam" in portal
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        portal = clients["anonymous"].get("/wifi/portal/", {"ap": ap.mac}).content.decode()
    assert "Festival Kuliner" not in portal
