"""Every write of the dispatch module: units, run cards, assignments, field reports,
referrals, closing incidents and shift handover."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.audit import audit_record, diff, snapshot
from kendali.core.errors import Conflict, Invalid, NotAllowed, NotFound
from kendali.core.events import publish
from kendali.core.models import Agency
from kendali.core.notifiers import Message, notify_agency
from kendali.core.scope import sees_every_agency
from kendali.dispatch import scope
from kendali.dispatch.choices import (
    ACTIVE_ASSIGNMENT,
    ASSIGNABLE_STATUSES,
    BUSY_STATUSES,
    UNIT_TRANSITIONS,
    AssignmentStatus,
    Outcome,
    ReferralStatus,
    Shift,
    UnitKind,
    UnitStatus,
)
from kendali.dispatch.models import (
    Assignment,
    FieldReport,
    FieldReportPhoto,
    Referral,
    RunCard,
    RunCardLine,
    ShiftLog,
    Unit,
    UnitStatusLog,
)
from kendali.incidents import services as incident_services
from kendali.incidents.choices import OPEN_STATUSES, IncidentStatus

UNIT_FIELDS = [
    "agency",
    "callsign",
    "kind",
    "capabilities",
    "station",
    "home_lat",
    "home_lon",
    "status",
    "is_active",
]
# Kota Serang and its surroundings; a crew phone reporting outside this box is wrong.
SERVICE_AREA = {"lat": (-6.45, -5.85), "lon": (105.85, 106.45)}
MAX_POSITION_BATCH = 500
MAX_SPEED_MS = 70.0  # 252 km/h: faster than any road vehicle → a GPS jump, rejected
PHOTO_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTOS = 6
INBOX_URL = "/dispatch/kotak-masuk/"  # the agency inbox; e-mail and Telegram make it absolute


def _require(actor: Actor, perm: str, message: str) -> None:
    if not actor.has_perm(perm):
        raise NotAllowed(message)


# What dispatch asks of incidents for a person (``actor.acting_for``): the incidents services
# apply their own rule to each and write their own audit entry naming that person.
RECORD = "dispatch.record"  # a line on the incident's timeline (kind "dispatch")


def _timeline(
    actor: Actor, incident, summary: str, data: dict | None = None, capability: str = RECORD
) -> None:
    incident_services.incident_timeline_add(
        actor=actor.acting_for(capability),
        incident=incident,
        kind="dispatch",
        summary=summary,
        data=data,
    )


def unit_event_data(unit: Unit) -> dict:
    return {
        "id": unit.pk,
        "callsign": unit.callsign,
        "agency_id": unit.agency_id,
        "kind": unit.kind,
        "status": unit.status,
        "lat": unit.cur_lat,
        "lon": unit.cur_lon,
        "assignment_id": unit.current_assignment_id,
    }


def _publish_unit(unit: Unit, verb: str = "updated", *, quiet: bool = False) -> None:
    """``quiet``: the unit changed with one of its assignments, whose event is the ticker's
    line; this one only refreshes the maps and boards (one change, one line on the wall)."""
    data = unit_event_data(unit) | ({"quiet": True} if quiet else {})
    publish(f"dispatch.unit.{verb}", data, agency_ids=[unit.agency_id])


def assignment_event_data(a: Assignment) -> dict:
    return {
        "id": a.pk,
        "incident_id": a.incident_id,
        "incident_number": a.incident.number,
        "unit_id": a.unit_id,
        "callsign": a.unit.callsign,
        "agency_id": a.agency_id,
        "status": a.status,
        "acknowledged": a.acknowledged_at is not None,
        # The control-room ticker's line: "Unit DMK-03 · 112-2026-000008: Menuju lokasi".
        "summary": _("Unit %(unit)s · %(n)s: %(status)s")
        % {"unit": a.unit.callsign, "n": a.incident.number, "status": a.get_status_display()}
        + (" · " + _("diterima instansi") if a.acknowledged_at else ""),
    }


def _publish_assignment(a: Assignment, verb: str) -> None:
    publish(f"dispatch.assignment.{verb}", assignment_event_data(a), agency_ids=[a.agency_id])


def _check_point(lat, lon, *, what: str) -> tuple[float, float]:
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        raise Invalid(_("%(what)s: koordinat tidak sah.") % {"what": what})
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Invalid(_("%(what)s: koordinat di luar bumi.") % {"what": what})
    return lat, lon


# ---------------------------------------------------------------- units


@transaction.atomic
def unit_create(
    *,
    actor: Actor,
    agency: Agency,
    callsign: str,
    kind: str,
    home_lat: float,
    home_lon: float,
    station: str = "",
    capabilities: Iterable[str] = (),
) -> Unit:
    _require(actor, "dispatch.add_unit", _("Peran Anda tidak berhak menambah unit."))
    scope.require_agency(actor, agency.pk)
    callsign = (callsign or "").strip().upper()
    if not callsign or len(callsign) > 40:
        raise Invalid(_("Tanda panggil wajib diisi (maks. 40 karakter)."))
    if kind not in UnitKind.values:
        raise Invalid(_("Jenis unit tidak dikenal."))
    home_lat, home_lon = _check_point(home_lat, home_lon, what=_("Markas"))
    if Unit.objects.filter(callsign=callsign).exists():
        raise Conflict(_("Tanda panggil %(c)s sudah dipakai.") % {"c": callsign})
    unit = Unit.objects.create(
        agency=agency,
        callsign=callsign,
        kind=kind,
        home_lat=home_lat,
        home_lon=home_lon,
        station=(station or "").strip()[:200],
        capabilities=sorted({c.strip() for c in capabilities if c and c.strip()}),
    )
    audit_record(
        actor=actor,
        action="unit.create",
        obj=unit,
        changes=diff({}, snapshot(unit, UNIT_FIELDS)),
    )
    _publish_unit(unit, "created")
    return unit


@transaction.atomic
def unit_update(*, actor: Actor, unit: Unit, **fields) -> Unit:
    _require(actor, "dispatch.change_unit", _("Peran Anda tidak berhak mengubah unit."))
    scope.require_agency(actor, unit.agency_id, _("Unit tidak ditemukan."))
    allowed = {"callsign", "kind", "capabilities", "station", "home_lat", "home_lon", "is_active"}
    unknown = set(fields) - allowed
    if unknown:
        raise Invalid(_("Kolom tidak dapat diubah: %(f)s") % {"f": ", ".join(sorted(unknown))})
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = snapshot(unit, UNIT_FIELDS)
    if "callsign" in fields:
        fields["callsign"] = (fields["callsign"] or "").strip().upper()
        if not fields["callsign"]:
            raise Invalid(_("Tanda panggil wajib diisi."))
    if "kind" in fields and fields["kind"] not in UnitKind.values:
        raise Invalid(_("Jenis unit tidak dikenal."))
    if "home_lat" in fields or "home_lon" in fields:
        fields["home_lat"], fields["home_lon"] = _check_point(
            fields.get("home_lat", unit.home_lat),
            fields.get("home_lon", unit.home_lon),
            what=_("Markas"),
        )
    if fields.get("is_active") is False and unit.current_assignment_id:
        raise Conflict(_("Unit sedang bertugas; lepaskan dari kejadian terlebih dahulu."))
    for name, value in fields.items():
        setattr(unit, name, value)
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError:
        raise Conflict(_("Tanda panggil sudah dipakai."))
    audit_record(
        actor=actor,
        action="unit.update",
        obj=unit,
        changes=diff(before, snapshot(unit, UNIT_FIELDS)),
    )
    _publish_unit(unit)
    return unit


@transaction.atomic
def unit_delete(*, actor: Actor, unit: Unit) -> None:
    _require(actor, "dispatch.delete_unit", _("Peran Anda tidak berhak menghapus unit."))
    scope.require_agency(actor, unit.agency_id, _("Unit tidak ditemukan."))
    locked = Unit.objects.select_for_update().get(pk=unit.pk)
    if locked.current_assignment_id or locked.status in BUSY_STATUSES:
        raise Conflict(_("Unit sedang bertugas; lepaskan dari kejadian terlebih dahulu."))
    audit_record(
        actor=actor,
        action="unit.delete",
        obj=locked,
        changes=diff(snapshot(locked, UNIT_FIELDS), {}),
    )
    publish("dispatch.unit.deleted", {"id": locked.pk}, agency_ids=[locked.agency_id])
    if locked.assignments.exists():
        # History keeps its unit: retire instead of deleting the row.
        Unit.objects.filter(pk=locked.pk).update(
            is_active=False, status=UnitStatus.TIDAK_SIAGA, updated_at=timezone.now()
        )
    else:
        locked.delete()


def _allowed_labels(status: str) -> str:
    targets = UNIT_TRANSITIONS.get(UnitStatus(status), set())
    if not targets:
        return "—"
    return ", ".join(str(UnitStatus(t).label) for t in sorted(targets))


def _log_status(unit: Unit, old: str, new: str, actor: Actor, assignment_id=None, at=None) -> None:
    UnitStatusLog.objects.create(
        unit=unit,
        at=at or timezone.now(),
        from_status=old,
        to_status=new,
        actor_label=actor.label[:200],
        assignment_id=assignment_id,
    )


@transaction.atomic
def unit_set_status(*, actor: Actor, unit: Unit, status: str, note: str = "") -> Unit:
    """A crew (or the center) moves a unit: en route → on scene → cleared → available,
    or in/out of service. Assignment-related moves advance the current assignment too."""
    scope.require_operate(actor, unit)
    if status not in UnitStatus.values:
        raise Invalid(_("Status unit tidak dikenal."))
    if status == UnitStatus.DITUGASKAN:
        raise Invalid(_("Unit ditugaskan lewat papan dispatch, bukan dengan mengubah status."))
    # Race: the crew pressing "di lokasi" while a dispatcher releases the unit. The row lock
    # serializes them; the second re-reads the status and is judged against it.
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    old = unit.status
    if old == status:
        return unit
    if status not in UNIT_TRANSITIONS[UnitStatus(old)]:
        if status == UnitStatus.TIDAK_SIAGA and unit.current_assignment_id:
            raise Conflict(
                _("Unit sedang bertugas; lepaskan dari kejadian sebelum menyatakan tidak siaga.")
            )
        raise Conflict(
            _("Status %(old)s tidak dapat menjadi %(new)s. Yang diizinkan: %(allowed)s.")
            % {
                "old": UnitStatus(old).label,
                "new": UnitStatus(status).label,
                "allowed": _allowed_labels(old),
            }
        )
    now = timezone.now()
    assignment = None
    if unit.current_assignment_id:
        assignment = (
            Assignment.objects.select_for_update()
            .select_related("incident", "unit")
            .get(pk=unit.current_assignment_id)
        )
        if status == UnitStatus.MENUJU:
            assignment.status, assignment.en_route_at = AssignmentStatus.MENUJU, now
        elif status == UnitStatus.DI_LOKASI:
            assignment.status, assignment.on_scene_at = AssignmentStatus.DI_LOKASI, now
            assignment.en_route_at = assignment.en_route_at or now
        elif status == UnitStatus.KEMBALI:
            assignment.status, assignment.cleared_at = AssignmentStatus.SELESAI, now
        assignment.save()
        summary = _("%(unit)s: %(status)s") % {
            "unit": unit.callsign,
            "status": UnitStatus(status).label,
        }
        if note:
            summary += f" — {note.strip()[:200]}"
        _timeline(
            actor, assignment.incident, summary, {"assignment_id": assignment.pk, "status": status}
        )
        _publish_assignment(assignment, "updated")
    unit.status = status
    unit.status_changed_at = now
    if status == UnitStatus.KEMBALI:
        unit.current_assignment = None
    unit.save(update_fields=["status", "status_changed_at", "current_assignment", "updated_at"])
    _log_status(unit, old, status, actor, assignment.pk if assignment else None, now)
    audit_record(
        actor=actor,
        action="unit.set_status",
        obj=unit,
        changes={"status": [old, status]},
        note=note[:500],
    )
    _publish_unit(unit, quiet=assignment is not None)
    return unit


def unit_report_positions(*, actor: Actor, unit: Unit, positions: list[dict]) -> dict:
    """Record a batch of positions from a crew phone or a vehicle tracker.

    Positions older than the last known one are ignored (a phone that was offline sends
    its backlog); impossible ones (outside the service area, or a jump faster than any
    vehicle) are rejected. Returns counts and the rejected entries with their reason.
    """
    scope.require_operate(actor, unit)
    if len(positions) > MAX_POSITION_BATCH:
        raise Invalid(_("Paling banyak %(n)s posisi per kiriman.") % {"n": MAX_POSITION_BATCH})
    now = timezone.now()
    parsed, rejected = [], []
    for i, raw in enumerate(positions):
        try:
            at = raw.get("at")
            if isinstance(at, str):
                at = parse_datetime(at)
            if at is None:
                at = now
            if not isinstance(at, datetime) or timezone.is_naive(at):
                raise ValueError("time")
            lat, lon = float(raw["lat"]), float(raw["lon"])
            accuracy = raw.get("accuracy")
            accuracy = float(accuracy) if accuracy is not None else None
        except (KeyError, TypeError, ValueError, AttributeError):
            rejected.append({"index": i, "reason": _("data posisi tidak sah")})
            continue
        if not (math.isfinite(lat) and math.isfinite(lon)):
            rejected.append({"index": i, "reason": _("koordinat bukan angka terhingga")})
            continue
        if accuracy is not None and not (math.isfinite(accuracy) and 0 <= accuracy <= 100_000):
            rejected.append({"index": i, "reason": _("akurasi harus 0–100.000 meter")})
            continue
        if not (SERVICE_AREA["lat"][0] <= lat <= SERVICE_AREA["lat"][1]) or not (
            SERVICE_AREA["lon"][0] <= lon <= SERVICE_AREA["lon"][1]
        ):
            rejected.append({"index": i, "reason": _("di luar wilayah layanan")})
            continue
        if at > now + timedelta(minutes=2):
            rejected.append({"index": i, "reason": _("waktu di masa depan")})
            continue
        parsed.append((at, lat, lon, accuracy, i))
    parsed.sort()
    if not parsed:
        return {"accepted": 0, "ignored": 0, "rejected": rejected}
    from kendali.dispatch.travel import haversine_m_scalar

    # The hot path of a moving fleet (every unit every few seconds): plain SQL for the three
    # statements, measured at several times the ORM's rate (bench/dispatch_moving.py). Each
    # position row names who reported it (the crew token or person), so the position
    # history is its own audit trail, like sensor readings; the move is published as an
    # event after commit. The recommendation index sees it through the row's trigger.
    ops = connection.ops
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    reporter = actor.label[:200]
    with transaction.atomic(), connection.cursor() as cursor:
        # Race: two batches of the same unit (phone retry + tracker). The row lock (SQLite:
        # the database write lock) makes "older than the last known position" judged
        # against the latest committed one.
        cursor.execute(
            "SELECT position_at, lat, lon, callsign, agency_id, kind, status, "  # noqa: S608
            f"current_assignment_id, home_lat, home_lon FROM dispatch_unit WHERE id = %s{lock}",
            [unit.pk],
        )
        row = cursor.fetchone()
        if row is None:
            raise NotFound(_("Unit tidak ditemukan."))
        last_at = row[0]
        if isinstance(last_at, str):  # SQLite returns text for raw queries
            last_at = parse_datetime(last_at)
        if last_at is not None and timezone.is_naive(last_at):
            last_at = timezone.make_aware(last_at, UTC)
        last_lat, last_lon = row[1], row[2]
        accepted, ignored = [], 0
        for at, lat, lon, accuracy, i in parsed:
            if last_at is not None and at <= last_at:
                ignored += 1
                continue
            if last_at is not None and last_lat is not None:
                seconds = max((at - last_at).total_seconds(), 1.0)
                if haversine_m_scalar(last_lat, last_lon, lat, lon) / seconds > MAX_SPEED_MS:
                    rejected.append({"index": i, "reason": _("lompatan posisi tidak mungkin")})
                    continue
            accepted.append(
                (unit.pk, ops.adapt_datetimefield_value(at), lat, lon, accuracy, reporter)
            )
            last_at, last_lat, last_lon = at, lat, lon
        if accepted:
            cursor.executemany(
                "INSERT INTO dispatch_unitposition (unit_id, at, lat, lon, accuracy_m, "
                "reported_by) VALUES (%s, %s, %s, %s, %s, %s)",
                accepted,
            )
            cursor.execute(
                "UPDATE dispatch_unit SET lat = %s, lon = %s, position_at = %s, updated_at = %s "
                "WHERE id = %s",
                [
                    last_lat,
                    last_lon,
                    ops.adapt_datetimefield_value(last_at),
                    ops.adapt_datetimefield_value(now),
                    unit.pk,
                ],
            )
            unit.lat, unit.lon, unit.position_at = last_lat, last_lon, last_at
            publish(
                "dispatch.unit.moved",
                {
                    "id": unit.pk,
                    "callsign": row[3],
                    "agency_id": row[4],
                    "kind": row[5],
                    "status": row[6],
                    "lat": last_lat,
                    "lon": last_lon,
                    "assignment_id": row[7],
                },
                agency_ids=[row[4]],
            )
    return {"accepted": len(accepted), "ignored": ignored, "rejected": rejected}


# ---------------------------------------------------------------- run cards


@transaction.atomic
def runcard_save(
    *, actor: Actor, type_code: str, priority: str, lines: list[dict], note: str = ""
) -> RunCard:
    """Replace the run card of a type and priority. lines: [{"kind", "count", "agency_id"}]."""
    from kendali.incidents.choices import Priority
    from kendali.incidents.models import IncidentType

    _require(
        actor, "dispatch.change_runcard", _("Peran Anda tidak berhak mengubah kartu pengerahan.")
    )
    incident_type = IncidentType.objects.filter(code=type_code).first()
    if incident_type is None:
        raise Invalid(_("Jenis kejadian tidak dikenal."))
    if priority not in Priority.values:
        raise Invalid(_("Prioritas tidak dikenal."))
    clean = []
    for line in lines:
        kind = line.get("kind")
        if kind not in UnitKind.values:
            raise Invalid(_("Jenis unit tidak dikenal: %(k)s") % {"k": kind})
        try:
            count = int(line.get("count", 1))
        except (TypeError, ValueError):
            raise Invalid(_("Jumlah unit harus angka."))
        if not 1 <= count <= 20:
            raise Invalid(_("Jumlah unit 1–20."))
        agency_id = line.get("agency_id") or None
        if agency_id is not None:
            try:
                agency_id = int(agency_id)
            except (TypeError, ValueError):
                raise Invalid(_("Instansi tidak dikenal."))
            if not Agency.objects.filter(pk=agency_id).exists():
                raise Invalid(_("Instansi tidak dikenal."))
        clean.append(RunCardLine(kind=kind, count=count, agency_id=agency_id))
    card, _created = RunCard.objects.select_for_update().get_or_create(
        incident_type=incident_type, priority=priority
    )
    before = {
        "lines": [(line.kind, line.count, line.agency_id) for line in card.lines.all()],
        "note": card.note,
    }
    card.lines.all().delete()
    for line in clean:
        line.run_card = card
    RunCardLine.objects.bulk_create(clean)
    card.note = (note or "").strip()[:300]
    card.save()
    after = {
        "lines": [(line.kind, line.count, line.agency_id) for line in clean],
        "note": card.note,
    }
    audit_record(actor=actor, action="runcard.save", obj=card, changes=diff(before, after))
    publish("dispatch.runcard.updated", {"id": card.pk, "type": type_code, "priority": priority})
    return card


# ---------------------------------------------------------------- assignments


def _assignment_message(a: Assignment) -> Message:
    incident = a.incident
    where = incident.address or (
        f"{incident.lat:.5f}, {incident.lon:.5f}" if incident.lat is not None else ""
    )
    return Message(
        title=_("Penugasan %(unit)s ke %(number)s")
        % {"unit": a.unit.callsign, "number": incident.number},
        body=_("%(type)s (%(priority)s) di %(where)s. Mohon konfirmasi penerimaan.")
        % {"type": incident.type.name, "priority": incident.priority, "where": where or "-"},
        url=INBOX_URL,
        ref=a.ref,
        data={"assignment_id": a.pk, "incident": incident.number, "unit": a.unit.callsign},
    )


@transaction.atomic
def assignment_create(*, actor: Actor, incident, unit: Unit) -> Assignment:
    """Send a unit to an incident. Exactly one of two dispatchers racing for a unit wins."""
    _require(actor, "dispatch.assign_unit", _("Peran Anda tidak berhak menugaskan unit."))
    if incident.status not in OPEN_STATUSES:
        raise Conflict(_("Kejadian %(n)s sudah ditutup.") % {"n": incident.number})
    now = timezone.now()
    # Race: two dispatchers (or one double-click) assigning the same unit at the same moment.
    # Closed by a conditional UPDATE taken first: only a unit that is still active, assignable
    # and free matches; on PostgreSQL the loser's UPDATE waits for the winner's row lock, then
    # re-reads the row and matches nothing; SQLite serializes writers. The partial unique index
    # assignment_one_active_per_unit backs it in the database.
    taken = Unit.objects.filter(
        pk=unit.pk,
        is_active=True,
        status__in=ASSIGNABLE_STATUSES,
        current_assignment__isnull=True,
    ).update(status=UnitStatus.DITUGASKAN, status_changed_at=now, updated_at=now)
    if taken != 1:
        current = Unit.objects.select_related("current_assignment__incident").get(pk=unit.pk)
        if current.current_assignment_id:
            raise Conflict(
                _("%(unit)s sudah ditugaskan ke %(number)s.")
                % {"unit": current.callsign, "number": current.current_assignment.incident.number},
                code="unit-busy",
            )
        raise Conflict(
            _("%(unit)s tidak dapat ditugaskan: status %(status)s.")
            % {"unit": current.callsign, "status": UnitStatus(current.status).label},
            code="unit-unavailable",
        )
    # Race: a call-taker cancelling (or a supervisor closing or merging) the incident while
    # this unit is sent: incidents takes the incident's row lock (always after the unit's, as
    # the crew's status changes do) and refuses a closed incident; see
    # incident_mark_in_progress. The new incident is in progress from here on.
    for_incidents = actor.acting_for(incident_services.ASSIGN_UNIT)
    incident = incident_services.incident_mark_in_progress(actor=for_incidents, incident=incident)
    old_status = unit.status if unit.status in ASSIGNABLE_STATUSES else UnitStatus.TERSEDIA
    assignment = Assignment.objects.create(
        incident=incident,
        unit=unit,
        agency_id=unit.agency_id,
        assigned_at=now,
        assigned_by=actor.user,
    )
    Unit.objects.filter(pk=unit.pk).update(current_assignment=assignment)
    unit.refresh_from_db()
    assignment.unit = unit
    _log_status(unit, old_status, UnitStatus.DITUGASKAN, actor, assignment.pk, now)
    incident_services.incident_add_responding_agency(
        actor=for_incidents, incident=incident, agency=unit.agency, note=unit.callsign
    )
    _timeline(
        actor,
        incident,
        _("%(unit)s (%(agency)s) ditugaskan")
        % {"unit": unit.callsign, "agency": unit.agency.short_name},
        {"assignment_id": assignment.pk, "unit": unit.callsign, "status": "ditugaskan"},
        capability=incident_services.ASSIGN_UNIT,
    )
    audit_record(
        actor=actor,
        action="assignment.create",
        obj=assignment,
        changes={"unit": [None, unit.pk], "incident": [None, incident.pk]},
    )
    notify_agency(agency=unit.agency, message=_assignment_message(assignment))
    _publish_assignment(assignment, "created")
    _publish_unit(unit, quiet=True)
    return assignment


def _locked_assignment(assignment_id: int) -> Assignment:
    a = (
        Assignment.objects.select_for_update()
        .select_related("incident", "unit", "unit__agency")
        .filter(pk=assignment_id)
        .first()
    )
    if a is None:
        raise NotFound(_("Penugasan tidak ditemukan."))
    return a


@transaction.atomic
def assignment_acknowledge(*, actor: Actor, assignment: Assignment) -> Assignment:
    """The agency confirms it received the assignment (from its inbox page or the API)."""
    if not (
        actor.has_perm("dispatch.acknowledge_assignment")
        or actor.has_perm("dispatch.assign_unit")
        or scope.token_unit_id(actor) == assignment.unit_id
    ):
        raise NotAllowed(_("Peran Anda tidak berhak menerima penugasan."))
    scope.require_agency(actor, assignment.agency_id, _("Penugasan tidak ditemukan."))
    if actor.token is not None and actor.user is None:
        scope.require_operate(actor, assignment.unit)
    a = _locked_assignment(assignment.pk)
    if a.acknowledged_at is None:
        a.acknowledged_at = timezone.now()
        a.acknowledged_by = actor.user
        a.save(update_fields=["acknowledged_at", "acknowledged_by"])
        _timeline(
            actor,
            a.incident,
            _("%(agency)s menerima penugasan %(unit)s")
            % {"agency": a.unit.agency.short_name, "unit": a.unit.callsign},
            {"assignment_id": a.pk, "acknowledged": True},
        )
        audit_record(
            actor=actor,
            action="assignment.acknowledge",
            obj=a,
            changes={"acknowledged_at": [None, a.acknowledged_at.isoformat()]},
        )
        _publish_assignment(a, "updated")
        # The agency inbox entry is acknowledged with it.
        from kendali.core.models import Notification

        Notification.objects.filter(ref=a.ref, acknowledged_at__isnull=True).update(
            acknowledged_at=a.acknowledged_at, acknowledged_by=actor.user, read_at=a.acknowledged_at
        )
    return a


def on_notification_acknowledged(*, actor: Actor, notification) -> None:
    """Acknowledging the agency's inbox entry acknowledges the assignment or referral."""
    kind, _sep, raw = notification.ref.partition(":")
    if not raw.isdigit():
        return
    if kind == "dispatch.assignment":
        a = Assignment.objects.filter(pk=int(raw)).first()
        if a is not None and a.acknowledged_at is None:
            assignment_acknowledge(actor=actor, assignment=a)
    elif kind == "dispatch.referral":
        r = Referral.objects.filter(pk=int(raw)).first()
        if r is not None and r.acknowledged_at is None:
            referral_acknowledge(actor=actor, referral=r)


@transaction.atomic
def assignment_release(*, actor: Actor, assignment: Assignment, reason: str) -> Assignment:
    """Cancel an active assignment (wrong unit, no longer needed); the unit becomes available."""
    _require(actor, "dispatch.assign_unit", _("Peran Anda tidak berhak melepas penugasan."))
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Alasan pelepasan wajib diisi."))
    a = _locked_assignment(assignment.pk)
    if not a.is_active:
        raise Conflict(_("Penugasan ini sudah tidak aktif."))
    unit = Unit.objects.select_for_update().get(pk=a.unit_id)
    now = timezone.now()
    a.status, a.cancel_reason, a.cleared_at = AssignmentStatus.DIBATALKAN, reason[:300], now
    a.save()
    old = unit.status
    unit.status, unit.status_changed_at, unit.current_assignment = UnitStatus.TERSEDIA, now, None
    unit.save(update_fields=["status", "status_changed_at", "current_assignment", "updated_at"])
    _log_status(unit, old, UnitStatus.TERSEDIA, actor, a.pk, now)
    _timeline(
        actor,
        a.incident,
        _("%(unit)s dilepas: %(reason)s") % {"unit": unit.callsign, "reason": reason[:200]},
        {"assignment_id": a.pk, "status": "dibatalkan"},
    )
    audit_record(
        actor=actor,
        action="assignment.release",
        obj=a,
        changes={"status": [old, "dibatalkan"]},
        note=reason,
    )
    _publish_assignment(a, "updated")
    _publish_unit(unit, quiet=True)
    return a


# ---------------------------------------------------------------- closing the loop


def _responding_agency_ids(incident) -> set[int]:
    ids = set(incident.assignments.values_list("agency_id", flat=True))
    ids |= set(incident.referrals.values_list("agency_id", flat=True))
    ids |= set(incident.agencies.values_list("id", flat=True))
    return ids


def _sniff_photo(upload) -> str:
    head = upload.read(16)
    upload.seek(0)
    for magic, content_type in PHOTO_TYPES.items():
        if head.startswith(magic):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    raise Invalid(_("Foto harus berupa JPEG, PNG atau WebP."))


@transaction.atomic
def field_report_create(
    *,
    actor: Actor,
    incident,
    outcome: str,
    actions: str,
    casualties_dead: int = 0,
    casualties_injured: int = 0,
    notes: str = "",
    agency: Agency | None = None,
    photos: list | None = None,
) -> FieldReport:
    _require(
        actor, "dispatch.add_fieldreport", _("Peran Anda tidak berhak membuat laporan lapangan.")
    )
    bound = not sees_every_agency(actor)  # an officer reports for their own agency
    if bound:
        if actor.agency_id is None:
            raise NotAllowed(_("Akun Anda tidak terikat instansi."))
        agency = Agency.objects.get(pk=actor.agency_id)
    if agency is None:
        raise Invalid(_("Pilih instansi pelapor."))
    if agency.pk not in _responding_agency_ids(incident):
        if bound:
            raise NotFound(_("Kejadian tidak ditemukan."))
        raise Invalid(_("Instansi ini tidak menangani kejadian tersebut."))
    if outcome not in Outcome.values:
        raise Invalid(_("Hasil penanganan tidak dikenal."))
    if not (actions or "").strip():
        raise Invalid(_("Tindakan yang dilakukan wajib diisi."))
    try:
        dead, injured = int(casualties_dead or 0), int(casualties_injured or 0)
    except (TypeError, ValueError):
        raise Invalid(_("Jumlah korban harus angka."))
    if dead < 0 or injured < 0 or dead > 10000 or injured > 10000:
        raise Invalid(_("Jumlah korban tidak masuk akal."))
    photos = list(photos or [])
    if len(photos) > MAX_PHOTOS:
        raise Invalid(_("Paling banyak %(n)s foto.") % {"n": MAX_PHOTOS})
    checked = []
    for upload in photos:
        if upload.size > MAX_PHOTO_BYTES:
            raise Invalid(_("Foto terlalu besar (maks. 8 MB)."))
        checked.append((upload, _sniff_photo(upload)))
    report = FieldReport.objects.create(
        incident=incident,
        agency=agency,
        author=actor.user,
        outcome=outcome,
        actions=actions.strip(),
        casualties_dead=dead,
        casualties_injured=injured,
        notes=(notes or "").strip(),
    )
    for number, (upload, content_type) in enumerate(checked, start=1):
        ext = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}[content_type]
        photo = FieldReportPhoto(report=report, content_type=content_type, size=upload.size)
        # The stored name is ours, never the uploader's file name.
        photo.image.save(f"laporan-{report.pk}-{number}.{ext}", upload, save=False)
        photo.save()
    _timeline(
        actor,
        incident,
        _("Laporan lapangan %(agency)s: %(outcome)s")
        % {"agency": agency.short_name, "outcome": Outcome(outcome).label},
        {"field_report_id": report.pk},
    )
    audit_record(
        actor=actor,
        action="fieldreport.create",
        obj=report,
        changes={"outcome": [None, outcome], "incident": [None, incident.pk]},
    )
    publish(
        "dispatch.fieldreport.created",
        {"id": report.pk, "incident_id": incident.pk, "agency_id": agency.pk},
        agency_ids=[agency.pk],
    )
    return report


def _callsigns(assignments) -> str:
    return ", ".join(a.unit.callsign for a in assignments)


def incident_close_guard(*, incident, status: str) -> str:
    """Registered in core (IncidentGuard): why ``incident`` may not become ``status``.

    * No incident is closed, cancelled or merged away with units still on it: they would keep
      their assignment on a closed incident, vanish from the board and the SLA job.
    * An incident a unit has already worked is not cancelled: it is closed with the agency's
      field report or a supervisor's override (papan dispatch), so the loop stays closed.
    """
    active = list(
        Assignment.objects.filter(incident=incident, status__in=ACTIVE_ASSIGNMENT)
        .select_related("unit")
        .order_by("assigned_at")
    )
    if active:
        if status == IncidentStatus.DIGABUNG:
            return _(
                "Masih ada unit bertugas di kejadian %(n)s: %(units)s. Selesaikan atau lepaskan "
                "dulu."
            ) % {"n": incident.number, "units": _callsigns(active)}
        return _(
            "Masih ada unit bertugas: %(units)s. Selesaikan atau lepaskan unit dulu di papan "
            "dispatch sebelum kejadian ditutup atau dibatalkan."
        ) % {"units": _callsigns(active)}
    if status == IncidentStatus.DIBATALKAN:
        worked = list(
            Assignment.objects.filter(incident=incident, status=AssignmentStatus.SELESAI)
            .select_related("unit")
            .order_by("assigned_at")
        )
        if worked:
            return _(
                "Unit sudah menangani kejadian ini (%(units)s); kejadian tidak dapat dibatalkan. "
                "Tutup di papan dispatch dengan laporan lapangan instansi, atau oleh supervisor "
                "dengan alasan."
            ) % {"units": _callsigns(worked)}
    return ""


def on_incident_merge(*, actor: Actor, source, target) -> None:
    """Registered in core (IncidentGuard): merging a duplicate moves the units still on it to
    the target — the same event at the same place, so the crews drive on and keep their
    times; released and finished assignments stay in the duplicate's history. A closed
    target cannot take units: the merge is refused."""
    active = list(
        Assignment.objects.select_for_update()
        .filter(incident=source, status__in=ACTIVE_ASSIGNMENT)
        .select_related("unit", "unit__agency")
        .order_by("assigned_at")
    )
    if not active:
        return
    if target.status not in OPEN_STATUSES:
        raise Conflict(
            _(
                "Kejadian tujuan %(n)s sudah ditutup; unit yang masih bertugas di %(src)s "
                "(%(units)s) tidak dapat dipindahkan ke sana. Buka kembali kejadian tujuan "
                "atau lepaskan unitnya dulu."
            )
            % {"n": target.number, "src": source.number, "units": _callsigns(active)}
        )
    Assignment.objects.filter(pk__in=[a.pk for a in active]).update(incident=target)
    for_incidents = actor.acting_for(incident_services.MOVE_UNITS)
    for agency in {a.unit.agency for a in active}:
        incident_services.incident_add_responding_agency(
            actor=for_incidents, incident=target, agency=agency, note=source.number
        )
    incident_services.incident_mark_in_progress(actor=for_incidents, incident=target)
    for a in active:
        a.incident = target
        _timeline(
            actor,
            source,
            _("%(unit)s dipindahkan ke %(n)s (penggabungan)")
            % {"unit": a.unit.callsign, "n": target.number},
            {"assignment_id": a.pk, "moved_to": target.pk},
        )
        _timeline(
            actor,
            target,
            _("%(unit)s (%(agency)s) bergabung dari %(n)s (penggabungan)")
            % {"unit": a.unit.callsign, "agency": a.unit.agency.short_name, "n": source.number},
            {"assignment_id": a.pk, "moved_from": source.pk, "status": a.status},
        )
        audit_record(
            actor=actor,
            action="assignment.move",
            obj=a,
            changes={"incident": [source.pk, target.pk]},
            note=f"{source.number} → {target.number}",
        )
        # The crew's inbox names the incident by number: tell them the one to report on now.
        notify_agency(
            agency=a.unit.agency,
            message=Message(
                title=_("Penugasan %(unit)s dipindahkan ke %(n)s")
                % {"unit": a.unit.callsign, "n": target.number},
                body=_("%(src)s digabung ke %(n)s (kejadian ganda). Unit tetap menuju lokasi.")
                % {"src": source.number, "n": target.number},
                url=INBOX_URL,
                ref=a.ref,
                data={"assignment_id": a.pk, "incident": target.number, "unit": a.unit.callsign},
            ),
        )
        _publish_assignment(a, "updated")
        _publish_unit(a.unit, quiet=True)


@transaction.atomic
def incident_close(*, actor: Actor, incident, override_reason: str = ""):
    """Close an incident: only with a field report from a responding agency, or a
    supervisor's override with a reason. Active units must be cleared or released first."""
    _require(actor, "dispatch.assign_unit", _("Peran Anda tidak berhak menutup kejadian."))
    override_reason = (override_reason or "").strip()
    reason = incident_close_guard(incident=incident, status=IncidentStatus.SELESAI)
    if reason:
        raise Conflict(reason, code="incident-busy")
    has_report = FieldReport.objects.filter(
        incident=incident, agency_id__in=_responding_agency_ids(incident)
    ).exists()
    if not has_report:
        if not override_reason:
            raise Conflict(
                _(
                    "Kejadian hanya dapat ditutup dengan laporan lapangan instansi, atau oleh supervisor dengan alasan."
                ),
                code="field-report-required",
            )
        _require(
            actor,
            "dispatch.close_override",
            _("Hanya supervisor yang dapat menutup tanpa laporan lapangan."),
        )
    note = (
        _("Ditutup supervisor tanpa laporan lapangan: %(r)s") % {"r": override_reason}
        if not has_report
        else _("Ditutup dengan laporan lapangan")
    )
    closed = incident_services.incident_close_verified(
        actor=actor.acting_for(
            incident_services.CLOSE_ON_FIELD_REPORT
            if has_report
            else incident_services.CLOSE_OVERRIDE
        ),
        incident=incident,
        note=note,
        closure="field_report" if has_report else "override",
    )
    audit_record(
        actor=actor,
        action="incident.close",
        obj=closed,
        changes={"status": [incident.status, "selesai"]},
        note=note,
    )
    from kendali.dispatch import sla

    sla.record_breaches(closed)
    return closed


@transaction.atomic
def referral_create(*, actor: Actor, incident, agency: Agency, note: str = "") -> Referral:
    _require(actor, "dispatch.add_referral", _("Peran Anda tidak berhak merujuk kejadian."))
    if Referral.objects.filter(incident=incident, agency=agency).exists():
        raise Conflict(_("Kejadian ini sudah dirujuk ke %(a)s.") % {"a": agency.short_name})
    referral = Referral.objects.create(
        incident=incident, agency=agency, note=(note or "").strip(), created_by=actor.user
    )
    incident_services.incident_add_responding_agency(
        actor=actor.acting_for(incident_services.REFER),
        incident=incident,
        agency=agency,
        note=_("rujukan"),
    )
    _timeline(
        actor,
        incident,
        _("Dirujuk ke %(a)s") % {"a": agency.short_name},
        {"referral_id": referral.pk},
        capability=incident_services.REFER,
    )
    audit_record(
        actor=actor, action="referral.create", obj=referral, changes={"agency": [None, agency.pk]}
    )
    notify_agency(
        agency=agency,
        message=Message(
            title=_("Rujukan kejadian %(n)s") % {"n": incident.number},
            body=f"{incident.type.name}: {incident.address or ''}\n{referral.note}".strip(),
            url=INBOX_URL,
            ref=referral.ref,
        ),
    )
    publish(
        "dispatch.referral.created",
        {"id": referral.pk, "incident_id": incident.pk, "agency_id": agency.pk},
        agency_ids=[agency.pk],
    )
    return referral


def _locked_referral(actor: Actor, referral: Referral) -> Referral:
    if not (
        actor.has_perm("dispatch.acknowledge_assignment") or actor.has_perm("dispatch.add_referral")
    ):
        raise NotAllowed(_("Peran Anda tidak berhak menindaklanjuti rujukan."))
    scope.require_agency(actor, referral.agency_id, _("Rujukan tidak ditemukan."))
    return (
        Referral.objects.select_for_update()
        .select_related("incident", "agency")
        .get(pk=referral.pk)
    )


@transaction.atomic
def referral_acknowledge(*, actor: Actor, referral: Referral) -> Referral:
    r = _locked_referral(actor, referral)
    if r.acknowledged_at is None:
        r.acknowledged_at, r.acknowledged_by = timezone.now(), actor.user
        r.status = ReferralStatus.DITERIMA
        r.save()
        _timeline(
            actor,
            r.incident,
            _("%(a)s menerima rujukan") % {"a": r.agency.short_name},
            {"referral_id": r.pk},
        )
        audit_record(
            actor=actor,
            action="referral.acknowledge",
            obj=r,
            changes={"status": ["dikirim", "diterima"]},
        )
        publish(
            "dispatch.referral.updated",
            {"id": r.pk, "incident_id": r.incident_id, "status": r.status},
            agency_ids=[r.agency_id],
        )
    return r


@transaction.atomic
def referral_resolve(*, actor: Actor, referral: Referral, resolution: str) -> Referral:
    r = _locked_referral(actor, referral)
    if not (resolution or "").strip():
        raise Invalid(_("Uraian penyelesaian wajib diisi."))
    if r.status == ReferralStatus.SELESAI:
        raise Conflict(_("Rujukan ini sudah selesai."))
    now = timezone.now()
    before = r.status
    r.acknowledged_at = r.acknowledged_at or now
    r.acknowledged_by = r.acknowledged_by or actor.user
    r.status, r.resolved_at, r.resolution = ReferralStatus.SELESAI, now, resolution.strip()
    r.save()
    _timeline(
        actor,
        r.incident,
        _("%(a)s menyelesaikan rujukan: %(r)s")
        % {"a": r.agency.short_name, "r": r.resolution[:200]},
        {"referral_id": r.pk},
    )
    audit_record(
        actor=actor, action="referral.resolve", obj=r, changes={"status": [before, "selesai"]}
    )
    publish(
        "dispatch.referral.updated",
        {"id": r.pk, "incident_id": r.incident_id, "status": r.status},
        agency_ids=[r.agency_id],
    )
    return r


# ---------------------------------------------------------------- shift handover

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
    _require(
        actor, "dispatch.add_shiftlog", _("Hanya supervisor yang dapat melakukan serah terima.")
    )
    from kendali.incidents.models import Incident

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
    _require(
        actor, "dispatch.add_shiftlog", _("Hanya supervisor yang dapat menerima serah terima.")
    )
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


def media_root():
    return settings.MEDIA_ROOT


# ---------------------------------------------------------------- SLA targets


@transaction.atomic
def sla_target_set(
    *, actor: Actor, kind: str, seconds: int, type_code: str = "", priority: str = ""
):
    """Set a target (seconds) for all incidents, a type, a priority or a type + priority."""
    from kendali.dispatch.choices import SlaKind
    from kendali.dispatch.models import SlaTarget
    from kendali.incidents.choices import Priority
    from kendali.incidents.models import IncidentType

    _require(
        actor, "dispatch.change_runcard", _("Hanya supervisor yang dapat mengubah target SLA.")
    )
    if kind not in SlaKind.values:
        raise Invalid(_("Jenis timer tidak dikenal."))
    if priority and priority not in Priority.values:
        raise Invalid(_("Prioritas tidak dikenal."))
    incident_type = None
    if type_code:
        incident_type = IncidentType.objects.filter(code=type_code).first()
        if incident_type is None:
            raise Invalid(_("Jenis kejadian tidak dikenal."))
    try:
        seconds = int(seconds)
    except (TypeError, ValueError):
        raise Invalid(_("Target harus berupa jumlah detik."))
    if not 10 <= seconds <= 7 * 24 * 3600:
        raise Invalid(_("Target antara 10 detik dan 7 hari."))
    target, created = SlaTarget.objects.select_for_update().get_or_create(
        kind=kind, incident_type=incident_type, priority=priority, defaults={"seconds": seconds}
    )
    before = None if created else target.seconds
    target.seconds = seconds
    target.save()
    audit_record(
        actor=actor, action="sla_target.set", obj=target, changes={"seconds": [before, seconds]}
    )
    return target
