"""Wi-Fi settings, read from the environment (typed, failing loudly like kendali.conf)."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected an integer, got {raw!r}") from None


def _str(name: str, default: str) -> str:
    return os.environ.get(name, default)


# Reply attributes for the NAS: "mikrotik" (default) or "coovachilli".
def nas_vendor() -> str:
    vendor = _str("KENDALI_WIFI_NAS_VENDOR", "mikrotik").lower()
    if vendor not in ("mikrotik", "coovachilli"):
        raise ImproperlyConfigured(
            f"KENDALI_WIFI_NAS_VENDOR: must be mikrotik or coovachilli, got {vendor!r}"
        )
    return vendor


def accounting_retention_days() -> int:
    return _int("KENDALI_WIFI_ACCOUNTING_RETENTION_DAYS", 90)


def login_hosts() -> set[str]:
    """Host names of the hotspot routers' login pages the portal may post credentials to."""
    raw = _str("KENDALI_WIFI_LOGIN_HOSTS", "hotspot.local")
    return {h.strip().lower() for h in raw.split(",") if h.strip()}


def portal_url() -> str:
    """Public base URL of the portal as phones see it (RFC 8908 wants https)."""
    return _str("KENDALI_WIFI_PORTAL_URL", "")


OTP_SMS_REF = "wifi.otp:"  # outbox rows of one-time codes: ref "wifi.otp:<challenge id>"
OTP_TTL_SECONDS = 300
OTP_MAX_ATTEMPTS = 5  # wrong codes per challenge
OTP_LOCK_FAILURES = 10  # wrong codes per number within OTP_LOCK_WINDOW locks the number
OTP_LOCK_WINDOW_SECONDS = 30 * 60
OTP_PER_NUMBER_PER_HOUR = 3
OTP_PER_IP_PER_HOUR = 20
VOUCHER_FAILURES_PER_IP = 10  # wrong voucher codes per IP within VOUCHER_LOCK_WINDOW
VOUCHER_LOCK_WINDOW_SECONDS = 15 * 60
CREDENTIAL_TTL_HOURS = 24  # a portal-issued RADIUS credential lives this long
# An open session with no interim update for this long no longer counts as simultaneous.
STALE_SESSION_SECONDS = 3 * 3600
