"""Small shared measures: the great-circle distance and the MAC address spelling."""

from __future__ import annotations

import math
import re

EARTH_RADIUS_M = 6371008.8  # mean Earth radius (IUGG)
_NOT_HEX = re.compile(r"[^0-9A-Fa-f]")


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in metres between two WGS84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def normalize_mac(value: str | None) -> str | None:
    """``AA:BB:CC:DD:EE:FF`` from any common spelling (dashes, dots, no separator, lower
    case); None when it is not 12 hex digits."""
    digits = _NOT_HEX.sub("", value or "").upper()
    if len(digits) != 12:
        return None
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))
