"""/api/v1/sensors: readings ingest (device tokens), devices, history, alarms, rules."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema

from kendali.core.apiauth import access, actor_of
from kendali.core.choices import TokenScope
from kendali.core.errors import Invalid
from kendali.core.models import Agency
from kendali.sensors import selectors, services

router = Router(tags=["sensors"])


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
)
def readings_post(request):
    """Body: a JSON list of ``{"device", "variable", "time", "value"[, "unit"]}`` or
    ``{"readings": [...]}``. Each item is accepted or rejected with a reason; re-sent
    readings (same device, variable and time) are ignored. A device token writes only its
    own device (``device`` may then be omitted)."""
    try:
        data = json.loads(request.body)  # RequestDataTooBig -> 413 problem+json
    except ValueError:
        raise Invalid(_("Isi permintaan bukan JSON yang valid."))
    if isinstance(data, dict) and "readings" in data:
        data = data["readings"]
    result = services.readings_ingest(actor=actor_of(request), items=data)
    return result.as_dict()


class DeviceIn(Schema):
    code: str
    name: str
    kind: str
    agency: str
    latitude: float | None = None
    longitude: float | None = None
    heartbeat_seconds: int = 300
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
    variables: list[dict]


def _device_out(device) -> dict:
    return {
        "code": device.code,
        "name": device.name,
        "kind": device.kind,
        "status": device.status,
        "latitude": device.latitude,
        "longitude": device.longitude,
        "kelurahan": device.kelurahan_id,
        "agency": device.agency.code,
        "heartbeat_seconds": device.heartbeat_seconds,
        "last_value_at": device.last_value_at,
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
    device, plain = services.device_create(
        actor=actor_of(request), **payload.dict(exclude={"agency"}), agency=agency
    )
    return 201, {"device": _device_out(device), "token": plain}


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


@router.get("/rules/export", auth=access(perm="sensors.view_rule"))
def rules_export(request):
    actor = actor_of(request)
    return services.rules_export(actor=actor, rules=selectors.rules_visible(actor=actor))


@router.post("/rules/import", auth=access(perm="sensors.change_rule"))
def rules_import(request):
    """Body: a document produced by ``/rules/export``. All or nothing."""
    rules = services.rules_import(actor=actor_of(request), data=request.body)
    return {"imported": len(rules)}
