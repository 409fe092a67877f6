"""Alarms: what the wall says about them, their events, and the people handling them."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.audit import audit_record
from kendali.core.errors import Conflict, Invalid, NotAllowed, NotFound
from kendali.core.events import publish
from kendali.core.models import User
from kendali.incidents.choices import OPEN_STATUSES
from kendali.sensors.choices import (
    VARIABLE_LABELS,
    AlarmStatus,
    Level,
    RuleKind,
)
from kendali.sensors.models import (
    Alarm,
    AlarmNote,
)
from kendali.sensors.services.devices import _number, _place, can_see_device


def _alarm_summary(alarm: Alarm, verb: str) -> str:
    """The wall's sentence: "Awas — Pos TMA Kasemen: tinggi muka air 2,9 m"."""
    device = alarm.device
    level = Level(alarm.level).label
    if alarm.kind == RuleKind.OFFLINE:
        what = _("tidak mengirim data")
    else:
        name = alarm.rule.variable if alarm.rule is not None else ""
        unit = (
            device.variables.filter(name=name).values_list("unit", flat=True).first() or ""
            if name
            else ""
        )
        what = str(VARIABLE_LABELS.get(name, name))
        if alarm.value is not None:
            what = f"{what} {_number(alarm.value)} {unit}".strip()
    values = {"level": level, "device": device.name, "what": what}
    if verb == "acknowledged":
        text = _("Alarm diterima — %(device)s: %(what)s (%(level)s)") % values
    elif verb == "cleared":
        values["level"] = Level(alarm.peak_level).label
        text = _("Alarm %(level)s selesai — %(device)s") % values
    else:
        text = _("%(level)s — %(device)s: %(what)s") % values
        if alarm.incident_number:
            text += " · " + _("kejadian 112 %(n)s dibuka") % {"n": alarm.incident_number}
    return text + _place(device)


def alarm_event(alarm: Alarm, verb: str = "raised") -> dict:
    """Event data of an alarm (no personal data: who acknowledged is not in it);
    ``summary`` is the sentence the control-room wall shows."""
    device = alarm.device
    return {
        "id": alarm.pk,
        "device": device.code,
        "device_name": device.name,
        "kind": alarm.kind,
        "level": alarm.level,
        "level_label": str(Level(alarm.level).label),
        "peak_level": alarm.peak_level,
        "status": alarm.status,
        "message": alarm.message,
        "value": alarm.value,
        "lat": device.lat,
        "lon": device.lon,
        "kelurahan": device.kelurahan_id,
        "kelurahan_name": device.kelurahan.nama if device.kelurahan_id else "",
        "agency_id": device.agency_id,
        "incident_number": alarm.incident_number,
        "summary": _alarm_summary(alarm, verb),
    }


def _publish_alarm(alarm: Alarm, verb: str) -> None:
    publish(
        f"sensors.alarm.{verb}",
        alarm_event(alarm, verb),
        perm="sensors.view_alarm",
        agency_ids=[alarm.device.agency_id],
    )


def _alarm_for(actor: Actor, alarm_id: int, perm: str, lock: bool = True) -> Alarm:
    if not actor.has_perm(perm):
        raise NotAllowed(_("Peran Anda tidak berhak menangani alarm."))
    qs = Alarm.objects.select_related("device", "device__kelurahan")
    if lock:
        qs = qs.select_for_update(of=("self",))
    alarm = qs.filter(pk=alarm_id).first()
    if alarm is None or not can_see_device(actor, alarm.device):
        raise NotFound(_("Alarm tidak ditemukan."))
    return alarm


def _note(actor: Actor, alarm: Alarm, text: str) -> AlarmNote | None:
    text = (text or "").strip()
    if not text:
        return None
    return AlarmNote.objects.create(
        alarm=alarm, author=actor.user, author_label=actor.label, text=text[:4000]
    )


@transaction.atomic
def alarm_acknowledge(*, actor: Actor, alarm_id: int, note: str = "") -> Alarm:
    alarm = _alarm_for(actor, alarm_id, "sensors.change_alarm", lock=False)
    now = timezone.now()
    # Race: two operators acknowledging at once. The conditional UPDATE lets exactly one
    # move active -> acknowledged; the other is told who was first.
    moved = Alarm.objects.filter(pk=alarm.pk, status=AlarmStatus.ACTIVE).update(
        status=AlarmStatus.ACKNOWLEDGED, acknowledged_at=now, acknowledged_by=actor.user
    )
    alarm.refresh_from_db()
    if not moved:
        who = alarm.acknowledged_by.display_name if alarm.acknowledged_by else "—"
        raise Conflict(
            _("Alarm sudah %(s)s (oleh %(who)s).") % {"s": alarm.get_status_display(), "who": who}
        )
    _note(actor, alarm, note)
    audit_record(
        actor=actor,
        action="sensors.alarm.acknowledge",
        obj=alarm,
        changes={"status": [AlarmStatus.ACTIVE, AlarmStatus.ACKNOWLEDGED]},
    )
    _publish_alarm(alarm, "acknowledged")
    return alarm


@transaction.atomic
def alarm_clear(*, actor: Actor, alarm_id: int, note: str = "") -> Alarm:
    alarm = _alarm_for(actor, alarm_id, "sensors.change_alarm", lock=False)
    before = alarm.status
    # Conditional UPDATE: clearing twice (or clearing while the rule clears it) is one
    # transition only.
    moved = (
        Alarm.objects.filter(pk=alarm.pk)
        .exclude(status=AlarmStatus.CLEARED)
        .update(status=AlarmStatus.CLEARED, cleared_at=timezone.now())
    )
    alarm.refresh_from_db()
    if not moved:
        raise Conflict(_("Alarm sudah selesai."))
    _note(actor, alarm, note)
    audit_record(
        actor=actor,
        action="sensors.alarm.clear",
        obj=alarm,
        changes={"status": [before, AlarmStatus.CLEARED]},
    )
    _publish_alarm(alarm, "cleared")
    return alarm


def _clear_for_incident(actor: Actor, alarm: Alarm, text: str) -> None:
    before = alarm.status
    alarm.status = AlarmStatus.CLEARED
    alarm.cleared_at = timezone.now()
    alarm.save(update_fields=["status", "cleared_at"])
    AlarmNote.objects.create(alarm=alarm, author=actor.user, author_label=actor.label, text=text)
    audit_record(
        actor=actor,
        action="sensors.alarm.clear",
        obj=alarm,
        changes={"status": [before, AlarmStatus.CLEARED]},
        note=text[:500],
    )
    _publish_alarm(alarm, "cleared")


def _alarms_of_incident(incident_id: int) -> list[Alarm]:
    return list(
        Alarm.objects.select_for_update(of=("self",))
        .select_related("device", "device__kelurahan", "rule")
        .filter(incident_id=incident_id)
        .exclude(status=AlarmStatus.CLEARED)
        .order_by("pk")
    )


def on_incident_close(*, actor: Actor, incident, status: str) -> None:
    """Registered in core (IncidentGuard.on_close), run inside the closing transaction: the
    alarm that opened ``incident`` is done when the incident is (closed or cancelled), so it
    does not stay "Aktif" on the sensor screens and the wall. Its rule keeps watching; while
    the condition lasts it stays quiet (an episode cleared by hand), and a new episode raises
    a new alarm. Noted on the alarm and audited in the name of the person who closed it."""
    for alarm in _alarms_of_incident(incident.pk):
        _clear_for_incident(
            actor,
            alarm,
            _("Kejadian 112 %(n)s %(status)s oleh %(who)s; alarm selesai.")
            % {
                "n": incident.number,
                "status": incident.get_status_display().lower(),
                "who": actor.label,
            },
        )


def on_incident_merge(*, actor: Actor, source, target) -> None:
    """Registered in core (IncidentGuard.on_merge): an alarm whose incident is merged as a
    duplicate goes on with the incident it was merged into (the same event); when that one is
    already closed, the alarm is done with it."""
    for alarm in _alarms_of_incident(source.pk):
        if target.status not in OPEN_STATUSES:
            _clear_for_incident(
                actor,
                alarm,
                _(
                    "Kejadian 112 %(src)s digabung ke %(n)s yang sudah ditutup (oleh %(who)s); "
                    "alarm selesai."
                )
                % {"src": source.number, "n": target.number, "who": actor.label},
            )
            continue
        alarm.incident_id, alarm.incident_number = target.pk, target.number
        alarm.save(update_fields=["incident_id", "incident_number"])
        text = _("Kejadian 112 %(src)s digabung ke %(n)s oleh %(who)s; alarm kini pada %(n)s.") % {
            "src": source.number,
            "n": target.number,
            "who": actor.label,
        }
        AlarmNote.objects.create(
            alarm=alarm, author=actor.user, author_label=actor.label, text=text
        )
        audit_record(
            actor=actor,
            action="sensors.alarm.incident",
            obj=alarm,
            changes={"incident_number": [source.number, target.number]},
        )
        _publish_alarm(alarm, "updated")


@transaction.atomic
def alarm_assign(*, actor: Actor, alarm_id: int, user: User | None) -> Alarm:
    alarm = _alarm_for(actor, alarm_id, "sensors.change_alarm")
    if user is not None and not user.has_perm("sensors.change_alarm"):
        raise Invalid(_("Pengguna ini tidak berhak menangani alarm."))
    before = alarm.assigned_to.display_name if alarm.assigned_to else None
    alarm.assigned_to = user
    alarm.save(update_fields=["assigned_to"])
    audit_record(
        actor=actor,
        action="sensors.alarm.assign",
        obj=alarm,
        changes={"assigned_to": [before, user.display_name if user else None]},
    )
    _publish_alarm(alarm, "updated")
    return alarm


@transaction.atomic
def alarm_note_add(*, actor: Actor, alarm_id: int, text: str) -> AlarmNote:
    alarm = _alarm_for(actor, alarm_id, "sensors.change_alarm")
    note = _note(actor, alarm, text)
    if note is None:
        raise Invalid(_("Catatan kosong."), errors={"text": [_("Wajib diisi.")]})
    audit_record(actor=actor, action="sensors.alarm.note", obj=alarm, note=note.text[:200])
    return note
