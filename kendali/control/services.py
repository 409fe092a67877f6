"""Writes of the control room: only the wall messages."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.control.apps import POST_MESSAGE, VIEW
from kendali.control.choices import MessageLevel
from kendali.control.models import WallMessage
from kendali.core.actors import Actor
from kendali.core.audit import audit_record
from kendali.core.errors import Invalid, NotAllowed
from kendali.core.events import ALL_AGENCIES, publish

MAX_MINUTES = 24 * 60


def message_data(message: WallMessage) -> dict:
    return {
        "id": message.pk,
        "text": message.text,
        "level": message.level,
        "by": message.created_by_label,
        "created_at": message.created_at.isoformat(),
        "expires_at": message.expires_at.isoformat(),
    }


@transaction.atomic
def wall_message_post(
    *, actor: Actor, text: str, level: str = MessageLevel.INFO, minutes: int = 60
) -> WallMessage:
    """Put a message on the wall for ``minutes``; every wall shows it at once."""
    if not actor.has_perm(POST_MESSAGE):
        raise NotAllowed(_("Peran Anda tidak berhak memasang pesan di dinding."))
    text = (text or "").strip()
    errors = []
    if not text:
        errors.append({"field": "text", "message": _("Pesan tidak boleh kosong.")})
    elif len(text) > 200:
        errors.append({"field": "text", "message": _("Pesan paling panjang 200 karakter.")})
    if level not in MessageLevel.values:
        errors.append({"field": "level", "message": _("Tingkat pesan tidak dikenal.")})
    if not isinstance(minutes, int) or not 1 <= minutes <= MAX_MINUTES:
        errors.append({"field": "minutes", "message": _("Durasi harus 1 sampai 1440 menit.")})
    if errors:
        raise Invalid(_("Pesan tidak valid."), errors=errors)
    now = timezone.now()
    message = WallMessage.objects.create(
        text=text,
        level=level,
        created_by=actor.user,
        created_by_label=actor.label[:200],
        created_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )
    audit_record(
        actor=actor,
        action="control.message.post",
        obj=message,
        changes={"text": [None, text], "level": [None, level], "minutes": [None, minutes]},
    )
    publish("control.message.posted", message_data(message), perm=VIEW, agency_ids=[ALL_AGENCIES])
    return message
