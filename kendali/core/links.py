"""Absolute links for what leaves Kendali (e-mail, Telegram, webhooks).

Pages and the in-app inbox use paths (``/dispatch/kotak-masuk/``); a message read in a mail
client or on a phone needs the address people reach Kendali at. ``KENDALI_PUBLIC_URL`` (e.g.
``https://kendali.serangkota.go.id``, with a path prefix if Kendali lives under one) is read
from Django settings first, then the environment, like the notifier settings.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from kendali.core.notifiers.base import setting

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"


def public_base_url() -> str:
    """The configured public address without a trailing slash."""
    return (setting("KENDALI_PUBLIC_URL").strip() or DEFAULT_PUBLIC_URL).rstrip("/")


def absolute_url(link: str) -> str:
    """``link`` as an absolute URL: paths are joined to :func:`public_base_url`; links that
    already name a scheme and host are returned unchanged; "" stays ""."""
    link = (link or "").strip()
    if not link:
        return ""
    parts = urlsplit(link)
    if parts.scheme and (parts.netloc or parts.scheme in ("mailto", "tel")):
        return link
    return f"{public_base_url()}/{link.lstrip('/')}"
