"""Wi-Fi settings: readers over :mod:`kendali.conf` (typed, failing loudly, ``*_FILE`` for
secrets), read when used so a test can change them; :func:`validate` reads each once at
start-up so a malformed value stops the server with the variable's name."""

from __future__ import annotations

from kendali import conf


# Reply attributes for the NAS: "mikrotik" (default) or "coovachilli".
def nas_vendor() -> str:
    return conf.env_choice("KENDALI_WIFI_NAS_VENDOR", "mikrotik", ("mikrotik", "coovachilli"))


def accounting_retention_days() -> int:
    return conf.env_int("KENDALI_WIFI_ACCOUNTING_RETENTION_DAYS", 90, minimum=1)


def login_hosts() -> set[str]:
    """Host names of the hotspot routers' login pages the portal may post credentials to."""
    return {h.lower() for h in conf.env_list("KENDALI_WIFI_LOGIN_HOSTS", ["hotspot.local"])}


def portal_url() -> str:
    """Public base URL of the portal as phones see it (RFC 8908 wants https)."""
    return conf.env_url("KENDALI_WIFI_PORTAL_URL", ("https", "http")) or ""


def freeradius_templates() -> str:
    """Where FreeRADIUS keeps its stock configuration (radius_config renders from it)."""
    return conf.env_str("KENDALI_FREERADIUS_TEMPLATES", "/nonexistent") or "/nonexistent"


def radius_token() -> str:
    """The API token FreeRADIUS presents (``KENDALI_RADIUS_TOKEN`` or ``_FILE``)."""
    return conf.env_str("KENDALI_RADIUS_TOKEN", "") or ""


def validate() -> None:
    nas_vendor()
    accounting_retention_days()
    login_hosts()
    portal_url()
    radius_token()


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
