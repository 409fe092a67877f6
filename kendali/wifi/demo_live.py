"""The live demo's park Wi-Fi: hotspots stay alive and people come and go.

Registered as a demo tick (:mod:`kendali.core.demo_live`). Every step goes through the same
services as the real access points and FreeRADIUS use: a heartbeat per access point
(:func:`services.access_point_heartbeat`, as ``/api/v1/wifi/heartbeat`` does), and accounting
packets (:func:`services.radius_accounting`: Start, Interim-Update every minute, Stop) for the
demo's own pseudonymous subscribers (``pdemo…``), so the park pages show hotspots online and
usage growing. The "Taman Kota" access point stays down, as the demo data has it.

Stateless like the 112 tick: one session starts every ``SLOT_SECONDS`` with a length and volume
derived from its slot number, so a restart neither doubles nor loses a session.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from kendali.core.demo_live import simulator_actor
from kendali.wifi import services
from kendali.wifi.models import AccessPoint, RadiusSession, Subscriber

SLOT_SECONDS = 45
LOOKBACK_SLOTS = 40  # sessions last at most LOOKBACK_SLOTS × SLOT_SECONDS
INTERIM_SECONDS = 60
DOWN_AP = "Taman Kota"
MB = 1024 * 1024


def _slot_start(k: int) -> datetime:
    return datetime.fromtimestamp(k * SLOT_SECONDS, tz=UTC)


def _plan(k: int, n_aps: int) -> dict:
    rnd = random.Random(f"wifi-demo-{k}")
    length = rnd.randint(4 * 60, LOOKBACK_SLOTS * SLOT_SECONDS - 60)
    return {
        "session_id": f"DL{k:010X}",
        "ap_index": rnd.randrange(n_aps),
        "subscriber": f"pdemo{rnd.randrange(120):04d}",
        "start": _slot_start(k),
        "length": length,
        "down_rate": rnd.randint(20, 400) * 1024,  # bytes per second
        "up_rate": rnd.randint(5, 60) * 1024,
    }


def demo_tick(*, now: datetime | None = None) -> None:
    now = now or timezone.now()
    actor = simulator_actor("wifi")
    aps = list(AccessPoint.objects.exclude(name=DOWN_AP).order_by("pk"))
    if not aps:
        return
    for ap in aps:
        if ap.last_seen_at is None or now - ap.last_seen_at >= timedelta(seconds=30):
            services.access_point_heartbeat(actor=actor, ap=ap, at=now)
    known = set(
        Subscriber.objects.filter(username__startswith="pdemo").values_list("username", flat=True)
    )
    if not known:
        return
    k_now = int(now.timestamp() // SLOT_SECONDS)
    plans = [_plan(k, len(aps)) for k in range(k_now - LOOKBACK_SLOTS, k_now + 1)]
    plans = [p for p in plans if p["start"] <= now and p["subscriber"] in known]
    existing = {
        s.session_id: s
        for s in RadiusSession.objects.filter(session_id__in=[p["session_id"] for p in plans])
    }
    for plan in plans:
        session = existing.get(plan["session_id"])
        if session is not None and session.stopped_at is not None:
            continue
        end = plan["start"] + timedelta(seconds=plan["length"])
        if session is None and end <= now:
            continue  # before this demo ran: not replayed
        if session is None:
            status = "Start"
        elif end <= now:
            status = "Stop"
        elif (now - session.updated_at).total_seconds() >= INTERIM_SECONDS:
            status = "Interim-Update"
        else:
            continue
        elapsed = int((min(now, end) - plan["start"]).total_seconds())
        ap = aps[plan["ap_index"]]
        attrs = {
            "Acct-Status-Type": status,
            "Acct-Session-Id": plan["session_id"],
            "User-Name": plan["subscriber"],
            "Acct-Session-Time": elapsed,
            "Acct-Input-Octets": (elapsed * plan["up_rate"]) % (1 << 32),
            "Acct-Input-Gigawords": (elapsed * plan["up_rate"]) >> 32,
            "Acct-Output-Octets": (elapsed * plan["down_rate"]) % (1 << 32),
            "Acct-Output-Gigawords": (elapsed * plan["down_rate"]) >> 32,
            "Calling-Station-Id": f"02-00-00-{plan['ap_index']:02X}-{int(plan['session_id'][2:], 16) % 256:02X}-01",
        }
        if status == "Stop":
            attrs["Acct-Terminate-Cause"] = "User-Request"
        services.radius_accounting(actor=actor, ap=ap, attrs=attrs)
