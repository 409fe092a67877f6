"""/api/v1/sensors: readings ingest (device tokens), devices, history, alarms, rules."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from kendali.core.apiauth import access, actor_of
from kendali.core.audit import snapshot
from kendali.core.choices import TokenScope
from kendali.core.edge import Latitude, Longitude, read_json
from kendali.core.errors import Invalid, NotFound
from kendali.core.models import Agency
from kendali.core.openapi import json_body
from kendali.sensors import selectors, services

router = Router(tags=["sensors"])
READING_SCHEMA = {
    "type": "object",
    "required": ["variable", "time", "value"],
    "properties": {
        "device": {
            "type": "string",
            "description": "kode perangkat (boleh kosong untuk token perangkat)",
        },
        "variable": {"type": "string"},
        "time": {"type": "string", "format": "date-time"},
        "value": {"type": "number"},
        "unit": {"type": "string"},
    },
}


class IngestOut(Schema):
    received: int
    stored: int
    duplicates: int
    rejected: list[dict]
    alarms: list[int]


@router.post(
    "/readings",
    response={200: IngestOut},
    auth=access(perm="sensors.ingest_reading", scope=TokenScope.DEVICE),
    summary="Kirim bacaan sensor (maks. 10.000 per kiriman)",
    openapi_extra=json_body(
        {
            "oneOf": [
                {"type": "array", "items": READING_SCHEMA, "maxItems": 10000},
                {
                    "type": "object",
                    "required": ["readings"],
                    "properties": {
                        "readings": {"type": "array", "items": READING_SCHEMA, "maxItems": 10000}
                    },
                },
            ]
        },
        "Daftar bacaan, atau objek dengan anggota `readings`.",
    ),
)
def readings_post(request):
    """Body: a JSON list of ``{"device", "variable", "time", "value"[, "unit"]}`` or
    ``{"readings": [...]}``. Each item is accepted or rejected with a reason; re-sent
    readings (same device, variable and time) are ignored. A device token writes only its
    own device (``device`` may then be omitted)."""
    data = read_json(
        request, finite=False
    )  # NaN: rejected per item; EdgeInvalid -> 422; RequestDataTooBig -> 413 problem+json
    if isinstance(data, dict) and "readings" in data:
        data = data["readings"]
    result = services.readings_ingest(actor=actor_of(request), items=data)
    return result.as_dict()


class DeviceIn(Schema):
    code: str
    name: str
    kind: str
    agency: str
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    heartbeat_seconds: int = Field(300, ge=10, le=7 * 86400)
    variables: list[tuple[str, str]] | None = None


class DeviceOut(Schema):
    code: str
    name: str
    kind: str
    status: str
    latitude: float | None
    longitude: float | None
    kelurahan: str | None
    agency: str
    heartbeat_seconds: int
    last_value_at: datetime | None
    # FIWARE Smart Data Models name of last_value_at (Device: dateLastValueReported)
    dateLastValueReported: datetime | None  # noqa: N815 - the standard's attribute name
    variables: list[dict]


def _device_out(device) -> dict:
    return {
        "code": device.code,
        "name": device.name,
        "kind": device.kind,
        "status": device.status,
        "latitude": device.lat,
        "longitude": device.lon,
        "kelurahan": device.kelurahan_id,
        "agency": device.agency.code,
        "heartbeat_seconds": device.heartbeat_seconds,
        "last_value_at": device.last_value_at,
        "dateLastValueReported": device.last_value_at,
        "variables": [
            {"name": v.name, "unit": v.unit, "last_value": v.last_value, "last_time": v.last_time}
            for v in device.variables.all()
        ],
    }


@router.get("/devices", response=list[DeviceOut], auth=access(perm="sensors.view_device"))
def devices_list(request):
    devices = selectors.devices_visible(actor=actor_of(request)).prefetch_related("variables")
    return [_device_out(d) for d in devices]


class DeviceCreated(Schema):
    device: DeviceOut
    token: str


@router.post("/devices", response={201: DeviceCreated}, auth=access(perm="sensors.add_device"))
def devices_create(request, payload: DeviceIn):
    agency = Agency.objects.filter(code=payload.agency).first()
    if agency is None:
        raise Invalid(_("Instansi tidak dikenal."), errors={"agency": [payload.agency]})
    # The wire keeps "latitude"/"longitude" (clients already send them); the model says lat/lon.
    device, plain = services.device_create(
        actor=actor_of(request),
        **payload.dict(exclude={"agency", "latitude", "longitude"}),
        lat=payload.latitude,
        lon=payload.longitude,
        agency=agency,
    )
    return 201, {"device": _device_out(device), "token": plain}


@router.post(
    "/devices/{code}/heartbeat",
    response={204: None},
    auth=access(perm="sensors.ingest_reading", scope=TokenScope.DEVICE),
    summary="Detak perangkat tanpa bacaan (kamera CCTV)",
)
def device_heartbeat(request, code: str):
    """The device (or the NVR or a probe checking it) says it is alive; for devices with no
    variables, such as cameras. A device token sends only its own device's heartbeat."""
    services.device_heartbeat(actor=actor_of(request), code=code[:60])
    return Status(204, None)


class PointOut(Schema):
    at: datetime
    mean: float
    min: float
    max: float
    count: int


class HistoryOut(Schema):
    device: str
    variable: str
    unit: str
    resolution: str
    points: list[PointOut]


@router.get("/devices/{code}/history", response=HistoryOut, auth=access(perm="sensors.view_device"))
def device_history(
    request,
    code: str,
    variable: str,
    start: datetime | None = None,
    end: datetime | None = None,
    resolution: str | None = None,
):
    """Points of one variable; ``resolution`` (raw, 1m, 1h) follows the range length unless
    given. Default range: the last 24 hours."""
    device = selectors.device_for(actor=actor_of(request), code=code)
    var = device.variables.filter(name=variable).first()
    if var is None:
        raise Invalid(_("Variabel tidak dikenal."), errors={"variable": [variable]})
    end = end or timezone.now()
    start = start or end - timedelta(hours=24)
    if resolution not in (None, "raw", "1m", "1h"):
        raise Invalid(_("Resolusi: raw, 1m atau 1h."))
    used, points = selectors.history(variable=var, start=start, end=end, resolution=resolution)
    return {
        "device": device.code,
        "variable": var.name,
        "unit": var.unit,
        "resolution": used,
        "points": [
            {"at": p.at, "mean": p.mean, "min": p.minimum, "max": p.maximum, "count": p.count}
            for p in points
        ],
    }


class AlarmOut(Schema):
    id: int
    device: str
    kind: str
    level: str
    status: str
    message: str
    value: float | None
    started_at: datetime
    raised_at: datetime
    cleared_at: datetime | None
    incident_number: str


@router.get("/alarms", response=list[AlarmOut], auth=access(perm="sensors.view_alarm"))
def alarms_list(request, status: str | None = None):
    qs = selectors.alarms_visible(actor=actor_of(request))
    if status == "open":
        qs = qs.exclude(status="cleared")
    elif status:
        qs = qs.filter(status=status)
    return [
        {
            **{f: getattr(a, f) for f in AlarmOut.model_fields if f != "device"},
            "device": a.device.code,
        }
        for a in qs[:500]
    ]


class NoteIn(Schema):
    note: str = ""


@router.post(
    "/alarms/{alarm_id}/acknowledge", response=AlarmOut, auth=access(perm="sensors.change_alarm")
)
def alarm_acknowledge(request, alarm_id: int, payload: NoteIn):
    alarm = services.alarm_acknowledge(
        actor=actor_of(request), alarm_id=alarm_id, note=payload.note
    )
    return {
        **{f: getattr(alarm, f) for f in AlarmOut.model_fields if f != "device"},
        "device": alarm.device.code,
    }


@router.post(
    "/alarms/{alarm_id}/clear", response=AlarmOut, auth=access(perm="sensors.change_alarm")
)
def alarm_clear(request, alarm_id: int, payload: NoteIn):
    alarm = services.alarm_clear(actor=actor_of(request), alarm_id=alarm_id, note=payload.note)
    return {
        **{f: getattr(alarm, f) for f in AlarmOut.model_fields if f != "device"},
        "device": alarm.device.code,
    }


class RuleFieldsIn(Schema):
    """The fields of a rule (docs/sensors.md, "Aturan dan alarm"); unset fields keep their
    current value, or the default for a new rule."""

    name: str | None = None
    kind: str | None = None
    variable: str | None = None
    operator: str | None = None
    threshold: float | None = None
    duration_seconds: int | None = None
    window_seconds: int | None = None
    waspada: float | None = None
    siaga: float | None = None
    awas: float | None = None
    level: str | None = None
    open_incident: bool | None = None
    incident_level: str | None = None
    incident_type: str | None = None
    incident_priority: str | None = None
    incident_agencies: list[str] | None = None
    is_active: bool | None = None


class RuleIn(RuleFieldsIn):
    device: str
    name: str
    kind: str


class RuleOut(Schema):
    id: int
    device: str
    name: str
    kind: str
    variable: str
    operator: str
    threshold: float | None
    duration_seconds: int
    window_seconds: int
    waspada: float | None
    siaga: float | None
    awas: float | None
    level: str
    open_incident: bool
    incident_level: str
    incident_type: str
    incident_priority: str
    incident_agencies: list[str]
    is_active: bool


def _rule_out(rule) -> dict:
    return {"id": rule.pk, "device": rule.device.code, **snapshot(rule, services.RULE_FIELDS)}


def _rule_fields(payload: RuleFieldsIn) -> dict:
    # Only what the client sent: "threshold": null clears a field, leaving it out keeps it.
    return payload.dict(exclude_unset=True, exclude={"device"})


@router.get("/rules", response=list[RuleOut], auth=access(perm="sensors.view_rule"))
def rules_list(request):
    return [_rule_out(r) for r in selectors.rules_visible(actor=actor_of(request))]


@router.post(
    "/rules",
    response={200: RuleOut, 201: RuleOut},
    auth=access(perm="sensors.change_rule"),
    summary="Buat aturan alarm (atau ubah aturan bernama sama pada perangkat itu)",
)
def rule_create(request, payload: RuleIn):
    """201 with the new rule; 200 when the device already had a rule of that name, which
    is then updated (the same upsert as the JSON import)."""
    actor = actor_of(request)
    device = selectors.device_for(actor=actor, code=payload.device)
    existed = device.rules.filter(name=payload.name.strip()).exists()
    rule = services.rule_save(actor=actor, device=device, **_rule_fields(payload))
    return Status(200 if existed else 201, _rule_out(rule))


@router.get("/rules/export", auth=access(perm="sensors.view_rule"))
def rules_export(request):
    actor = actor_of(request)
    return services.rules_export(actor=actor, rules=selectors.rules_visible(actor=actor))


@router.post(
    "/rules/import",
    auth=access(perm="sensors.change_rule"),
    openapi_extra=json_body(
        {
            "type": "object",
            "required": ["rules"],
            "properties": {"rules": {"type": "array", "items": {"type": "object"}}},
        },
        "Dokumen dari `/rules/export` (semua aturan diimpor atau tidak sama sekali).",
    ),
)
def rules_import(request):
    """Body: a document produced by ``/rules/export``. All or nothing."""
    rules = services.rules_import(actor=actor_of(request), data=read_json(request))
    return {"imported": len(rules)}


# After /rules/export and /rules/import: "{rule_id}" would match those words too.
def _rule_for(actor, rule_id: int):
    rule = selectors.rules_visible(actor=actor).filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(_("Aturan tidak ditemukan."))
    return rule


@router.put("/rules/{rule_id}", response=RuleOut, auth=access(perm="sensors.change_rule"))
def rule_update(request, rule_id: int, payload: RuleFieldsIn):
    """Change a rule (it may be renamed); fields left out keep their value."""
    actor = actor_of(request)
    rule = _rule_for(actor, rule_id)
    rule = services.rule_save(
        actor=actor, device=rule.device, rule_id=rule.pk, **_rule_fields(payload)
    )
    return _rule_out(rule)


@router.delete("/rules/{rule_id}", response={204: None}, auth=access(perm="sensors.change_rule"))
def rule_delete(request, rule_id: int):
    """Delete a rule; its open alarm is cleared."""
    actor = actor_of(request)
    services.rule_delete(actor=actor, rule_id=_rule_for(actor, rule_id).pk)
    return HttpResponse(status=204)
