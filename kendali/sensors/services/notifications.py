"""Who hears about an alarm, and on which channel."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.audit import audit_record
from kendali.core.errors import Invalid, NotAllowed
from kendali.core.notifiers import Message, notify
from kendali.core.scope import may_see_agency
from kendali.sensors.choices import (
    LEVEL_ORDER,
    DeviceKind,
    Level,
)
from kendali.sensors.models import (
    Alarm,
    AlarmSubscription,
)


@transaction.atomic
def subscription_save(
    *,
    actor: Actor,
    min_level: str,
    kinds: list[str] | None = None,
    only_my_agency: bool = False,
    in_app: bool = True,
    email: bool = False,
    webhook_url: str = "",
    telegram_chat: str = "",
) -> AlarmSubscription:
    if actor.user is None or not actor.has_perm("sensors.view_alarm"):
        raise NotAllowed(_("Peran Anda tidak menerima alarm sensor."))
    if min_level not in Level.values or min_level == Level.NORMAL:
        raise Invalid(_("Tingkat minimum tidak dikenal."))
    webhook_url = (webhook_url or "").strip()
    if webhook_url and not webhook_url.startswith(("https://", "http://")):
        raise Invalid(_("Alamat webhook harus http(s)."), errors={"webhook_url": [webhook_url]})
    kinds = [k for k in (kinds or []) if k in DeviceKind.values]
    sub, _created = AlarmSubscription.objects.update_or_create(
        user=actor.user,
        defaults={
            "min_level": min_level,
            "kinds": kinds,
            "only_my_agency": only_my_agency,
            "in_app": in_app,
            "email": email,
            "webhook_url": webhook_url,
            "telegram_chat": (telegram_chat or "").strip(),
        },
    )
    audit_record(
        actor=actor,
        action="sensors.subscription.save",
        obj=sub,
        changes={"min_level": [None, min_level], "kinds": [None, kinds]},
    )
    return sub


def _notify(alarm: Alarm) -> None:
    """Send the alarm to every user whose subscription matches, on the channels they chose
    (core notifiers: written to the outbox now, sent after commit)."""
    device = alarm.device
    message = Message(
        title=alarm.message[:200],
        body=f"{device.name} ({device.code}) — {alarm.get_level_display()}",
        url=reverse("sensors:alarm", args=[alarm.pk]),
        ref=f"sensors.alarm:{alarm.pk}",
        data={"alarm": alarm.pk, "device": device.code, "level": alarm.level},
    )
    for sub in AlarmSubscription.objects.select_related("user"):
        user = sub.user
        if not user.is_active or not user.has_perm("sensors.view_alarm"):
            continue
        if LEVEL_ORDER[alarm.level] < LEVEL_ORDER.get(sub.min_level, 2):
            continue
        if sub.kinds and device.kind not in sub.kinds:
            continue
        if not may_see_agency(Actor(user=user), device.agency_id):
            continue
        if sub.only_my_agency and user.agency_id != device.agency_id:
            continue
        if sub.in_app:
            notify(kind="inbox", target=f"user:{user.pk}", message=message)
        if sub.email and user.email:
            notify(kind="email", target=user.email, message=message)
        if sub.webhook_url:
            notify(kind="webhook", target=sub.webhook_url, message=message)
        if sub.telegram_chat:
            notify(kind="telegram", target=sub.telegram_chat, message=message)
