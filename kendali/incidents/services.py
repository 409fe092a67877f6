"""Every write to incidents: keyword-only, one transaction, authorized, audited, events on commit."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali import conf
from kendali.core.actors import Actor
from kendali.core.audit import audit_record, diff, snapshot
from kendali.core.errors import Conflict, Invalid, NotAllowed, NotFound
from kendali.core.events import publish
from kendali.core.models import Agency
from kendali.core.registry import incident_guards, run_selector
from kendali.core.scope import sees_every_agency
from kendali.incidents.choices import (
    OPEN_STATUSES,
    IncidentSource,
    IncidentStatus,
    LocationFlag,
    Priority,
    TimelineKind,
)
from kendali.incidents.models import (
    IdempotentRequest,
    Incident,
    IncidentCounter,
    IncidentTimeline,
    IncidentType,
)
from kendali.incidents.selectors import may_see_incident
from kendali.regions.locate import locate
from kendali.regions.models import Region

AUDIT_FIELDS = [
    "number",
    "type",
    "priority",
    "status",
    "source",
    "lat",
    "lon",
    "location_flag",
    "address",
    "kelurahan",
    "kecamatan",
    "description",
    "reporter_name",
    "reporter_phone",
    "closed_at",
    "merged_into",
]
PERSONAL_FIELDS = ("reporter_name", "reporter_phone")
EVENT_PERM = "incidents.view_incident"
UPDATABLE_FIELDS = {
    "type_code",
    "priority",
    "lat",
    "lon",
    "address",
    "description",
    "reporter_name",
    "reporter_phone",
    "agency_codes",
}
DEFAULT_PERSONAL_DATA_DAYS = 365

# What other modules may ask of incidents on a person's behalf (``actor.acting_for(...)``).
# The person keeps their scope; each service below names the capabilities it accepts besides
# its own permission, applies its own rule and writes its own audit entry.
ASSIGN_UNIT = "dispatch.assign_unit"  # a unit is sent: in progress, its agency responds
MOVE_UNITS = "dispatch.move_units"  # a merge moves units still working to the target
REFER = "dispatch.refer"  # another agency is asked to help
CLOSE_ON_FIELD_REPORT = "dispatch.close_on_field_report"  # dispatch verified a field report
CLOSE_OVERRIDE = "dispatch.close_override"  # a supervisor closes without one, with a reason
OPEN_FOR_ALARM = "sensors.open_incident"  # an alarm whose rule opens an incident
OPEN_FOR_REPORT = "reports.escalate"  # a citizen report an OPD officer escalates


# ---------------------------------------------------------------- helpers


def _masked(changes: dict) -> dict:
    """Audit entries say that reporter contact changed, never what it is."""
    for name in PERSONAL_FIELDS:
        if name in changes:
            changes[name] = ["***" if v else "" for v in changes[name]]
    return changes


def _require(actor: Actor, perm: str, message: str, *capabilities: str) -> None:
    """The permission ``perm``, or one of ``capabilities`` granted by a calling module."""
    if actor.has_perm(perm) or any(actor.may(c) for c in capabilities):
        return
    raise NotAllowed(message)


def _require_visible(actor: Actor, incident: Incident) -> None:
    """Agency officers may act only on incidents that list their agency; others get 404."""
    if not may_see_incident(actor, incident):
        raise NotFound(_("Kejadian tidak ditemukan."))


def _locked(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().get(pk=incident.pk)


def validate_coordinates(lat, lon) -> tuple[float | None, float | None]:
    """None/None is allowed (flagged later); half a point or an impossible one is not."""
    if lat in (None, "") and lon in (None, ""):
        return None, None
    if lat in (None, "") or lon in (None, ""):
        raise Invalid(
            _("Lintang dan bujur harus diisi keduanya, atau dikosongkan keduanya."),
            errors=[{"field": "lat" if lat in (None, "") else "lon", "message": _("Wajib diisi.")}],
        )
    try:
        lat_f, lon_f = float(lat), float(lon)
    except (TypeError, ValueError):
        raise Invalid(_("Koordinat harus berupa angka.")) from None
    if not (math.isfinite(lat_f) and math.isfinite(lon_f)):
        raise Invalid(
            _("Koordinat tidak mungkin: lintang dan bujur harus berupa angka terhingga."),
            errors=[{"field": "lat", "message": _("Bukan angka yang sah.")}],
        )
    if not -90 <= lat_f <= 90:
        raise Invalid(
            _("Koordinat tidak mungkin: lintang harus di antara -90 dan 90 (diterima %(lat)s).")
            % {"lat": lat_f},
            errors=[{"field": "lat", "message": _("Di luar -90..90.")}],
        )
    if not -180 <= lon_f <= 180:
        raise Invalid(
            _("Koordinat tidak mungkin: bujur harus di antara -180 dan 180 (diterima %(lon)s).")
            % {"lon": lon_f},
            errors=[{"field": "lon", "message": _("Di luar -180..180.")}],
        )
    return lat_f, lon_f


def _place(lat, lon) -> dict:
    """Coordinates, flag, kelurahan and kecamatan for a (validated) point."""
    lat, lon = validate_coordinates(lat, lon)
    if lat is None:
        return {
            "lat": None,
            "lon": None,
            "location_flag": LocationFlag.TANPA_KOORDINAT,
            "kelurahan": None,
            "kecamatan": None,
        }
    where = locate(lat, lon)
    if not where.inside:
        return {
            "lat": lat,
            "lon": lon,
            "location_flag": LocationFlag.DI_LUAR_KOTA,
            "kelurahan": None,
            "kecamatan": None,
        }
    regions = Region.objects.in_bulk([where.kelurahan_kode, where.kecamatan_kode])
    return {
        "lat": lat,
        "lon": lon,
        "location_flag": LocationFlag.NONE,
        "kelurahan": regions.get(where.kelurahan_kode),
        "kecamatan": regions.get(where.kecamatan_kode),
    }


def _incident_type(type_code: str) -> IncidentType:
    found = IncidentType.objects.filter(code=type_code, is_active=True).first()
    if found is None:
        raise Invalid(
            _("Jenis kejadian “%(code)s” tidak dikenal.") % {"code": type_code},
            errors=[{"field": "type_code", "message": _("Jenis tidak dikenal.")}],
        )
    return found


def _priority(value) -> str:
    if value not in Priority.values:
        raise Invalid(
            _("Prioritas harus salah satu dari P1, P2, P3, P4."),
            errors=[{"field": "priority", "message": _("Prioritas tidak dikenal.")}],
        )
    return value


def _agencies(codes: Iterable[str]) -> list[Agency]:
    codes = [c for c in dict.fromkeys(codes) if c]
    found = {a.code: a for a in Agency.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise Invalid(
            _("Instansi tidak dikenal: %(codes)s.") % {"codes": ", ".join(unknown)},
            errors=[{"field": "agency_codes", "message": ", ".join(unknown)}],
        )
    return [found[c] for c in codes]


def _next_number(year: int) -> str:
    # Race closed here: two call-takers creating incidents at the same moment must never
    # get the same readable number. The per-year counter row is created if missing with
    # INSERT .. ON CONFLICT DO NOTHING (two first-of-the-year creators do not collide), then
    # locked with SELECT .. FOR UPDATE until the creating transaction ends: a concurrent
    # creator waits on the lock and reads the incremented value. A rolled-back create also
    # rolls back its increment, so numbers stay gap-free in normal operation.
    IncidentCounter.objects.bulk_create([IncidentCounter(year=year)], ignore_conflicts=True)
    counter = IncidentCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"112-{year}-{counter.last:06d}"


def event_data(incident: Incident, agency_ids: list[int] | None = None) -> dict:
    """The event payload: never the reporter's contact."""
    if agency_ids is None:
        agency_ids = sorted(incident.agencies.values_list("id", flat=True))
    return {
        "id": incident.pk,
        "number": incident.number,
        "type": incident.type.code,
        "type_label": incident.type.name,
        "priority": incident.priority,
        "status": incident.status,
        "lat": incident.lat,
        "lon": incident.lon,
        "location_flag": incident.location_flag,
        "kelurahan": incident.kelurahan.nama if incident.kelurahan_id else None,
        "kecamatan": incident.kecamatan.nama if incident.kecamatan_id else None,
        "kelurahan_kode": incident.kelurahan_id,
        "agency_ids": agency_ids,
    }


def _publish(topic: str, incident: Incident, extra: dict | None = None) -> None:
    agency_ids = sorted(incident.agencies.values_list("id", flat=True))
    data = event_data(incident, agency_ids)
    if extra:
        data.update(extra)
    publish(topic, data, perm=EVENT_PERM, agency_ids=agency_ids)


def _timeline(
    *, actor: Actor, incident: Incident, kind: str, summary: str, data: dict | None = None
) -> IncidentTimeline:
    return IncidentTimeline.objects.create(
        incident=incident,
        at=timezone.now(),
        kind=kind,
        actor_label=actor.label[:200],
        summary=summary[:500],
        data=data or {},
    )


# ---------------------------------------------------------------- writes


@transaction.atomic
def incident_create(
    *,
    actor: Actor,
    type_code: str,
    priority: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    address: str = "",
    description: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    source: str = IncidentSource.MANUAL,
    agency_codes: Iterable[str] = (),
) -> Incident:
    _require(
        actor,
        "incidents.add_incident",
        _("Peran Anda tidak berhak membuat kejadian."),
        OPEN_FOR_ALARM,
        OPEN_FOR_REPORT,
    )
    incident_type = _incident_type(type_code)
    priority = _priority(priority or incident_type.default_priority)
    if source not in IncidentSource.values:
        raise Invalid(_("Sumber kejadian tidak dikenal."))
    place = _place(lat, lon)
    agency_codes = list(agency_codes or ())
    agencies = (
        _agencies(agency_codes) if agency_codes else list(incident_type.default_agencies.all())
    )
    incident = Incident.objects.create(
        number=_next_number(timezone.localdate().year),
        type=incident_type,
        priority=priority,
        status=IncidentStatus.BARU,
        source=source,
        address=(address or "").strip()[:300],
        description=(description or "").strip(),
        reporter_name=(reporter_name or "").strip()[:200],
        reporter_phone=(reporter_phone or "").strip()[:40],
        created_by=actor.user,
        **place,
    )
    if agencies:
        incident.agencies.set(agencies)
    summary = _("Kejadian %(number)s dibuat: %(type)s, %(priority)s") % {
        "number": incident.number,
        "type": incident_type.name,
        "priority": priority,
    }
    if place["location_flag"] == LocationFlag.TANPA_KOORDINAT:
        summary += " — " + _("tanpa koordinat")
    elif place["location_flag"] == LocationFlag.DI_LUAR_KOTA:
        summary += " — " + _("lokasi di luar Kota Serang")
    _timeline(
        actor=actor,
        incident=incident,
        kind=TimelineKind.CREATED,
        summary=summary,
        data={"source": source, "agencies": [a.code for a in agencies]},
    )
    audit_record(
        actor=actor,
        action="incident.create",
        obj=incident,
        changes=_masked(diff({}, snapshot(incident, AUDIT_FIELDS))),
    )
    _publish("incidents.incident.created", incident)
    return incident


def _actor_key(actor: Actor) -> str:
    if actor.user is not None:
        return f"user:{actor.user.pk}"
    if actor.token is not None:
        return f"token:{actor.token.pk}"
    return f"system:{actor.label}"


def incident_create_idempotent(
    *, actor: Actor, idempotency_key: str, **fields
) -> tuple[Incident, bool]:
    """``incident_create`` once per (actor, Idempotency-Key): a retried request (a double
    click, a network retry) gets the first incident back. Returns (incident, created)."""
    key = (idempotency_key or "").strip()[:200]
    if not key:
        return incident_create(actor=actor, **fields), True
    actor_key = _actor_key(actor)
    existing = IdempotentRequest.objects.filter(actor_key=actor_key, key=key).first()
    if existing is not None:
        return existing.incident, False
    try:
        # Race closed here: two identical requests arriving together both miss the lookup
        # above; the unique (actor, key) row makes the second insert fail, which rolls back
        # its incident (and its number) and its events, and it answers with the first one.
        with transaction.atomic():
            incident = incident_create(actor=actor, **fields)
            IdempotentRequest.objects.create(key=key, actor_key=actor_key, incident=incident)
            return incident, True
    except IntegrityError:
        existing = IdempotentRequest.objects.filter(actor_key=actor_key, key=key).first()
        if existing is None:
            raise
        return existing.incident, False


@transaction.atomic
def incident_timeline_add(
    *, actor: Actor, incident: Incident, kind: str, summary: str, data: dict | None = None
) -> IncidentTimeline:
    """A line on the timeline from another module (a linked call, a dispatch, a sensor)."""
    # Staff who may write incidents, and officers of a responsible agency (field notes
    # from dispatch), may add lines; an officer of another agency is told it does not exist.
    may_write = actor.has_perm("incidents.change_incident") or actor.has_perm(
        "incidents.add_incident"
    )
    officer = not sees_every_agency(actor) and actor.has_perm("incidents.view_incident")
    # A module acting for a person writes lines of its own kind ("dispatch" for dispatch).
    own_kind = bool(actor.on_behalf) and actor.on_behalf.split(".", 1)[0] == kind
    if not (may_write or officer or own_kind):
        raise NotAllowed(_("Peran Anda tidak berhak menambah riwayat kejadian."))
    _require_visible(actor, incident)
    if not (summary or "").strip():
        raise Invalid(_("Ringkasan riwayat wajib diisi."))
    if not kind or len(kind) > 30:
        raise Invalid(_("Jenis riwayat tidak sah."))
    entry = _timeline(actor=actor, incident=incident, kind=kind, summary=summary.strip(), data=data)
    Incident.objects.filter(pk=incident.pk).update(updated_at=timezone.now())
    audit_record(
        actor=actor,
        action="incident.timeline_add",
        obj=incident,
        changes={"kind": [None, kind], "summary": [None, entry.summary]},
    )
    _publish("incidents.incident.updated", incident, {"timeline_kind": kind})
    return entry


ALLOWED_TRANSITIONS = {
    IncidentStatus.BARU: {
        IncidentStatus.DIPROSES,
        IncidentStatus.SELESAI,
        IncidentStatus.DIBATALKAN,
    },
    IncidentStatus.DIPROSES: {
        IncidentStatus.BARU,
        IncidentStatus.SELESAI,
        IncidentStatus.DIBATALKAN,
    },
    # Reopening a closed incident is allowed (the fire flared up again); a merged one is final.
    IncidentStatus.SELESAI: {IncidentStatus.DIPROSES},
    IncidentStatus.DIBATALKAN: {IncidentStatus.DIPROSES},
    IncidentStatus.DIGABUNG: set(),
}


def _guard(incident: Incident, status: str) -> None:
    """Ask the modules that build on incidents (registered in core, e.g. dispatch: units still
    on the incident) whether ``incident`` may become ``status``; refuse with their reasons."""
    reasons = [
        reason
        for guard in incident_guards()
        if guard.check and (reason := run_selector(guard.check, incident=incident, status=status))
    ]
    if reasons:
        raise Conflict(" ".join(str(r) for r in reasons), code="incident-busy")


def _closed(actor: Actor, incident: Incident) -> None:
    """Tell the modules that build on incidents that ``incident`` has left the open statuses
    (inside the caller's transaction: their records change with the status or not at all)."""
    from kendali.core.registry import incident_guards, run_selector

    for guard in incident_guards():
        if guard.on_close:
            run_selector(guard.on_close, actor=actor, incident=incident, status=incident.status)


# How an incident may be closed ("selesai"): the loop is closed by the responding agency's
# field report or by a supervisor's override with a reason. Both are checked by the dispatch
# services (kendali.dispatch.services.incident_close), which grant the capability of the
# closure they verified; no other caller may claim one (jobs with no person excepted).
CLOSURES = {"field_report": CLOSE_ON_FIELD_REPORT, "override": CLOSE_OVERRIDE}


def _check_status_change(actor: Actor, status: str, closure: str) -> None:
    if not (actor.has_perm("incidents.change_incident") or actor.on_behalf):
        raise NotAllowed(_("Peran Anda tidak berhak mengubah kejadian."))
    if status == IncidentStatus.SELESAI:
        if closure not in CLOSURES:
            raise Invalid(
                _(
                    "Kejadian hanya dapat diselesaikan dengan laporan lapangan dari instansi "
                    "yang menangani, atau ditutup supervisor dengan alasan (papan dispatch)."
                )
            )
        if not (actor.is_system or actor.may(CLOSURES[closure])):
            raise NotAllowed(
                _("Penyelesaian kejadian hanya lewat papan dispatch (laporan lapangan).")
            )
        return
    capabilities = (ASSIGN_UNIT, MOVE_UNITS) if status == IncidentStatus.DIPROSES else ()
    _require(
        actor,
        "incidents.change_incident",
        _("Peran Anda tidak berhak mengubah kejadian."),
        *capabilities,
    )


@transaction.atomic
def incident_set_status(
    *, actor: Actor, incident: Incident, status: str, note: str = "", closure: str = ""
) -> Incident:
    if status not in IncidentStatus.values:
        raise Invalid(_("Status kejadian tidak dikenal."))
    _check_status_change(actor, status, closure)
    _require_visible(actor, incident)
    if status == IncidentStatus.DIGABUNG:
        raise Invalid(_("Gunakan penggabungan untuk menandai kejadian ganda."))
    # Race closed here: two people changing the status at once (a dispatcher closing while a
    # supervisor cancels). The row lock serializes them and the second sees the first's result.
    locked = _locked(incident)
    if locked.status == status:
        return locked
    if status not in ALLOWED_TRANSITIONS[IncidentStatus(locked.status)]:
        raise Conflict(
            _("Status tidak dapat diubah dari “%(old)s” ke “%(new)s”.")
            % {"old": locked.get_status_display(), "new": IncidentStatus(status).label}
        )
    if status in (IncidentStatus.SELESAI, IncidentStatus.DIBATALKAN):
        # Checked under the row lock, so a unit assigned meanwhile is seen (dispatch locks the
        # incident when it assigns).
        _guard(locked, status)
    before = snapshot(locked, AUDIT_FIELDS)
    old_label = locked.get_status_display()
    locked.status = status
    if status in (IncidentStatus.SELESAI, IncidentStatus.DIBATALKAN):
        locked.closed_at = timezone.now()
    elif status in OPEN_STATUSES:
        locked.closed_at = None
    locked.save(update_fields=["status", "closed_at", "updated_at"])
    if status not in OPEN_STATUSES:
        _closed(actor, locked)
    summary = _("Status: %(old)s → %(new)s") % {
        "old": old_label,
        "new": locked.get_status_display(),
    }
    if note:
        summary += f" — {note.strip()}"
    _timeline(
        actor=actor,
        incident=locked,
        kind=TimelineKind.STATUS,
        summary=summary,
        data={"from": before["status"], "to": status, "note": note},
    )
    audit_record(
        actor=actor,
        action="incident.set_status",
        obj=locked,
        changes=diff(before, snapshot(locked, AUDIT_FIELDS)),
        note=note[:500],
    )
    _publish("incidents.incident.updated", locked)
    return locked


@transaction.atomic
def incident_mark_in_progress(*, actor: Actor, incident: Incident) -> Incident:
    """For a unit being sent (``ASSIGN_UNIT``, ``MOVE_UNITS``): the incident, locked until the
    caller's transaction ends, moved from new to in progress (status audit and timeline).

    Race closed here: a call-taker cancelling (or a supervisor closing or merging) the
    incident while a unit is sent. Both take this row lock (dispatch always after the unit's);
    whoever comes second sees the other: the close guard then finds the assignment, or this
    check finds the incident closed."""
    _require(
        actor,
        "incidents.change_incident",
        _("Peran Anda tidak berhak mengubah kejadian."),
        ASSIGN_UNIT,
        MOVE_UNITS,
    )
    _require_visible(actor, incident)
    locked = _locked(incident)
    if locked.status not in OPEN_STATUSES:
        raise Conflict(_("Kejadian %(n)s sudah ditutup.") % {"n": locked.number})
    if locked.status == IncidentStatus.BARU:
        return incident_set_status(actor=actor, incident=locked, status=IncidentStatus.DIPROSES)
    return locked


@transaction.atomic
def incident_add_responding_agency(
    *, actor: Actor, incident: Incident, agency: Agency, note: str = ""
) -> bool:
    """``agency`` joins the incident's responders (a unit of it sent, a referral, units moved
    by a merge). That list decides who may see the incident and its reporter's contact, so
    every addition is audited. Returns whether the agency was added (False: already there)."""
    _require(
        actor,
        "incidents.change_incident",
        _("Peran Anda tidak berhak mengubah instansi kejadian."),
        ASSIGN_UNIT,
        MOVE_UNITS,
        REFER,
    )
    _require_visible(actor, incident)
    if incident.agencies.filter(pk=agency.pk).exists():
        return False
    incident.agencies.add(agency)
    audit_record(
        actor=actor,
        action="incident.agency_add",
        obj=incident,
        changes={"agencies": [None, agency.code]},
        note=note[:500],
    )
    _publish("incidents.incident.updated", incident)
    return True


def incident_close_verified(
    *, actor: Actor, incident: Incident, closure: str, note: str = ""
) -> Incident:
    """Close an incident whose closure dispatch verified: ``"field_report"`` with
    ``CLOSE_ON_FIELD_REPORT``, ``"override"`` with ``CLOSE_OVERRIDE`` (see ``CLOSURES``)."""
    return incident_set_status(
        actor=actor, incident=incident, status=IncidentStatus.SELESAI, note=note, closure=closure
    )


FIELD_LABELS = {
    "type": _("jenis"),
    "priority": _("prioritas"),
    "lat": _("lokasi"),
    "lon": _("lokasi"),
    "location_flag": _("lokasi"),
    "kelurahan": _("lokasi"),
    "kecamatan": _("lokasi"),
    "address": _("alamat"),
    "description": _("uraian"),
    "reporter_name": _("kontak pelapor"),
    "reporter_phone": _("kontak pelapor"),
}


@transaction.atomic
def incident_update(*, actor: Actor, incident: Incident, **fields) -> Incident:
    """Change type, priority, place, texts, reporter contact or responsible agencies.
    Status changes go through :func:`incident_set_status`."""
    _require(actor, "incidents.change_incident", _("Peran Anda tidak berhak mengubah kejadian."))
    _require_visible(actor, incident)
    unknown = set(fields) - UPDATABLE_FIELDS
    if unknown:
        raise Invalid(
            _("Kolom tidak dapat diubah: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    # Race closed here: two editors saving at once; the row lock makes the second apply its
    # change on top of the first instead of overwriting it with a stale copy.
    locked = _locked(incident)
    if locked.status == IncidentStatus.DIGABUNG:
        raise Conflict(_("Kejadian ini sudah digabung; ubah kejadian tujuannya."))
    before = snapshot(locked, AUDIT_FIELDS)
    if "type_code" in fields:
        locked.type = _incident_type(fields["type_code"])
    if "priority" in fields and fields["priority"]:
        locked.priority = _priority(fields["priority"])
    if "lat" in fields or "lon" in fields:
        place = _place(fields.get("lat", locked.lat), fields.get("lon", locked.lon))
        for name, value in place.items():
            setattr(locked, name, value)
    for name, limit in (
        ("address", 300),
        ("description", None),
        ("reporter_name", 200),
        ("reporter_phone", 40),
    ):
        if name in fields:
            value = (fields[name] or "").strip()
            setattr(locked, name, value[:limit] if limit else value)
    locked.save()
    changes = diff(before, snapshot(locked, AUDIT_FIELDS))
    agencies_before = sorted(locked.agencies.values_list("code", flat=True))
    if "agency_codes" in fields:
        agencies = _agencies(fields["agency_codes"] or ())
        codes_after = sorted(a.code for a in agencies)
        if codes_after != agencies_before:
            locked.agencies.set(agencies)
            changes["agencies"] = [agencies_before, codes_after]
    if not changes:
        return locked
    labels = list(dict.fromkeys(str(FIELD_LABELS.get(k, _("instansi"))) for k in changes))
    summary = _("Diubah: %(fields)s") % {"fields": ", ".join(labels)}
    public_changes = {k: v for k, v in changes.items() if k not in PERSONAL_FIELDS}
    _timeline(
        actor=actor,
        incident=locked,
        kind=TimelineKind.UPDATED,
        summary=summary,
        data={"changes": _masked(dict(changes)), "fields": sorted(public_changes)},
    )
    audit_record(actor=actor, action="incident.update", obj=locked, changes=_masked(changes))
    _publish("incidents.incident.updated", locked)
    return locked


@transaction.atomic
def incident_merge(*, actor: Actor, source: Incident, target: Incident) -> Incident:
    """Mark ``source`` as a duplicate of ``target``. Both timelines are kept; the target's
    timeline view shows the source's lines too. Returns the target."""
    _require(
        actor, "incidents.merge_incident", _("Peran Anda tidak berhak menggabungkan kejadian.")
    )
    _require_visible(actor, source)
    _require_visible(actor, target)
    if source.pk == target.pk:
        raise Invalid(_("Kejadian tidak dapat digabung dengan dirinya sendiri."))
    # Race closed here: two supervisors merging A into B and B into A at the same moment
    # would make a cycle. Both rows are locked in id order (no deadlock) and re-checked.
    rows = {
        i.pk: i
        for i in Incident.objects.select_for_update()
        .filter(pk__in=[source.pk, target.pk])
        .order_by("pk")
    }
    source, target = rows[source.pk], rows[target.pk]
    if source.status == IncidentStatus.DIGABUNG:
        raise Conflict(_("Kejadian %(n)s sudah digabung.") % {"n": source.number})
    if target.status == IncidentStatus.DIGABUNG:
        raise Conflict(
            _("Kejadian tujuan %(n)s sudah digabung ke kejadian lain.") % {"n": target.number}
        )
    # Modules that build on incidents carry their live records over (dispatch: units still
    # on the duplicate go on to the target), then nothing may be left on the source.

    for guard in incident_guards():
        if guard.on_merge:
            run_selector(guard.on_merge, actor=actor, source=source, target=target)
    _guard(source, IncidentStatus.DIGABUNG)
    before = snapshot(source, AUDIT_FIELDS)
    now = timezone.now()
    source.status = IncidentStatus.DIGABUNG
    source.merged_into = target
    source.closed_at = now
    source.save(update_fields=["status", "merged_into", "closed_at", "updated_at"])
    _closed(actor, source)
    # Earlier duplicates of the source now point at the final target (no chains).
    Incident.objects.filter(merged_into=source).update(merged_into=target, updated_at=now)
    target.agencies.add(*source.agencies.all())
    Incident.objects.filter(pk=target.pk).update(updated_at=now)
    _timeline(
        actor=actor,
        incident=source,
        kind=TimelineKind.MERGED,
        summary=_("Digabung ke %(n)s (kejadian ganda)") % {"n": target.number},
        data={"target": target.pk, "target_number": target.number},
    )
    _timeline(
        actor=actor,
        incident=target,
        kind=TimelineKind.MERGED,
        summary=_("%(n)s digabung ke kejadian ini") % {"n": source.number},
        data={"source": source.pk, "source_number": source.number},
    )
    audit_record(
        actor=actor,
        action="incident.merge",
        obj=source,
        changes=diff(before, snapshot(source, AUDIT_FIELDS)),
        note=target.number,
    )
    _publish(
        "incidents.incident.merged", source, {"merged_into": target.pk, "target": target.number}
    )
    _publish("incidents.incident.updated", target)
    return target


# ---------------------------------------------------------------- retention


def personal_data_days() -> int:
    configured = getattr(settings, "PERSONAL_DATA_DAYS", None)
    if configured is not None:
        return int(configured)
    return conf.env_int("KENDALI_PERSONAL_DATA_DAYS", DEFAULT_PERSONAL_DATA_DAYS, minimum=1)


@transaction.atomic
def incidents_blank_reporter_contact(
    *,
    actor: Actor,
    days: int | None = None,
    source: str | None = None,
    exclude_sources: Iterable[str] = (),
) -> int:
    """Blank reporter name and phone of incidents older than the retention period
    (KENDALI_PERSONAL_DATA_DAYS, default 365). Returns how many incidents were blanked.
    ``source``/``exclude_sources`` restrict it by the incident's source."""
    _require(actor, "incidents.change_incident", _("Peran Anda tidak berhak mengubah kejadian."))
    days = personal_data_days() if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    stale = Incident.objects.filter(created_at__lt=cutoff).exclude(
        reporter_name="", reporter_phone=""
    )
    if source is not None:
        stale = stale.filter(source=source)
    if exclude_sources:
        stale = stale.exclude(source__in=list(exclude_sources))
    ids = list(stale.values_list("pk", flat=True))
    if not ids:
        return 0
    now = timezone.now()
    Incident.objects.filter(pk__in=ids).update(
        reporter_name="", reporter_phone="", reporter_blanked_at=now
    )
    summary = _("Kontak pelapor dihapus (masa simpan %(days)s hari)") % {"days": days}
    IncidentTimeline.objects.bulk_create(
        [
            IncidentTimeline(
                incident_id=pk,
                at=now,
                kind=TimelineKind.UPDATED,
                actor_label=actor.label[:200],
                summary=summary,
                data={"retention_days": days},
            )
            for pk in ids
        ]
    )
    audit_record(
        actor=actor,
        action="incident.reporter_retention",
        object_type="incidents.incident",
        object_repr=_("%(count)s kejadian") % {"count": len(ids)},
        changes={"incident_ids": ids, "retention_days": days},
    )
    return len(ids)


def retention_job() -> None:
    """Background job (registered in apps.py): blank reporter contact past retention.

    Incidents opened from a 112 call carry the caller's number and name: the 112
    supervisor's retention setting governs them (the calls module's purge job calls
    the service above with ``source="call"``), so this job leaves them alone."""
    incidents_blank_reporter_contact(
        actor=Actor.system("retensi-data-pribadi"), exclude_sources=(IncidentSource.CALL,)
    )
