"""Quota counters: what a subscriber used today and this month, what is left, and the
reply attributes that tell the NAS to enforce it. Days and months are WIB (local time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.wifi import conf

GIGAWORD = 1 << 32


@dataclass(frozen=True)
class Usage:
    day_seconds: int
    day_octets: int
    month_octets: int
    open_sessions: int


def _day_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


# Hand-written SQL on the RADIUS path: the ORM spends milliseconds compiling a filtered
# aggregate, more than the database needs to answer it (index wifi_sess_sub_start).
USAGE_SQL = """
SELECT
  COALESCE(SUM(CASE WHEN started_at >= %s THEN session_time ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN started_at >= %s THEN input_octets + output_octets ELSE 0 END), 0),
  COALESCE(SUM(input_octets + output_octets), 0),
  COALESCE(SUM(CASE WHEN stopped_at IS NULL AND updated_at >= %s THEN 1 ELSE 0 END), 0)
FROM wifi_radiussession
WHERE subscriber_id = %s AND started_at >= %s
"""


def usage_of(subscriber, *, now: datetime | None = None) -> Usage:
    """One indexed aggregate over the subscriber's sessions since the start of the month."""
    now = now or timezone.now()
    day = _day_start(now)
    month = day.replace(day=1)
    stale = now - timedelta(seconds=conf.STALE_SESSION_SECONDS)
    subscriber_id = getattr(subscriber, "pk", subscriber)
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            USAGE_SQL, [adapt(day), adapt(day), adapt(stale), subscriber_id, adapt(month)]
        )
        day_seconds, day_octets, month_octets, open_sessions = cursor.fetchone()
    return Usage(
        day_seconds=int(day_seconds),
        day_octets=int(day_octets),
        month_octets=int(month_octets),
        open_sessions=int(open_sessions),
    )


def remaining(group, usage: Usage) -> tuple[int | None, int | None]:
    """(seconds left today, bytes left) — None when the group has no such limit."""
    seconds = max(group.daily_seconds - usage.day_seconds, 0) if group.daily_seconds else None
    left = []
    if group.daily_octets:
        left.append(max(group.daily_octets - usage.day_octets, 0))
    if group.monthly_octets:
        left.append(max(group.monthly_octets - usage.month_octets, 0))
    return seconds, (min(left) if left else None)


def check(group, usage: Usage) -> str:
    """Empty when the subscriber may connect, otherwise the Reply-Message for the portal."""
    seconds, octets = remaining(group, usage)
    if seconds == 0:
        return _("Kuota waktu harian Anda habis. Silakan kembali besok.")
    if octets == 0:
        if group.monthly_octets and usage.month_octets >= group.monthly_octets:
            return _("Kuota data bulanan Anda habis.")
        return _("Kuota data harian Anda habis. Silakan kembali besok.")
    if usage.open_sessions >= group.simultaneous_use:
        return _("Anda sudah tersambung di perangkat lain (batas %(n)d perangkat).") % {
            "n": group.simultaneous_use
        }
    return ""


def reply_attributes(group, usage: Usage, vendor: str | None = None) -> dict:
    """RADIUS reply attributes for the configured NAS vendor (MikroTik or CoovaChilli)."""
    vendor = vendor or conf.nas_vendor()
    seconds, octets = remaining(group, usage)
    reply: dict = {"Acct-Interim-Interval": 300}
    if seconds is not None:
        reply["Session-Timeout"] = seconds
    if vendor == "mikrotik":
        if octets is not None:
            reply["Mikrotik-Total-Limit"] = octets % GIGAWORD
            if octets >= GIGAWORD:
                reply["Mikrotik-Total-Limit-Gigawords"] = octets // GIGAWORD
        if group.rate_down_kbps or group.rate_up_kbps:
            # rx/tx as seen by the router: rx = the client's upload, tx = its download.
            up = f"{group.rate_up_kbps}k" if group.rate_up_kbps else "0"
            down = f"{group.rate_down_kbps}k" if group.rate_down_kbps else "0"
            reply["Mikrotik-Rate-Limit"] = f"{up}/{down}"
    else:
        if octets is not None:
            reply["ChilliSpot-Max-Total-Octets"] = min(octets, GIGAWORD - 1)
        if group.rate_down_kbps:
            reply["WISPr-Bandwidth-Max-Down"] = group.rate_down_kbps * 1000
        if group.rate_up_kbps:
            reply["WISPr-Bandwidth-Max-Up"] = group.rate_up_kbps * 1000
    return reply
