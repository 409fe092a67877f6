"""Webhook: POST the message as JSON, signed with HMAC-SHA256.

Headers: ``X-Kendali-Timestamp`` (unix seconds) and ``X-Kendali-Signature:
sha256=<hex>`` over ``"<timestamp>.<body>"`` with the shared secret
``KENDALI_WEBHOOK_SECRET``; the receiver recomputes it and rejects old timestamps.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from kendali.core.links import absolute_url
from kendali.core.notifiers.base import DeliveryResult, Message, setting, timeout_seconds


def secret() -> bytes:
    value = setting("KENDALI_WEBHOOK_SECRET")
    if not value:
        # Derived, so a deployment without an explicit secret still signs consistently.
        value = hmac.new(settings.SECRET_KEY.encode(), b"kendali-webhook", "sha256").hexdigest()
    return value.encode()


def sign(body: bytes, timestamp: str) -> str:
    mac = hmac.new(secret(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def payload(message: Message) -> dict:
    return {
        "title": message.title,
        "body": message.body,
        "url": absolute_url(message.url),
        "ref": message.ref,
        "data": message.data,
    }


def send(*, target: str, message: Message) -> DeliveryResult:
    parts = urlsplit(target)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return DeliveryResult(False, error=f"bad webhook URL {target!r}", retry=False)
    body = json.dumps(payload(message), ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Kendali-Notifier/1",
        "X-Kendali-Timestamp": timestamp,
        "X-Kendali-Signature": sign(body, timestamp),
    }
    try:
        response = httpx.post(target, content=body, headers=headers, timeout=timeout_seconds())
    except httpx.HTTPError as exc:
        return DeliveryResult(False, error=f"{type(exc).__name__}: {exc}")
    if 200 <= response.status_code < 300:
        return DeliveryResult(True, detail=f"HTTP {response.status_code}")
    # 4xx other than 408/429 will not get better by retrying.
    retry = response.status_code >= 500 or response.status_code in (408, 429)
    return DeliveryResult(False, error=f"HTTP {response.status_code}", retry=retry)
