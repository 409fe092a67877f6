"""/api/v1/dispatch: units (crews report status and positions with a unit token),
recommendations, assignments, the board and SLA timers."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpResponse
from ninja import Router, Schema, Status

from kendali.core.apiauth import access, actor_of
from kendali.core.choices import TokenScope
from kendali.core.edge import Id, Latitude, Longitude
from kendali.core.errors import Invalid
from kendali.core.models import Agency
from kendali.dispatch import selectors, services, sla
from kendali.dispatch.choices import ACTIVE_ASSIGNMENT, UnitKind, UnitStatus

router = Router(tags=["dispatch"])

UNIT = TokenScope.UNIT


class UnitOut(Schema):
    id: int
    callsign: str
    agency_id: int
    agency: str
    kind: str
    kind_label: str
    capabilities: list[str]
    station: str
    status: str
    status_label: str
    lat: float
    lon: float
    position_at: datetime | None
    assignment_id: int | None


class UnitIn(Schema):
    agency_id: int
    callsign: str
    kind: str
    home_lat: Latitude
    home_lon: Longitude
    station: str = ""
    capabilities: list[str] = []


class UnitPatch(Schema):
    callsign: str | None = None
    kind: str | None = None
    station: str | None = None
    capabilities: list[str] | None = None
    home_lat: float | None = None
    home_lon: float | None = None


class StatusIn(Schema):
    status: str
    note: str = ""


class PositionIn(Schema):
    """One fix. Impossible values (outside the service area, a time in the future, a
    negative accuracy) reject this position only, with its reason (``rejected``)."""

    lat: float
    lon: float
    at: datetime | None = None
    accuracy: float | None = None


class PositionsIn(Schema):
    positions: list[PositionIn]


class PositionsOut(Schema):
    accepted: int
    ignored: int
    rejected: list[dict]


class AssignIn(Schema):
    incident_id: Id
    unit_id: Id


class ReleaseIn(Schema):
    reason: str


class AssignmentOut(Schema):
    id: int
    incident_id: int
    incident_number: str
    unit_id: int
    callsign: str
    agency_id: int
    status: str
    assigned_at: datetime
    acknowledged_at: datetime | None
    en_route_at: datetime | None
    on_scene_at: datetime | None
    cleared_at: datetime | None


def _unit(unit) -> dict:
    return {
        "id": unit.pk,
        "callsign": unit.callsign,
        "agency_id": unit.agency_id,
        "agency": unit.agency.short_name,
        "kind": unit.kind,
        "kind_label": str(UnitKind(unit.kind).label),
        "capabilities": unit.capabilities,
        "station": unit.station,
        "status": unit.status,
        "status_label": str(UnitStatus(unit.status).label),
        "lat": unit.cur_lat,
        "lon": unit.cur_lon,
        "position_at": unit.position_at,
        "assignment_id": unit.current_assignment_id,
    }


def _assignment(a) -> dict:
    return {
        "id": a.pk,
        "incident_id": a.incident_id,
        "incident_number": a.incident.number,
        "unit_id": a.unit_id,
        "callsign": a.unit.callsign,
        "agency_id": a.agency_id,
        "status": a.status,
        "assigned_at": a.assigned_at,
        "acknowledged_at": a.acknowledged_at,
        "en_route_at": a.en_route_at,
        "on_scene_at": a.on_scene_at,
        "cleared_at": a.cleared_at,
    }


@router.get(
    "/units",
    response=list[UnitOut],
    auth=access(perm="dispatch.view_unit", scope=UNIT),
    summary="Daftar unit",
)
def units(request):
    return [_unit(u) for u in selectors.units_visible(actor=actor_of(request))]


@router.post(
    "/units", response={201: UnitOut}, auth=access(perm="dispatch.add_unit"), summary="Tambah unit"
)
def unit_create(request, payload: UnitIn):
    actor = actor_of(request)
    agency = Agency.objects.filter(pk=payload.agency_id).first()
    if agency is None:
        raise Invalid("Instansi tidak dikenal.")
    unit = services.unit_create(actor=actor, agency=agency, **payload.dict(exclude={"agency_id"}))
    return Status(201, _unit(unit))


@router.get(
    "/units/{unit_id}",
    response=UnitOut,
    auth=access(perm="dispatch.view_unit", scope=UNIT),
    summary="Rincian unit",
)
def unit_detail(request, unit_id: int):
    return _unit(selectors.unit_for(actor=actor_of(request), pk=unit_id))


@router.patch(
    "/units/{unit_id}",
    response=UnitOut,
    auth=access(perm="dispatch.change_unit"),
    summary="Ubah unit",
)
def unit_update(request, unit_id: int, payload: UnitPatch):
    actor = actor_of(request)
    unit = selectors.unit_for(actor=actor, pk=unit_id)
    fields = {k: v for k, v in payload.dict().items() if v is not None}
    return _unit(services.unit_update(actor=actor, unit=unit, **fields))


@router.delete(
    "/units/{unit_id}",
    response={204: None},
    auth=access(perm="dispatch.delete_unit"),
    summary="Hapus unit",
)
def unit_delete(request, unit_id: int):
    actor = actor_of(request)
    services.unit_delete(actor=actor, unit=selectors.unit_for(actor=actor, pk=unit_id))
    return HttpResponse(status=204)


@router.post(
    "/units/{unit_id}/status",
    response=UnitOut,
    auth=access(perm="dispatch.operate_unit", scope=UNIT),
    summary="Ubah status unit (kru)",
)
def unit_status(request, unit_id: int, payload: StatusIn):
    actor = actor_of(request)
    unit = selectors.unit_for(actor=actor, pk=unit_id)
    unit = services.unit_set_status(
        actor=actor, unit=unit, status=payload.status, note=payload.note
    )
    return _unit(selectors.unit_for(actor=actor, pk=unit.pk))


@router.post(
    "/units/{unit_id}/positions",
    response=PositionsOut,
    auth=access(perm="dispatch.operate_unit", scope=UNIT),
    summary="Kirim posisi unit (batch)",
)
def unit_positions(request, unit_id: int, payload: PositionsIn):
    actor = actor_of(request)
    unit = selectors.unit_for(actor=actor, pk=unit_id)
    return services.unit_report_positions(
        actor=actor, unit=unit, positions=[p.dict() for p in payload.positions]
    )


@router.get(
    "/incidents/{incident_id}/recommendations",
    auth=access(perm="dispatch.assign_unit"),
    summary="Rekomendasi unit",
)
def recommendations(request, incident_id: int):
    actor = actor_of(request)
    incident = selectors.incident_for(actor=actor, pk=incident_id)
    return selectors.recommend(actor=actor, incident=incident)


@router.get(
    "/incidents/{incident_id}/timers",
    auth=access(perm="dispatch.view_assignment"),
    summary="Timer SLA kejadian",
)
def timers(request, incident_id: int):
    incident = selectors.incident_for(actor=actor_of(request), pk=incident_id)
    return [t.as_dict() for t in sla.timers_for([incident])[incident.pk]]


@router.post(
    "/assignments",
    response={201: AssignmentOut},
    auth=access(perm="dispatch.assign_unit"),
    summary="Tugaskan unit",
)
def assign(request, payload: AssignIn):
    actor = actor_of(request)
    incident = selectors.incident_for(actor=actor, pk=payload.incident_id)
    unit = selectors.unit_for(actor=actor, pk=payload.unit_id)
    return Status(
        201, _assignment(services.assignment_create(actor=actor, incident=incident, unit=unit))
    )


@router.get(
    "/assignments",
    response=list[AssignmentOut],
    auth=access(perm="dispatch.view_assignment", scope=UNIT),
    summary="Penugasan aktif",
)
def assignments(request):
    qs = selectors.assignments_visible(actor=actor_of(request)).filter(status__in=ACTIVE_ASSIGNMENT)
    return [_assignment(a) for a in qs[:500]]


@router.post(
    "/assignments/{assignment_id}/acknowledge",
    response=AssignmentOut,
    auth=access(any_perm=("dispatch.acknowledge_assignment", "dispatch.assign_unit"), scope=UNIT),
    summary="Terima penugasan",
)
def acknowledge(request, assignment_id: int):
    actor = actor_of(request)
    a = selectors.assignment_for(actor=actor, pk=assignment_id)
    return _assignment(services.assignment_acknowledge(actor=actor, assignment=a))


@router.post(
    "/assignments/{assignment_id}/release",
    response=AssignmentOut,
    auth=access(perm="dispatch.assign_unit"),
    summary="Lepas penugasan",
)
def release(request, assignment_id: int, payload: ReleaseIn):
    actor = actor_of(request)
    a = selectors.assignment_for(actor=actor, pk=assignment_id)
    return _assignment(
        services.assignment_release(actor=actor, assignment=a, reason=payload.reason)
    )


@router.get(
    "/board", auth=access(perm="dispatch.assign_unit"), summary="Data papan dispatch (peta)"
)
def board(request):
    actor = actor_of(request)
    data = selectors.board(actor=actor, with_units=False)
    incidents = []
    for row in data["incidents"]:
        i = row["incident"]
        incidents.append(
            {
                "id": i.pk,
                "number": i.number,
                "type": i.type.name,
                "priority": i.priority,
                "status": i.status,
                "lat": i.lat,
                "lon": i.lon,
                "timers": row["timers"],
                "units": [a.unit.callsign for a in row["assignments"]],
            }
        )
    return {"incidents": incidents, "units": selectors.units_layer(actor=actor)}
