"""Logging filters on every Kendali log handler.

- ``RedactSecrets``: no credential ever reaches a log line — machine tokens (``knd_…``),
  the value of any ``Authorization`` header / Bearer/Basic/Token credential, session ids and
  passwords in a message or its arguments are replaced by ``[disembunyikan]``.
- ``ClientErrorsBrief``: a 4xx answered to a client (a page 403, a 404) is one warning line,
  never a full traceback; server errors keep theirs.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[disembunyikan]"
_PATTERNS = [
    # A machine token anywhere: its public prefix (knd_<8 hex>, shown in the token list)
    # stays readable, the secret after it never.
    re.compile(r"(knd_[0-9a-f]{8})(_)[A-Za-z0-9_\-]+"),
    re.compile(r"knd_(?![0-9a-f]{8}(?![A-Za-z0-9_\-]))[A-Za-z0-9_\-]+"),
    # The whole value of an Authorization header, whatever its scheme.
    re.compile(r"(?i)(authorization)(['\"]?\s*[:=]\s*['\"]?)[^'\"\n]+"),
    # "<scheme> <credential>" as in a header value (the credential at least 12 characters,
    # so that "token dicabut" stays readable).
    re.compile(
        r"(?i)\b(bearer|basic|token|digest|apikey|api-key)(\s+|=)(?!knd_)[A-Za-z0-9._~+/=\-]{12,}"
    ),
    # key=value pairs of secrets.
    re.compile(
        r"(?i)(sessionid|csrftoken|password|passwd|secret)(['\"]?\s*[:=]\s*['\"]?)[^\s'\",;&]+"
    ),
]


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        if pattern.groups >= 2:
            text = pattern.sub(lambda m: m.group(1) + m.group(2) + REDACTED, text)
        else:
            text = pattern.sub(REDACTED, text)
    return text


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string is logged as it is
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact(text)
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class ClientErrorsBrief(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
