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
