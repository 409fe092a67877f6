"""Machine tokens: ``knd_<prefix>_<secret>``; only a SHA-256 digest is stored.

A token is a high-entropy random secret, so a fast digest is the right tool
(no slow password hash on hot paths such as telephony events or sensor batches).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.utils import timezone

from kendali.core.models import MachineToken

TOKEN_PREFIX = "knd_"


def generate() -> tuple[str, str, str]:
    """Return (plain token, prefix, digest)."""
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    plain = f"{TOKEN_PREFIX}{prefix}_{secret}"
    return plain, prefix, digest(plain)


def digest(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def lookup(plain: str, *, ip: str | None = None):
    """The active token for this secret, or None. Records last use (at most once a minute)."""
    if not plain or not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    wanted = digest(plain)
    token = MachineToken.objects.filter(digest=wanted, revoked_at__isnull=True).first()
    if token is None or not hmac.compare_digest(token.digest, wanted):
        return None
    if token.allowed_ips and ip not in token.allowed_ips:
        return None
    now = timezone.now()
    if (
        token.last_used_at is None
        or (now - token.last_used_at).total_seconds() > 60
        or (ip and token.last_used_ip != ip)
    ):
        MachineToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip)
        token.last_used_at, token.last_used_ip = now, ip
    return token


def bearer(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()
