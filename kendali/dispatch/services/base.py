"""What every dispatch service shares: permission checks, the incident timeline line, the
events of units and assignments, and coordinate checks."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.errors import Invalid, NotAllowed
from kendali.core.events import publish
from kendali.dispatch.models import (
    Assignment,
    Unit,
    UnitStatusLog,
)
from kendali.incidents import services as incident_services

INBOX_URL = "/dispatch/kotak-masuk/"  # the agency inbox; e-mail and Telegram make it absolute


def require(actor: Actor, perm: str, message: str) -> None:
    if not actor.has_perm(perm):
        raise NotAllowed(message)


# What dispatch asks of incidents for a person (``actor.acting_for``): the incidents services
# apply their own rule to each and write their own audit entry naming that person.
RECORD = "dispatch.record"  # a line on the incident's timeline (kind "dispatch")


def timeline(
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


def publish_unit(unit: Unit, verb: str = "updated", *, quiet: bool = False) -> None:
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


def publish_assignment(a: Assignment, verb: str) -> None:
    publish(f"dispatch.assignment.{verb}", assignment_event_data(a), agency_ids=[a.agency_id])


def check_point(lat, lon, *, what: str) -> tuple[float, float]:
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        raise Invalid(_("%(what)s: koordinat tidak sah.") % {"what": what})
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Invalid(_("%(what)s: koordinat di luar bumi.") % {"what": what})
    return lat, lon


def log_status(unit: Unit, old: str, new: str, actor: Actor, assignment_id=None, at=None) -> None:
    UnitStatusLog.objects.create(
        unit=unit,
        at=at or timezone.now(),
        from_status=old,
        to_status=new,
        actor_label=actor.label[:200],
        assignment_id=assignment_id,
    )


def responding_agency_ids(incident) -> set[int]:
    ids = set(incident.assignments.values_list("agency_id", flat=True))
    ids |= set(incident.referrals.values_list("agency_id", flat=True))
    ids |= set(incident.agencies.values_list("id", flat=True))
    return ids


def media_root():
    return settings.MEDIA_ROOT
