"""The live demo's dispatch floor and crews: units are sent, drive, report and come back.

Registered as a demo tick (:mod:`kendali.core.demo_live`), run after the 112 tick. Every
step goes through the dispatch services as a simulator actor:

* a dispatcher sends the recommended units (``selectors.recommend`` → ``assignment_create``)
  to each incident the demo simulator (or a demo sensor) opened and nobody has handled yet;
* the agency acknowledges its own assignments, but only for agencies no person answers for
  (:func:`kendali.core.demo_live.human_agency_ids`): an assignment a person made, or one for
  an agency with an officer's account (the printed ``damkar``, ``bpbd``… logins), waits for
  that officer's "Terima";
* once acknowledged, the crew drives there at a few times road speed (position
  batches, like a crew phone), works on scene, files a field report and drives back;
* the dispatcher closes the incident once its units are clear and a report is in;
* bounded: at most ``MAX_OPEN`` demo incidents stay open, none longer than ``MAX_AGE``.

Incidents the sensors open by themselves (the demo flood wave) are handled the same way.
Units people sent by hand in the demo drive and clear too (as ``simulate units`` does);
their incidents are left for people to report and close.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta

from django.utils import timezone

from kendali.core.demo_live import SIMULATOR_LABEL, human_agency_ids, simulator_actor
from kendali.core.geo import distance_m
from kendali.core.models import AuditEntry
from kendali.dispatch import selectors, services
from kendali.dispatch.choices import ACTIVE_ASSIGNMENT, KIND_SPEED_KMH, UnitKind, UnitStatus
from kendali.dispatch.models import FieldReport, Unit
from kendali.incidents.choices import OPEN_STATUSES
from kendali.incidents.models import Incident

logger = logging.getLogger(__name__)

SPEEDUP = 4.0  # times road speed; more would look like a GPS jump and be rejected
MAX_STEP_S = 30.0  # a tick late by more than this does not teleport the unit
ARRIVED_M = 60
ON_SCENE_S = 90  # seconds a crew works on scene before reporting
UNITS_PER_INCIDENT = 3
MAX_OPEN = 6
MAX_AGE = timedelta(minutes=30)
REPORT_ACTIONS = "Simulasi demo: penanganan di lokasi selesai, situasi aman terkendali."


def _actors():
    return (
        simulator_actor("dispatcher"),
        simulator_actor("instansi"),
        simulator_actor("kru"),
    )


def demo_incident_ids(since: datetime) -> list[int]:
    """Incidents of the moving city: those the demo simulator opened (their creation is
    audited under its name) and those the sensors opened by themselves (the demo flood
    wave), so that every one of them is handled and none piles up overnight."""
    ids = AuditEntry.objects.filter(
        action="incident.create",
        object_type="incidents.incident",
        actor_label__startswith=SIMULATOR_LABEL,
        at__gte=since,
    ).values_list("object_id", flat=True)
    sensed = Incident.objects.filter(
        source="sensor", created_by__isnull=True, created_at__gte=since
    ).values_list("pk", flat=True)
    return [int(i) for i in ids if i.isdigit()] + list(sensed)


def _step_toward(lat, lon, to_lat, to_lon, metres):
    dist = distance_m(lat, lon, to_lat, to_lon)
    if dist <= max(metres, ARRIVED_M) or dist == 0:
        return to_lat, to_lon, True
    f = metres / dist
    return lat + (to_lat - lat) * f, lon + (to_lon - lon) * f, False


def _drive(crew, unit, to_lat, to_lon, now) -> bool:
    elapsed = (now - unit.position_at).total_seconds() if unit.position_at else 5.0
    seconds = min(max(elapsed, 1.0), MAX_STEP_S)
    metres = KIND_SPEED_KMH[UnitKind(unit.kind)] / 3.6 * SPEEDUP * seconds
    lat, lon, arrived = _step_toward(unit.cur_lat, unit.cur_lon, to_lat, to_lon, metres)
    services.unit_report_positions(
        actor=crew, unit=unit, positions=[{"lat": lat, "lon": lon, "at": now}]
    )
    return arrived or (math.isclose(lat, to_lat) and math.isclose(lon, to_lon))


def _report(agency_actor, incident, unit) -> None:
    if not FieldReport.objects.filter(incident=incident, agency_id=unit.agency_id).exists():
        services.field_report_create(
            actor=agency_actor,
            incident=incident,
            agency=unit.agency,
            outcome="tertangani",
            actions=REPORT_ACTIONS,
        )


def may_acknowledge(assignment, human_agencies: set[int]) -> bool:
    """The simulator answers only for itself: an assignment its own dispatcher made
    (``assigned_by`` empty: the simulator has no account) to an agency no person answers for."""
    return assignment.assigned_by_id is None and assignment.agency_id not in human_agencies


def _move(actors, unit, demo_ids: set[int], now, human_agencies: set[int]) -> None:
    _dispatcher, agency_actor, crew = actors
    assignment = unit.current_assignment
    incident = assignment.incident if assignment else None
    if unit.status == UnitStatus.DITUGASKAN:
        if assignment is not None and assignment.acknowledged_at is None:
            if not may_acknowledge(assignment, human_agencies):
                return  # the agency's officer accepts it (or not): the crew waits
            services.assignment_acknowledge(actor=agency_actor, assignment=assignment)
        services.unit_set_status(actor=crew, unit=unit, status=UnitStatus.MENUJU)
    elif unit.status == UnitStatus.MENUJU and incident is not None and incident.lat is not None:
        if _drive(crew, unit, incident.lat, incident.lon, now):
            services.unit_set_status(actor=crew, unit=unit, status=UnitStatus.DI_LOKASI)
    elif unit.status == UnitStatus.DI_LOKASI:
        if (now - unit.status_changed_at).total_seconds() >= ON_SCENE_S:
            if incident is not None and incident.pk in demo_ids:
                _report(agency_actor, incident, unit)
            services.unit_set_status(actor=crew, unit=unit, status=UnitStatus.KEMBALI)
    elif unit.status == UnitStatus.KEMBALI:
        if _drive(crew, unit, unit.home_lat, unit.home_lon, now):
            services.unit_set_status(actor=crew, unit=unit, status=UnitStatus.TERSEDIA)


def _send_units(dispatcher, incident) -> None:
    recommendation = selectors.recommend(actor=dispatcher, incident=incident)
    candidates = recommendation["candidates"]
    chosen = [c for c in candidates if c["suggested"]][:UNITS_PER_INCIDENT] or candidates[:1]
    for candidate in chosen:
        services.assignment_create(
            actor=dispatcher, incident=incident, unit=Unit.objects.get(pk=candidate["unit_id"])
        )


def _wind_down(actors, incident, reason: str) -> None:
    """Bring a demo incident to an end now: units on scene report and leave, others are
    released, then the dispatcher closes it (with the report, or by override)."""
    dispatcher, agency_actor, crew = actors
    for a in incident.assignments.filter(status__in=ACTIVE_ASSIGNMENT).select_related("unit"):
        if a.unit.status == UnitStatus.DI_LOKASI:
            _report(agency_actor, incident, a.unit)
            services.unit_set_status(actor=crew, unit=a.unit, status=UnitStatus.KEMBALI)
        else:
            services.assignment_release(actor=dispatcher, assignment=a, reason=reason)
    has_report = FieldReport.objects.filter(incident=incident).exists()
    services.incident_close(
        actor=dispatcher, incident=incident, override_reason="" if has_report else reason
    )


def _close(dispatcher, incident) -> None:
    services.incident_close(actor=dispatcher, incident=incident)


def demo_tick(*, now: datetime | None = None) -> None:
    now = now or timezone.now()
    actors = _actors()
    dispatcher = actors[0]
    errors: list[str] = []

    def attempt(what: str, function, *args) -> None:
        try:
            function(*args)
        except Exception as exc:  # noqa: BLE001 - one unit's or incident's hiccup is not the city's
            logger.warning("demo dispatch %s: %s", what, exc)
            errors.append(f"{what}: {exc}")

    demo_ids = set(demo_incident_ids(now - timedelta(days=2)))
    human_agencies = human_agency_ids()
    open_demo = list(
        Incident.objects.filter(pk__in=demo_ids, status__in=OPEN_STATUSES).order_by(
            "-created_at", "-pk"
        )
    )
    # Bounded: the newest MAX_OPEN stay, older or overdue ones are brought to an end.
    keep = []
    for n, incident in enumerate(open_demo):
        if n >= MAX_OPEN or now - incident.created_at > MAX_AGE:
            attempt(
                incident.number,
                _wind_down,
                actors,
                incident,
                "Simulasi demo: kejadian demo diakhiri otomatis.",
            )
        else:
            keep.append(incident)
    for incident in keep:
        if not incident.assignments.exists():
            attempt(incident.number, _send_units, dispatcher, incident)
    busy = (
        Unit.objects.filter(is_active=True)
        .exclude(status__in=[UnitStatus.TERSEDIA, UnitStatus.TIDAK_SIAGA])
        .select_related("agency", "current_assignment__incident")
    )
    for unit in busy:
        attempt(unit.callsign, _move, actors, unit, demo_ids, now, human_agencies)
    for incident in keep:
        incident.refresh_from_db()
        if (
            incident.status in OPEN_STATUSES
            and incident.assignments.exists()
            and not incident.assignments.filter(status__in=ACTIVE_ASSIGNMENT).exists()
            and FieldReport.objects.filter(incident=incident).exists()
        ):
            attempt(incident.number, _close, dispatcher, incident)
    if errors:
        raise RuntimeError("; ".join(errors[:5]))
