"""What every channel shares: the message, the result of one attempt, and settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from kendali import conf


@dataclass(frozen=True)
class Message:
    """A notification: a short title, a body, an optional link and machine-readable data.

    ``ref`` names what it is about (e.g. ``dispatch.assignment:12``) so replies and
    inbox acknowledgements can be traced back.
    """

    title: str
    body: str = ""
    url: str = ""
    ref: str = ""
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DeliveryResult:
    ok: bool
    detail: str = ""  # e.g. the HTTP status or the Telegram message id
    error: str = ""
    retry: bool = True  # False when trying again cannot help (bad target)


def setting(name: str, default: str = "") -> str:
    """A notifier setting: Django settings first (tests override them), then the environment
    through :mod:`kendali.conf` (so ``<NAME>_FILE`` works for the secrets)."""
    value = getattr(settings, name, None)
    if value is None:
        value = conf.env_str(name, default)
    return str(value) if value is not None else default


def timeout_seconds() -> float:
    try:
        return float(setting("KENDALI_NOTIFY_TIMEOUT", "5"))
    except ValueError:
        return 5.0


# The secrets of the channels; each may be given as <NAME>_FILE instead.
SECRETS = ("KENDALI_SMS_TOKEN", "KENDALI_TELEGRAM_BOT_TOKEN", "KENDALI_WEBHOOK_SECRET")


def validate() -> None:
    """Read every channel setting once at start-up: a malformed value (or an unreadable
    ``*_FILE``) stops the server with ImproperlyConfigured naming the variable."""
    # A cycle: sms builds on this module's Message and setting().
    from kendali.core.notifiers.sms import BACKENDS

    conf.env_float("KENDALI_NOTIFY_TIMEOUT", 5.0, minimum=0.1)
    conf.env_choice("KENDALI_SMS_BACKEND", "log", BACKENDS)
    for name in ("KENDALI_SMS_URL", "KENDALI_TELEGRAM_API_URL", "KENDALI_PUBLIC_URL"):
        conf.env_url(name, ("http", "https"))
    for name in SECRETS:
        conf.env_str(name)
    conf.env_bool("KENDALI_NOTIFIERS_INLINE", False)
