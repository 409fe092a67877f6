"""Assignments: sending a unit to an incident, its acknowledgement and release."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.audit import audit_record
from kendali.core.errors import Conflict, Invalid, NotAllowed, NotFound
from kendali.core.models import Notification
from kendali.core.notifiers import Message, notify_agency
from kendali.dispatch import scope
from kendali.dispatch.choices import (
    ASSIGNABLE_STATUSES,
    AssignmentStatus,
    UnitStatus,
)
from kendali.dispatch.models import (
    Assignment,
    Referral,
    Unit,
)
from kendali.dispatch.services.base import (
    INBOX_URL,
    log_status,
    publish_assignment,
    publish_unit,
    require,
    timeline,
)
from kendali.dispatch.services.referrals import referral_acknowledge
from kendali.incidents import services as incident_services
from kendali.incidents.choices import OPEN_STATUSES


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
    require(actor, "dispatch.assign_unit", _("Peran Anda tidak berhak menugaskan unit."))
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
    log_status(unit, old_status, UnitStatus.DITUGASKAN, actor, assignment.pk, now)
    incident_services.incident_add_responding_agency(
        actor=for_incidents, incident=incident, agency=unit.agency, note=unit.callsign
    )
    timeline(
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
    publish_assignment(assignment, "created")
    publish_unit(unit, quiet=True)
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
        timeline(
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
        publish_assignment(a, "updated")
        # The agency inbox entry is acknowledged with it.
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
    require(actor, "dispatch.assign_unit", _("Peran Anda tidak berhak melepas penugasan."))
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
    log_status(unit, old, UnitStatus.TERSEDIA, actor, a.pk, now)
    timeline(
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
    publish_assignment(a, "updated")
    publish_unit(unit, quiet=True)
    return a
