"""Shift handover between supervisors (WIB shifts)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.audit import audit_record
from kendali.core.errors import Conflict
from kendali.core.events import publish
from kendali.dispatch.choices import (
    Shift,
)
from kendali.dispatch.models import (
    ShiftLog,
)
from kendali.dispatch.services.base import (
    require,
)
from kendali.incidents.models import Incident

WIB_SHIFTS = ((7, Shift.PAGI), (15, Shift.SIANG), (23, Shift.MALAM))


def current_shift(at: datetime | None = None):
    """(date, shift) in local time (WIB): pagi 07–15, siang 15–23, malam 23–07.
    The night shift belongs to the date it started on."""
    local = timezone.localtime(at or timezone.now())
    if local.hour < 7:
        return (local - timedelta(days=1)).date(), Shift.MALAM
    if local.hour < 15:
        return local.date(), Shift.PAGI
    if local.hour < 23:
        return local.date(), Shift.SIANG
    return local.date(), Shift.MALAM


@transaction.atomic
def shift_handover(*, actor: Actor, notes: str) -> ShiftLog:
    """The outgoing supervisor hands the current shift over: open incidents and notes."""
    require(
        actor, "dispatch.add_shiftlog", _("Hanya supervisor yang dapat melakukan serah terima.")
    )
    day, shift = current_shift()
    open_incidents = [
        {
            "id": i.pk,
            "number": i.number,
            "type": i.type.name,
            "priority": i.priority,
            "status": i.status,
        }
        for i in Incident.objects.open()
        .select_related("type")
        .order_by("priority", "created_at")[:200]
    ]
    log, created = ShiftLog.objects.select_for_update().get_or_create(
        shift_date=day, shift=shift, defaults={"handed_over_by": actor.user}
    )
    if log.received_at is not None:
        raise Conflict(_("Serah terima sif ini sudah diterima."))
    log.notes = (notes or "").strip()
    log.open_incidents = open_incidents
    log.handed_over_by, log.handed_over_at = actor.user, timezone.now()
    log.save()
    audit_record(
        actor=actor,
        action="shift.handover",
        obj=log,
        changes={"open_incidents": [None, len(open_incidents)]},
    )
    publish("dispatch.shift.handover", {"id": log.pk, "shift": shift, "date": day.isoformat()})
    return log


@transaction.atomic
def shift_receive(*, actor: Actor, log: ShiftLog) -> ShiftLog:
    require(actor, "dispatch.add_shiftlog", _("Hanya supervisor yang dapat menerima serah terima."))
    log = ShiftLog.objects.select_for_update().get(pk=log.pk)
    if log.received_at is not None:
        raise Conflict(_("Serah terima ini sudah diterima."))
    if actor.user is not None and log.handed_over_by_id == actor.user.pk:
        raise Conflict(_("Serah terima harus diterima supervisor sif berikutnya."))
    log.received_by, log.received_at = actor.user, timezone.now()
    log.save(update_fields=["received_by", "received_at"])
    audit_record(
        actor=actor,
        action="shift.receive",
        obj=log,
        changes={"received_at": [None, log.received_at.isoformat()]},
    )
    publish("dispatch.shift.received", {"id": log.pk})
    return log
