"""Writes of the control room: the wall messages and the wall screens' registry and presence."""

from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.control.apps import MANAGE_DISPLAY, POST_MESSAGE, VIEW
from kendali.control.choices import MessageLevel
from kendali.control.models import WallDisplay, WallMessage
from kendali.core.actors import Actor
from kendali.core.audit import audit_record
from kendali.core.errors import Conflict, Invalid, NotAllowed, NotFound
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


# --------------------------------------------------------------------------- wall screens

DISPLAY_CODE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
# A screen's presence is written at most once per this interval: the wall reports once a
# minute, and every process keeps the time it last wrote each screen.
SEEN_EVERY = timedelta(seconds=60)
_seen_written: dict[str, datetime] = {}
_seen_lock = threading.Lock()


def display_data(display: WallDisplay, *, now: datetime | None = None) -> dict:
    return {
        "code": display.code,
        "name": display.name,
        "last_seen": display.last_seen_at,
        "online": display_online(display, now=now),
    }


def display_online(display: WallDisplay, *, now: datetime | None = None) -> bool | None:
    """None: never seen; False: silent for ``KENDALI_WALL_OFFLINE_MINUTES``."""
    if display.last_seen_at is None:
        return None
    now = now or timezone.now()
    return now - display.last_seen_at <= timedelta(minutes=settings.WALL_OFFLINE_MINUTES)


@transaction.atomic
def wall_display_register(*, actor: Actor, code: str, name: str) -> WallDisplay:
    """Name a wall screen; its page is then opened with ``?layar=<code>``."""
    if not actor.has_perm(MANAGE_DISPLAY):
        raise NotAllowed(_("Peran Anda tidak berhak mendaftarkan layar dinding."))
    code, name = (code or "").strip(), (name or "").strip()
    errors = []
    if not DISPLAY_CODE.match(code):
        errors.append(
            {
                "field": "code",
                "message": _(
                    "Kode layar 1–40 karakter: huruf kecil, angka, dan tanda minus di tengah."
                ),
            }
        )
    if not name:
        errors.append({"field": "name", "message": _("Nama layar wajib diisi.")})
    elif len(name) > 100:
        errors.append({"field": "name", "message": _("Nama layar paling panjang 100 karakter.")})
    if errors:
        raise Invalid(_("Layar tidak valid."), errors=errors)
    try:
        with transaction.atomic():
            display = WallDisplay.objects.create(code=code, name=name)
    except IntegrityError as exc:
        raise Conflict(_("Kode layar itu sudah terdaftar.")) from exc
    audit_record(
        actor=actor,
        action="control.display.register",
        obj=display,
        changes={"code": [None, code], "name": [None, name]},
    )
    return display


def wall_display_seen(*, actor: Actor, code: str, now: datetime | None = None) -> bool:
    """The wall page of screen ``code`` is up with its stream connected. Returns whether
    the time was written. Not audited: a screen's presence, like a sensor reading, is its
    own record."""
    if not actor.has_perm(VIEW):
        raise NotAllowed(_("Peran Anda tidak berhak melihat ruang kendali."))
    now = now or timezone.now()
    with _seen_lock:
        last = _seen_written.get(code)
        if last is not None and timedelta(0) <= now - last < SEEN_EVERY:
            return False
    # Conditional UPDATE: several processes (or tabs) reporting the same screen write it
    # once a minute between them, not once each.
    written = (
        WallDisplay.objects.filter(code=code)
        .filter(Q(last_seen_at__isnull=True) | Q(last_seen_at__lte=now - SEEN_EVERY))
        .update(last_seen_at=now)
    )
    if not written and not WallDisplay.objects.filter(code=code).exists():
        raise NotFound(_("Layar dinding %(code)s belum terdaftar.") % {"code": code[:40]})
    with _seen_lock:
        _seen_written[code] = now
    return bool(written)
