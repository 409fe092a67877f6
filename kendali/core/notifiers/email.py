"""E-mail through Django's configured backend (SMTP in production, locmem in tests)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email

from kendali.core.links import absolute_url
from kendali.core.notifiers.base import DeliveryResult, Message


def send(*, target: str, message: Message) -> DeliveryResult:
    try:
        validate_email(target)
    except ValidationError:
        return DeliveryResult(False, error=f"bad e-mail address {target!r}", retry=False)
    body = message.body
    url = absolute_url(message.url)  # read in a mail client: a path alone leads nowhere
    if url:
        body = f"{body}\n\n{url}" if body else url
    try:
        count = send_mail(
            subject=f"[Kendali] {message.title}",
            message=body,
            from_email=getattr(settings, "DEFAULT_FROM_EMAIL", None),
            recipient_list=[target],
            fail_silently=False,
        )
    except Exception as exc:  # noqa: BLE001 - any backend failure is recorded and retried
        return DeliveryResult(False, error=f"{type(exc).__name__}: {exc}")
    if count != 1:
        return DeliveryResult(False, error="e-mail backend accepted no message")
    return DeliveryResult(True, detail="accepted")
