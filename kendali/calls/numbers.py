"""Caller numbers as delivered by the operators: normalized to E.164 when they parse
(region Indonesia), kept raw with a flag when withheld or garbled — never rejected."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from kendali.calls.choices import NumberFlag

WITHHELD = {"", "anonymous", "unknown", "private", "withheld", "restricted", "unavailable", "-"}


@dataclass(frozen=True)
class Number:
    raw: str
    e164: str
    flag: str

    @property
    def key(self) -> str:
        """The caller-profile key: E.164, or the cleaned raw text for a garbled number."""
        if self.flag == NumberFlag.WITHHELD:
            return ""
        return self.e164 or re.sub(r"\s+", "", self.raw)[:40]


def normalize(raw: str | None) -> Number:
    text = (raw or "").strip()[:80]
    if text.lower() in WITHHELD:
        return Number(text, "", NumberFlag.WITHHELD)
    try:
        parsed = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException:
        return Number(text, "", NumberFlag.INVALID)
    if not phonenumbers.is_possible_number(parsed) or not phonenumbers.is_valid_number(parsed):
        return Number(text, "", NumberFlag.INVALID)
    return Number(text, phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), "")


def mask(number: str) -> str:
    """+6281234567890 -> +62812•••7890 (for screens and events without the full number)."""
    if not number:
        return ""
    if len(number) <= 6:
        return "•" * len(number)
    return number[:5] + "•••" + number[-4:]
