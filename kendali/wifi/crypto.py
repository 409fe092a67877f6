"""Secrets for the Wi-Fi module.

* NAS shared secrets are encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256). The
  Fernet key is derived from Django's SECRET_KEY with HKDF-SHA256 (info
  ``kendali.wifi.nas-secret``), so rotating SECRET_KEY requires re-entering the secrets.
* Credentials the NAS sends (portal-issued secrets), voucher codes, OTP codes and phone
  numbers are stored only as keyed digests: HMAC-SHA256 with a key derived the same way
  under another label, compared in constant time. They are high-entropy (or short-lived
  and attempt-limited), so a fast keyed digest is the right tool and no slow password
  hash sits on the RADIUS path.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

# Crockford base32 without I, L, O, U: readable on a printed voucher.
VOUCHER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
VOUCHER_LENGTH = 16  # 16 × 5 bits = 80 bits of entropy


@lru_cache(maxsize=8)
def _derive(label: str, secret_key: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"kendali-wifi", info=label.encode()
    ).derive(secret_key.encode())


def _fernet() -> Fernet:
    key = _derive("kendali.wifi.nas-secret", settings.SECRET_KEY)
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("cannot decrypt: SECRET_KEY changed or value tampered") from exc


def keyed_digest(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of ``value`` under a key derived for ``purpose``."""
    key = _derive(f"kendali.wifi.{purpose}", settings.SECRET_KEY)
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def new_credential() -> str:
    """A RADIUS password issued by the portal: 128 bits, URL- and router-safe."""
    return secrets.token_hex(16)


def new_voucher_code() -> str:
    return "".join(secrets.choice(VOUCHER_ALPHABET) for _ in range(VOUCHER_LENGTH))


def normalize_voucher(code: str) -> str:
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    # Crockford decoding of look-alikes.
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def format_voucher(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def new_otp() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"
