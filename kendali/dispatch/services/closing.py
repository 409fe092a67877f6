"""Closing the loop: the guard on closing or merging an incident, moving units on a merge,
and closing with a field report or a supervisor's override."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.audit import audit_record
from kendali.core.errors import Conflict
from kendali.core.notifiers import Message, notify_agency
from kendali.dispatch import sla
from kendali.dispatch.choices import (
    ACTIVE_ASSIGNMENT,
    AssignmentStatus,
)
from kendali.dispatch.models import (
    Assignment,
    FieldReport,
)
from kendali.dispatch.services.base import (
    INBOX_URL,
    publish_assignment,
    publish_unit,
    require,
    responding_agency_ids,
    timeline,
)
from kendali.incidents import services as incident_services
from kendali.incidents.choices import OPEN_STATUSES, IncidentStatus


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
        timeline(
            actor,
            source,
            _("%(unit)s dipindahkan ke %(n)s (penggabungan)")
            % {"unit": a.unit.callsign, "n": target.number},
            {"assignment_id": a.pk, "moved_to": target.pk},
        )
        timeline(
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
        publish_assignment(a, "updated")
        publish_unit(a.unit, quiet=True)


@transaction.atomic
def incident_close(*, actor: Actor, incident, override_reason: str = ""):
    """Close an incident: only with a field report from a responding agency, or a
    supervisor's override with a reason. Active units must be cleared or released first."""
    require(actor, "dispatch.assign_unit", _("Peran Anda tidak berhak menutup kejadian."))
    override_reason = (override_reason or "").strip()
    reason = incident_close_guard(incident=incident, status=IncidentStatus.SELESAI)
    if reason:
        raise Conflict(reason, code="incident-busy")
    has_report = FieldReport.objects.filter(
        incident=incident, agency_id__in=responding_agency_ids(incident)
    ).exists()
    if not has_report:
        if not override_reason:
            raise Conflict(
                _(
                    "Kejadian hanya dapat ditutup dengan laporan lapangan instansi, atau oleh supervisor dengan alasan."
                ),
                code="field-report-required",
            )
        require(
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
    sla.record_breaches(closed)
    return closed
