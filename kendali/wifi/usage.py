"""Per park and day usage (WIB): unique users, sessions, traffic, peak concurrency and the
hourly profile, rolled up from raw accounting; plus the SVG chart and CSV rendering.

Unique users are counted by subscriber (a pseudonymous row keyed by the HMAC of the phone
number); no phone number ever reaches analytics."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from kendali.wifi.models import DailyUsage, Park, RadiusSession


def _bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def compute_day(park: Park, day: date, *, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    start, end = _bounds(day)
    sessions = list(
        RadiusSession.objects.filter(park=park, started_at__lt=end)
        .exclude(stopped_at__lt=start)
        .values_list(
            "subscriber_id",
            "username",
            "started_at",
            "stopped_at",
            "updated_at",
            "session_time",
            "input_octets",
            "output_octets",
        )
    )
    users, hourly, edges = set(), [0] * 24, []
    count = seconds = octets_in = octets_out = 0
    for sub, username, started, stopped, updated, session_time, i, o in sessions:
        finish = stopped or max(updated, min(now, end))
        s, f = max(started, start), min(finish, end)
        if f < s:
            continue
        if started >= start:  # traffic and sessions belong to the day they started
            count += 1
            seconds += session_time
            octets_in += i
            octets_out += o
        users.add(sub or username)
        edges.append((s, 1))
        edges.append((f, -1))
        first = int((s - start).total_seconds() // 3600)
        # A session ending exactly on the hour does not count in the next hour.
        end_seconds = (f - start).total_seconds()
        last = min(int((end_seconds - 1e-6 if f > s else end_seconds) // 3600), 23)
        for hour in range(first, last + 1):
            hourly[hour] += 1
    peak = current = 0
    # Ends sort before starts at the same instant: back-to-back sessions are not concurrent.
    for _, delta in sorted(edges, key=lambda e: (e[0], e[1])):
        current += delta
        peak = max(peak, current)
    return {
        "unique_users": len(users),
        "sessions": count,
        "session_seconds": seconds,
        "input_octets": octets_in,
        "output_octets": octets_out,
        "peak_concurrency": peak,
        "hourly_sessions": hourly,
    }


def rollup_day(day: date) -> int:
    rows = 0
    for park in Park.objects.all():
        values = compute_day(park, day)
        with transaction.atomic():
            DailyUsage.objects.update_or_create(park=park, day=day, defaults=values)
        rows += 1
    return rows


def hourly_svg(hourly: list[int], *, title: str = "") -> str:
    """A small bar chart of sessions per hour (server-rendered SVG, no JavaScript)."""
    width, height, pad = 480, 160, 24
    top = max(hourly or [0]) or 1
    bar = (width - 2 * pad) / 24
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" class="wifi-chart">',
        f"<title>{escape(title)}</title>",
    ]
    for hour, value in enumerate(hourly):
        h = (height - 2 * pad) * value / top
        x = pad + hour * bar
        y = height - pad - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" '
            f'fill="#1565c0"><title>{hour:02d}:00 — {value}</title></rect>'
        )
        if hour % 3 == 0:
            parts.append(
                f'<text x="{x:.1f}" y="{height - 6}" font-size="10" fill="#555">{hour:02d}</text>'
            )
    parts.append(f'<text x="{pad}" y="14" font-size="10" fill="#555">maks. {top}</text></svg>')
    return "".join(parts)


CSV_HEADER = [
    "tanggal",
    "taman",
    "kelurahan",
    "pengguna_unik",
    "sesi",
    "unduh_byte",
    "unggah_byte",
    "total_detik",
    "puncak_bersamaan",
]


def to_csv(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for r in rows:
        # Input octets are what the client sent (upload); output what it received.
        writer.writerow(
            [
                r.day.isoformat(),
                r.park.name,
                r.park.kelurahan.nama if r.park.kelurahan else "",
                r.unique_users,
                r.sessions,
                r.output_octets,
                r.input_octets,
                r.session_seconds,
                r.peak_concurrency,
            ]
        )
    return out.getvalue()
