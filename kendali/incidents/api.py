"""/api/v1/incidents: list, detail, create (Idempotency-Key), update, timeline, types, nearby."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status

from kendali.core.apiauth import access, actor_of
from kendali.core.choices import TokenScope
from kendali.core.edge import Latitude, Longitude, Offset, Timestamp
from kendali.incidents import selectors, services
from kendali.incidents.choices import IncidentSource

router = Router(tags=["kejadian"])

VIEW = "incidents.view_incident"
READ = access(perm=VIEW, scope=TokenScope.INTEGRATION)


class RegionRef(Schema):
    kode: str
    nama: str


class AgencyRef(Schema):
    id: int
    code: str
    short_name: str


class ReporterOut(Schema):
    name: str
    phone: str


class IncidentOut(Schema):
    id: int
    number: str
    type: str
    type_label: str
    priority: str
    priority_label: str
    status: str
    status_label: str
    source: str
    lat: float | None
    lon: float | None
    location_flag: str
    location_flag_label: str
    address: str
    kelurahan: RegionRef | None
    kecamatan: RegionRef | None
    description: str
    agencies: list[AgencyRef]
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    merged_into: str | None
    url: str


class IncidentDetailOut(IncidentOut):
    reporter: ReporterOut | None = Field(
        None,
        description="Kontak pelapor, hanya dengan `?reporter=true` dan untuk peran yang berhak "
        "(setiap pembacaan dicatat di log audit).",
    )
    reporter_available: bool = Field(
        False, description="Apakah pemanggil boleh membaca kontak pelapor (`?reporter=true`)."
    )
    merged_from: list[str] = []


class IncidentPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[IncidentOut]


def _region(region) -> dict | None:
    return {"kode": region.kode, "nama": region.nama} if region is not None else None


def _out(incident) -> dict:
    return {
        "id": incident.pk,
        "number": incident.number,
        "type": incident.type.code,
        "type_label": incident.type.name,
        "priority": incident.priority,
        "priority_label": incident.get_priority_display(),
        "status": incident.status,
        "status_label": incident.get_status_display(),
        "source": incident.source,
        "lat": incident.lat,
        "lon": incident.lon,
        "location_flag": incident.location_flag,
        "location_flag_label": str(incident.get_location_flag_display()),
        "address": incident.address,
        "kelurahan": _region(incident.kelurahan),
        "kecamatan": _region(incident.kecamatan),
        "description": incident.description,
        "agencies": [
            {"id": a.pk, "code": a.code, "short_name": a.short_name}
            for a in incident.agencies.all()
        ],
        "created_at": incident.created_at,
        "updated_at": incident.updated_at,
        "closed_at": incident.closed_at,
        "merged_into": incident.merged_into.number if incident.merged_into_id else None,
        "url": f"/kejadian/{incident.number}/",
    }


def _detail(actor, incident, *, with_reporter: bool = False) -> dict:
    body = _out(incident)
    # The reporter's contact is read on request only, as with "Tampilkan kontak pelapor" on
    # the page (docs/calls.md): each read is audited; otherwise only whether it may be read.
    body["reporter_available"] = selectors.can_see_reporter_contact(actor=actor, incident=incident)
    body["reporter"] = (
        selectors.reporter_contact(actor=actor, incident=incident, note="api")
        if with_reporter
        else None
    )
    body["merged_from"] = list(incident.merged_from.values_list("number", flat=True))
    return body


class ListFilters(Schema):
    status: str = Field("", description="baru, diproses, selesai, dibatalkan, digabung, terbuka")
    type: str = ""
    priority: str = ""
    kecamatan: str = Field("", description="kode Kemendagri kecamatan")
    kelurahan: str = Field("", description="kode Kemendagri kelurahan")
    q: str = ""
    since: Timestamp | None = None
    until: Timestamp | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: Offset = 0


@router.get("/", response=IncidentPage, auth=READ, summary="Daftar kejadian")
def incident_list(request, filters: Query[ListFilters]):
    actor = actor_of(request)
    qs = selectors.incidents_search(
        actor=actor,
        status=filters.status,
        type_code=filters.type,
        priority=filters.priority,
        kecamatan=filters.kecamatan,
        kelurahan=filters.kelurahan,
        q=filters.q,
        since=filters.since,
        until=filters.until,
    ).select_related("merged_into")
    items = list(qs[filters.offset : filters.offset + filters.limit])
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_out(i) for i in items],
    }


class IncidentIn(Schema):
    type_code: str = Field(..., max_length=40, examples=["kebakaran"])
    priority: str | None = Field(None, description="P1–P4; kosong: bawaan jenis")
    lat: Latitude | None = None
    lon: Longitude | None = None
    address: str = Field("", max_length=300)
    description: str = Field("", max_length=5000)
    reporter_name: str = Field("", max_length=200)
    reporter_phone: str = Field("", max_length=40)
    source: IncidentSource = IncidentSource.MANUAL
    agency_codes: list[str] = Field(default_factory=list, description="kosong: bawaan jenis")


@router.post(
    "/",
    response={201: IncidentDetailOut},
    auth=access(perm="incidents.add_incident"),
    summary="Buat kejadian (mendukung header Idempotency-Key)",
)
def incident_create(request, payload: IncidentIn, response: HttpResponse):
    actor = actor_of(request)
    incident, created = services.incident_create_idempotent(
        actor=actor,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
        **payload.dict(),
    )
    if not created:
        # A retried request with the same key: the first incident, marked as a replay.
        response.headers["Idempotent-Replayed"] = "true"
    incident = selectors.incident_for(actor=actor, number_or_id=incident.pk)
    return Status(201, _detail(actor, incident))


class TypeOut(Schema):
    code: str
    name: str
    default_priority: str
    shortcut: str
    default_agencies: list[str]


@router.get("/types", response=list[TypeOut], auth=READ, summary="Jenis kejadian")
def incident_types(request):
    return [
        {
            "code": t.code,
            "name": t.name,
            "default_priority": t.default_priority,
            "shortcut": t.shortcut,
            "default_agencies": [a.code for a in t.default_agencies.all()],
        }
        for t in selectors.incident_types()
    ]


class NearbyOut(Schema):
    incident: IncidentOut
    distance_m: int
    minutes_ago: int


class NearbyQuery(Schema):
    lat: Latitude
    lon: Longitude
    type: str | None = None
    within_m: float = Field(500, gt=0, le=5000)
    window_min: float = Field(30, gt=0, le=24 * 60)


@router.get(
    "/nearby",
    response=list[NearbyOut],
    auth=READ,
    summary="Kejadian terbuka di dekat titik (saran kejadian ganda)",
)
def incident_nearby(request, params: Query[NearbyQuery]):
    actor = actor_of(request)
    services.validate_coordinates(params.lat, params.lon)
    found = selectors.incidents_nearby(
        actor=actor,
        lat=params.lat,
        lon=params.lon,
        type_code=params.type,
        within_m=params.within_m,
        window_min=params.window_min,
    )
    return [
        {
            "incident": _out(r["incident"]),
            "distance_m": r["distance_m"],
            "minutes_ago": r["minutes_ago"],
        }
        for r in found
    ]


@router.get("/{ref}", response=IncidentDetailOut, auth=READ, summary="Rincian kejadian")
def incident_detail(request, ref: str, reporter: bool = False):
    """``?reporter=true``: include the reporter's name and phone (audited read)."""
    actor = actor_of(request)
    incident = selectors.incident_for(actor=actor, number_or_id=ref)
    return _detail(actor, incident, with_reporter=reporter)


class IncidentPatch(Schema):
    type_code: str | None = Field(None, max_length=40)
    priority: str | None = None
    lat: float | None = None
    lon: float | None = None
    address: str | None = Field(None, max_length=300)
    description: str | None = Field(None, max_length=5000)
    reporter_name: str | None = Field(None, max_length=200)
    reporter_phone: str | None = Field(None, max_length=40)
    agency_codes: list[str] | None = None
    status: str | None = None
    note: str = Field("", max_length=300, description="catatan perubahan status")


@router.patch(
    "/{ref}",
    response=IncidentDetailOut,
    auth=access(perm="incidents.change_incident"),
    summary="Ubah kejadian (termasuk status)",
)
def incident_update(request, ref: str, payload: IncidentPatch):
    actor = actor_of(request)
    incident = selectors.incident_for(actor=actor, number_or_id=ref)
    fields = payload.dict(exclude_unset=True)
    status = fields.pop("status", None)
    note = fields.pop("note", "")
    with transaction.atomic():
        if fields:
            incident = services.incident_update(actor=actor, incident=incident, **fields)
        if status:
            incident = services.incident_set_status(
                actor=actor, incident=incident, status=status, note=note
            )
    return _detail(actor, selectors.incident_for(actor=actor, number_or_id=incident.pk))


class TimelineOut(Schema):
    at: datetime
    kind: str
    kind_label: str
    actor_label: str
    summary: str
    incident: str
    data: dict


@router.get("/{ref}/timeline", response=list[TimelineOut], auth=READ, summary="Riwayat kejadian")
def incident_timeline(request, ref: str):
    actor = actor_of(request)
    incident = selectors.incident_for(actor=actor, number_or_id=ref)
    return [
        {
            "at": t.at,
            "kind": t.kind,
            "kind_label": t.kind_label,
            "actor_label": t.actor_label,
            "summary": t.summary,
            "incident": t.incident.number,
            "data": t.data,
        }
        for t in selectors.incident_timeline(actor=actor, incident=incident)
    ]


class TimelineIn(Schema):
    kind: str = Field("note", max_length=30)
    summary: str = Field(..., min_length=1, max_length=500)


@router.post(
    "/{ref}/timeline",
    response={201: TimelineOut},
    auth=access(perm=VIEW),
    summary="Tambah catatan riwayat",
)
def incident_timeline_add(request, ref: str, payload: TimelineIn):
    actor = actor_of(request)
    incident = selectors.incident_for(actor=actor, number_or_id=ref)
    entry = services.incident_timeline_add(
        actor=actor, incident=incident, kind=payload.kind, summary=payload.summary
    )
    return Status(
        201,
        {
            "at": entry.at,
            "kind": entry.kind,
            "kind_label": entry.kind_label,
            "actor_label": entry.actor_label,
            "summary": entry.summary,
            "incident": incident.number,
            "data": entry.data,
        },
    )


class MergeIn(Schema):
    target: str = Field(..., description="nomor atau id kejadian tujuan")


@router.post(
    "/{ref}/merge",
    response=IncidentDetailOut,
    auth=access(perm="incidents.merge_incident"),
    summary="Gabungkan kejadian ganda ke kejadian lain",
)
def incident_merge(request, ref: str, payload: MergeIn):
    actor = actor_of(request)
    source = selectors.incident_for(actor=actor, number_or_id=ref)
    target = selectors.incident_for(actor=actor, number_or_id=payload.target)
    target = services.incident_merge(actor=actor, source=source, target=target)
    return _detail(actor, selectors.incident_for(actor=actor, number_or_id=target.pk))
