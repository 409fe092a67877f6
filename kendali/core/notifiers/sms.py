"""SMS to an E.164 number through the configured gateway.

``KENDALI_SMS_BACKEND`` picks how the text leaves:

* ``log`` (default): written to the application log with the number masked, and kept in
  :data:`recent` (the demo and the tests read one-time codes from there);
* ``console``: printed on standard output (development);
* ``http``: ``POST`` JSON ``{"to", "message"}`` to ``KENDALI_SMS_URL`` with
  ``Authorization: Bearer KENDALI_SMS_TOKEN``; any 2xx is success.

The text is the title and the body, one per line. Failures the gateway may recover from
(unreachable, 5xx, 408/429, an exhausted balance 402, a bad token 401/403 an operator will fix)
are retried from the outbox; a number the gateway rejects (400/404/422) is not.
"""

from __future__ import annotations

import logging
import re
import sys

import httpx

from kendali.core.notifiers.base import DeliveryResult, Message, setting, timeout_seconds

logger = logging.getLogger("kendali.sms")

BACKENDS = ("log", "console", "http")
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
recent: list[tuple[str, str]] = []  # (number, text) of the last messages the log backend took
_NOT_RETRIED = {400, 404, 422}


def text_of(message: Message) -> str:
    return "\n".join(part for part in (message.title, message.body) if part).strip()


def masked(number: str) -> str:
    return number[:-4] + "****" if len(number) > 6 else "****"


def send(*, target: str, message: Message) -> DeliveryResult:
    number = target.strip()
    if not E164.match(number):
        return DeliveryResult(False, error=f"bad E.164 number {masked(number)!r}", retry=False)
    text = text_of(message)
    backend = setting("KENDALI_SMS_BACKEND", "log").lower() or "log"
    if backend == "log":
        logger.warning("SMS ke %s: %s", masked(number), text)
        recent.append((number, text))
        del recent[:-50]
        return DeliveryResult(True, detail="log")
    if backend == "console":
        print(f"[SMS {number}] {text}", file=sys.stdout, flush=True)
        return DeliveryResult(True, detail="console")
    if backend == "http":
        return _send_http(number, text)
    return DeliveryResult(False, error=f"KENDALI_SMS_BACKEND: unknown backend {backend!r}")


def _send_http(number: str, text: str) -> DeliveryResult:
    url = setting("KENDALI_SMS_URL")
    if not url:
        return DeliveryResult(False, error="KENDALI_SMS_URL is not set")
    token = setting("KENDALI_SMS_TOKEN")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        response = httpx.post(
            url, json={"to": number, "message": text}, headers=headers, timeout=timeout_seconds()
        )
    except httpx.HTTPError as exc:
        return DeliveryResult(False, error=f"SMS gateway unreachable: {type(exc).__name__}")
    if 200 <= response.status_code < 300:
        return DeliveryResult(True, detail=f"HTTP {response.status_code}")
    # The status and the start of the gateway's explanation; never the text, which may hold a
    # one-time code.
    return DeliveryResult(
        False,
        error=f"SMS gateway answered {response.status_code}: {response.text[:200]}",
        retry=response.status_code not in _NOT_RETRIED,
    )
