"""Units: the register of vehicles and crews, and their status as the crew moves."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.audit import audit_record, diff, snapshot
from kendali.core.errors import Conflict, Invalid
from kendali.core.events import publish
from kendali.core.models import Agency
from kendali.dispatch import scope
from kendali.dispatch.choices import (
    BUSY_STATUSES,
    UNIT_TRANSITIONS,
    AssignmentStatus,
    UnitKind,
    UnitStatus,
)
from kendali.dispatch.models import (
    Assignment,
    Unit,
)
from kendali.dispatch.services.base import (
    check_point,
    log_status,
    publish_assignment,
    publish_unit,
    require,
    timeline,
)

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
    require(actor, "dispatch.add_unit", _("Peran Anda tidak berhak menambah unit."))
    scope.require_agency(actor, agency.pk)
    callsign = (callsign or "").strip().upper()
    if not callsign or len(callsign) > 40:
        raise Invalid(_("Tanda panggil wajib diisi (maks. 40 karakter)."))
    if kind not in UnitKind.values:
        raise Invalid(_("Jenis unit tidak dikenal."))
    home_lat, home_lon = check_point(home_lat, home_lon, what=_("Markas"))
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
    publish_unit(unit, "created")
    return unit


@transaction.atomic
def unit_update(*, actor: Actor, unit: Unit, **fields) -> Unit:
    require(actor, "dispatch.change_unit", _("Peran Anda tidak berhak mengubah unit."))
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
        fields["home_lat"], fields["home_lon"] = check_point(
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
    publish_unit(unit)
    return unit


@transaction.atomic
def unit_delete(*, actor: Actor, unit: Unit) -> None:
    require(actor, "dispatch.delete_unit", _("Peran Anda tidak berhak menghapus unit."))
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
        timeline(
            actor, assignment.incident, summary, {"assignment_id": assignment.pk, "status": status}
        )
        publish_assignment(assignment, "updated")
    unit.status = status
    unit.status_changed_at = now
    if status == UnitStatus.KEMBALI:
        unit.current_assignment = None
    unit.save(update_fields=["status", "status_changed_at", "current_assignment", "updated_at"])
    log_status(unit, old, status, actor, assignment.pk if assignment else None, now)
    audit_record(
        actor=actor,
        action="unit.set_status",
        obj=unit,
        changes={"status": [old, status]},
        note=note[:500],
    )
    publish_unit(unit, quiet=assignment is not None)
    return unit
