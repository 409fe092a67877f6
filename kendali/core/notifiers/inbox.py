"""In-app inbox: ``user:<id>`` or ``agency:<id>`` targets become Notification rows.

An agency's officers share one row per message: the first to acknowledge acts for the
agency, and everyone sees who did.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.audit import audit_record
from kendali.core.errors import NotAllowed, NotFound
from kendali.core.events import publish
from kendali.core.models import Agency, Notification, User
from kendali.core.notifiers import acknowledged_hooks
from kendali.core.notifiers.base import DeliveryResult, Message


def parse_target(target: str) -> tuple[str, int] | None:
    kind, _sep, raw = target.partition(":")
    if kind not in ("user", "agency") or not raw.isdigit():
        return None
    return kind, int(raw)


def send(*, target: str, message: Message) -> DeliveryResult:
    parsed = parse_target(target)
    if parsed is None:
        return DeliveryResult(False, error=f"bad inbox target {target!r}", retry=False)
    kind, pk = parsed
    fields = {"title": message.title[:200], "body": message.body, "url": message.url[:300]}
    fields["ref"] = message.ref[:120]
    with transaction.atomic():
        if kind == "user":
            if not User.objects.filter(pk=pk, is_active=True).exists():
                return DeliveryResult(False, error=f"no active user {pk}", retry=False)
            note = Notification.objects.create(recipient_id=pk, **fields)
            publish("core.notification.created", {"id": note.pk, "user_id": pk}, perm="")
        else:
            if not Agency.objects.filter(pk=pk).exists():
                return DeliveryResult(False, error=f"no agency {pk}", retry=False)
            note = Notification.objects.create(agency_id=pk, **fields)
            publish(
                "core.notification.created",
                {"id": note.pk, "agency_id": pk, "title": note.title},
                agency_ids=[pk],
            )
    return DeliveryResult(True, detail=f"notification {note.pk}")


# --- reads and writes of the inbox itself -------------------------------------------


def inbox_for(*, actor: Actor):
    """The notifications this person may see: their own and their agency's."""
    if actor.user is None:
        return Notification.objects.none()
    scope = Q(recipient=actor.user)
    if actor.user.agency_id:
        scope |= Q(agency_id=actor.user.agency_id)
    return Notification.objects.filter(scope).select_related("acknowledged_by", "agency")


def _get_visible(*, actor: Actor, notification_id: int):
    if not inbox_for(actor=actor).filter(pk=notification_id).exists():
        raise NotFound(_("Notifikasi tidak ditemukan."))
    # Lock the row alone (PostgreSQL refuses FOR UPDATE on the nullable side of a join).
    return Notification.objects.select_for_update().get(pk=notification_id)


@transaction.atomic
def notification_acknowledge(*, actor: Actor, notification_id: int):
    """Acknowledge a notification. Idempotent: the first acknowledgement is kept."""
    if actor.user is None:
        raise NotAllowed(_("Hanya pengguna yang dapat mengonfirmasi notifikasi."))
    # Race: two officers of one agency pressing "Terima" at once — the row lock
    # (select_for_update) makes the second see the first's acknowledgement.
    note = _get_visible(actor=actor, notification_id=notification_id)
    if note.acknowledged_at is None:
        now = timezone.now()
        note.acknowledged_at = now
        note.acknowledged_by = actor.user
        note.read_at = note.read_at or now
        note.save(update_fields=["acknowledged_at", "acknowledged_by", "read_at"])
        audit_record(
            actor=actor,
            action="notification.acknowledge",
            obj=note,
            changes={"acknowledged_at": [None, now.isoformat()]},
        )
        publish(
            "core.notification.acknowledged",
            {"id": note.pk, "ref": note.ref, "agency_id": note.agency_id},
            agency_ids=[note.agency_id] if note.agency_id else [],
        )

        for hook in acknowledged_hooks():
            hook(actor=actor, notification=note)
    return note


@transaction.atomic
def notification_mark_read(*, actor: Actor, notification_id: int):
    note = _get_visible(actor=actor, notification_id=notification_id)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    return note
