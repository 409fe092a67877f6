"""Demo: the revitalized parks of Kota Serang with their hotspots, quota groups and a week
of usage (accounting sessions spread over the afternoon and evening, busier at weekends)."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from kendali.core.actors import Actor
from kendali.wifi import services
from kendali.wifi.models import (
    AccessPoint,
    Announcement,
    Park,
    QuotaGroup,
    RadiusSession,
    Subscriber,
    VoucherBatch,
)

MB = 1024 * 1024

# (name, address, lat, lon, opens, closes, [(AP name, model, uplink)])
PARKS = [
    (
        "Alun-alun Kota Serang",
        "Jl. Alun-alun Barat, Kotabaru",
        -6.1196,
        106.1537,
        "05:00",
        "23:00",
        [
            ("Alun-alun Utara", "MikroTik hAP ax²", "FO Diskominfo 100 Mbps"),
            ("Alun-alun Selatan", "MikroTik cAP ax", "FO Diskominfo 100 Mbps"),
        ],
    ),
    (
        "Taman Sari",
        "Jl. Taman Sari, Cipare",
        -6.1230,
        106.1490,
        "06:00",
        "22:00",
        [("Taman Sari", "MikroTik hAP ax²", "FO 50 Mbps")],
    ),
    (
        "Taman Stadion Maulana Yusuf",
        "Jl. Ki Ajurum, Cimuncang",
        -6.1135,
        106.1610,
        "05:00",
        "22:00",
        [
            ("Gerbang Stadion", "MikroTik cAP ax", "FO 50 Mbps"),
            ("Jogging Track", "MikroTik cAP ax", "FO 50 Mbps"),
        ],
    ),
    (
        "Taman Kota Ciceri",
        "Jl. Jend. Sudirman, Sumurpecung",
        -6.1300,
        106.1655,
        "06:00",
        "22:00",
        [("Taman Kota", "MikroTik hAP ax²", "Radio link 30 Mbps")],
    ),
    (
        "Taman Banten Lama",
        "Kawasan Kesultanan Banten, Kel. Banten",
        -6.0345,
        106.1585,
        "07:00",
        "18:00",
        [("Alun-alun Banten Lama", "MikroTik hAP ax²", "LTE 4G")],
    ),
]


GROUPS = {
    "reguler": {
        "name": "Reguler (ponsel)",
        "daily_seconds": 2 * 3600,
        "daily_octets": 500 * MB,
        "monthly_octets": 5 * 1024 * MB,
        "simultaneous_use": 1,
        "rate_down_kbps": 5000,
        "rate_up_kbps": 1000,
        "is_default": True,
    },
    "acara": {
        "name": "Voucher acara",
        "daily_seconds": 4 * 3600,
        "daily_octets": 1024 * MB,
        "monthly_octets": 0,
        "simultaneous_use": 2,
        "rate_down_kbps": 10000,
        "rate_up_kbps": 2000,
    },
}
VOUCHER_BATCH = "Festival Keraton Surosowan"
ANNOUNCEMENT = "Car Free Day setiap Minggu pagi di Alun-alun Kota Serang, pukul 06.00–09.00 WIB."


def seed(*, actor: Actor) -> None:
    """Idempotent: `kendali demo` may run again on the same database (var/kendali.sqlite3),
    so every row is looked up by its natural key (name, MAC) and created only when missing;
    what an operator changed since is left as it is."""
    groups = {
        key: QuotaGroup.objects.filter(name__iexact=fields["name"]).first()
        or services.quota_group_save(actor=actor, **fields)
        for key, fields in GROUPS.items()
    }
    aps = []
    octet = 10
    for name, address, lat, lon, opens, closes, ap_rows in PARKS:
        park = Park.objects.filter(name__iexact=name).first() or services.park_save(
            actor=actor,
            name=name,
            address=address,
            lat=lat,
            lon=lon,
            opens_at=time.fromisoformat(opens),
            closes_at=time.fromisoformat(closes),
        )
        for i, (ap_name, model, uplink) in enumerate(ap_rows):
            octet += 1
            mac = f"48:8F:5A:{octet:02X}:00:{i + 1:02X}"
            nas_ip = f"10.60.{octet}.1"
            ap = AccessPoint.objects.filter(Q(mac=mac) | Q(nas_ip=nas_ip)).first()
            if ap is None:
                ap = services.access_point_save(
                    actor=actor,
                    park=park,
                    name=ap_name,
                    mac=mac,
                    nas_ip=nas_ip,
                    ssid="Serang-Free-WiFi",
                    secret=f"demo-radius-secret-{octet}",
                    model=model,
                    uplink=uplink,
                    heartbeat_interval=60,
                )
            aps.append(ap)
    if not VoucherBatch.objects.filter(name=VOUCHER_BATCH).exists():
        services.voucher_batch_create(
            actor=actor, name=VOUCHER_BATCH, group=groups["acara"], count=12, valid_days=30
        )
    if not Announcement.objects.filter(text=ANNOUNCEMENT).exists():
        services.announcement_create(actor=actor, text=ANNOUNCEMENT)
    _seed_usage(aps, groups["reguler"])
    today = timezone.localdate()
    for ago in range(USAGE_DAYS, 1, -1):  # the job itself rolls up yesterday and today
        services.usage_rollup(day=today - timedelta(days=ago))
    services.usage_rollup()
    now = timezone.now()
    for ap in aps:
        if ap.name != "Taman Kota":  # its radio link is down: shown offline
            services.access_point_heartbeat(actor=actor, ap=ap, at=now)
    services.access_points_sweep()


USAGE_DAYS = 7  # days of history before today: every weekday, so a Saturday and a Sunday


def _seed_usage(aps, group) -> None:
    """Sessions from 120 pseudonymous phone subscribers over the past week and today (WIB,
    the parks' day from 06:00, busiest in the afternoon, half as busy again on Saturdays and
    Sundays) plus a few night owls in the last two hours, so the demo's Wi-Fi is never empty,
    whatever the hour it is started at."""
    rnd = random.Random(8)
    today = timezone.localdate()
    now = timezone.now()
    subscribers = []
    for n in range(120):
        sub, _ = Subscriber.objects.get_or_create(
            username=f"pdemo{n:04d}",
            defaults={"kind": "phone", "group": group, "phone_digest": f"demo{n:060d}"},
        )
        subscribers.append(sub)
    starts = []
    for ago in range(USAGE_DAYS, -1, -1):
        day = today - timedelta(days=ago)
        start_of_day = timezone.make_aware(datetime.combine(day, time(6)))
        for n in range(390 if day.isoweekday() >= 6 else 260):
            started = start_of_day + timedelta(minutes=rnd.triangular(0, 16 * 60, 11 * 60))
            starts.append((f"demo-{day.isoformat()}-{n}", started))
    midnight = timezone.make_aware(datetime.combine(today, time(0)))
    night_from = max(midnight, now - timedelta(hours=2))
    for n in range(12):
        started = night_from + (now - night_from) * rnd.random()
        starts.append((f"demo-{today.isoformat()}-night-{n}", started))
    sessions = []
    for n, (unique_id, started) in enumerate(starts):
        ap = rnd.choice(aps)
        if started > now:
            continue
        length = int(rnd.expovariate(1 / 1800)) + 60
        stopped = started + timedelta(seconds=length)
        is_open = stopped > now
        sub = rnd.choice(subscribers)
        sessions.append(
            RadiusSession(
                unique_id=unique_id,
                session_id=f"{n:08X}",
                subscriber=sub,
                username=sub.username,
                access_point=ap,
                park_id=ap.park_id,
                nas_ip=ap.nas_ip,
                started_at=started,
                updated_at=min(stopped, now),
                stopped_at=None if is_open else stopped,
                session_time=int((min(stopped, now) - started).total_seconds()),
                input_octets=rnd.randint(1, 30) * MB // 4,
                output_octets=rnd.randint(5, 200) * MB // 2,
                terminate_cause="" if is_open else "User-Request",
            )
        )
    RadiusSession.objects.bulk_create(sessions, ignore_conflicts=True)
