"""Telegram Bot API ``sendMessage`` to a chat id.

``KENDALI_TELEGRAM_BOT_TOKEN`` is the bot's token; ``KENDALI_TELEGRAM_API_URL``
(default https://api.telegram.org) lets tests and air-gapped sites point at a relay.
"""

from __future__ import annotations

import httpx

from kendali.core.links import absolute_url
from kendali.core.notifiers.base import DeliveryResult, Message, setting, timeout_seconds


def send(*, target: str, message: Message) -> DeliveryResult:
    token = setting("KENDALI_TELEGRAM_BOT_TOKEN")
    if not token:
        return DeliveryResult(False, error="KENDALI_TELEGRAM_BOT_TOKEN is not set")
    chat = target.strip()
    if not chat or not (chat.lstrip("-").isdigit() or chat.startswith("@")):
        return DeliveryResult(False, error=f"bad Telegram chat id {target!r}", retry=False)
    base = setting("KENDALI_TELEGRAM_API_URL", "https://api.telegram.org").rstrip("/")
    text = f"{message.title}\n{message.body}".strip()
    if message.url:
        text = f"{text}\n{absolute_url(message.url)}"
    try:
        response = httpx.post(
            f"{base}/bot{token}/sendMessage",
            json={"chat_id": chat, "text": text[:4096], "disable_web_page_preview": True},
            timeout=timeout_seconds(),
        )
    except httpx.HTTPError as exc:
        # The token is part of the URL: never record the exception text with it.
        return DeliveryResult(False, error=type(exc).__name__)
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if response.status_code == 200 and answer.get("ok"):
        message_id = (answer.get("result") or {}).get("message_id", "")
        return DeliveryResult(True, detail=f"message_id {message_id}")
    description = str(answer.get("description", ""))[:200]
    retry = response.status_code >= 500 or response.status_code == 429
    return DeliveryResult(False, error=f"HTTP {response.status_code} {description}", retry=retry)
