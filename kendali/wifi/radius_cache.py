"""The RADIUS path looks up the NAS by its address on every request; this keeps the
(small, rarely changing) table in memory for a few seconds per process."""

from __future__ import annotations

import time

from kendali.wifi.models import AccessPoint

_TTL = 10.0
_cache: dict[str, tuple[float, object]] = {}


def access_point_for(ip: str):
    now = time.monotonic()
    hit = _cache.get(ip)
    if hit and hit[0] > now:
        return hit[1]
    ap = AccessPoint.objects.filter(nas_ip=ip).first() if ip else None
    _cache[ip] = (now + _TTL, ap)
    return ap


def clear() -> None:
    _cache.clear()
