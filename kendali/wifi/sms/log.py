"""Writes the SMS to the application log (default; the demo reads codes from here)."""

from __future__ import annotations

import logging

logger = logging.getLogger("kendali.wifi.sms")
outbox: list[tuple[str, str]] = []  # the last messages, for tests and the demo


class LogBackend:
    def send(self, *, to: str, message: str) -> None:
        masked = to[:-4] + "****" if len(to) > 6 else "****"
        logger.warning("SMS ke %s: %s", masked, message)
        outbox.append((to, message))
        del outbox[:-50]
