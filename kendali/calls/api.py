"""112 API: the telephony bridge (machine token, scope "telephony"), caller status for the
PBX (scope "calls:read"), and the call-taker console's calls endpoints."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from django.db import transaction
from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from kendali.calls import selectors, services
from kendali.calls.choices import EventKind
from kendali.calls.models import Call, Caller
from kendali.calls.numbers import mask, normalize
from kendali.core.apiauth import access, actor_of
from kendali.core.audit import audit_personal_read
from kendali.core.edge import Latitude, Longitude, Timestamp, allow_raw_text
from kendali.core.errors import Invalid
from kendali.incidents.selectors import incident_for, incidents_nearby

telephony_router = Router(tags=["112 telepon"])
calls_router = Router(tags=["112"])
routers = [("/telephony", telephony_router), ("/calls", calls_router)]


class EventIn(Schema):
    kind: EventKind
    pbx_call_id: str = Field(..., min_length=1, max_length=100)
    number: str = Field("", max_length=200)
    trunk: str = Field("", max_length=60)
    extension: str = Field("", max_length=20)
    at: Timestamp | None = None
    payload: dict = {}


class EventsIn(Schema):
    events: list[EventIn] = Field(..., max_length=500)


class EventResultOut(Schema):
    kind: str
    pbx_call_id: str
    status: str
    call_id: int | None


class EventsOut(Schema):
    results: list[EventResultOut]


MAX_BATCH = 500
# A garbled number is delivered as the PBX got it: control characters (NUL …) are allowed
# through the edge for this field only and stored escaped with the "invalid" flag.
allow_raw_text("/api/v1/telephony/events", "number")
# Audit object id of a status query for a number with no caller profile.
UNKNOWN_CALLER_ID = "unknown"


@telephony_router.post(
    "/events",
    response=EventsOut,
    summary="Peristiwa panggilan dari PBX (satu atau beberapa sekaligus)",
    auth=access(scope="telephony", people=False),
)
def telephony_events(request, payload: EventsIn | EventIn):
    actor = actor_of(request)
    events = payload.events if isinstance(payload, EventsIn) else [payload]
    if len(events) > MAX_BATCH:
        raise Invalid(_("Paling banyak %d peristiwa per kiriman.") % MAX_BATCH)
    results = []
    # A batch is applied whole or not at all: an event the service refuses rolls back the
    # events before it, so the PBX can resend the corrected batch (docs/api.md).
    with transaction.atomic():
        for event in events:
            result = services.telephony_event(
                actor=actor,
                kind=event.kind.value,
                pbx_call_id=event.pbx_call_id,
                at=event.at,
                number=event.number,
                trunk=event.trunk,
                extension=event.extension,
                payload=event.payload,
            )
            results.append(result.__dict__)
    return {"results": results}


# ---------------------------------------------------------------- callers (PBX and supervisors)


class CallerStatusOut(Schema):
    number: str
    known: bool
    blocked: bool
    blocked_until: datetime | None
    permanent_block_requested: bool
    reason: str


@calls_router.get(
    "/callers/{number}",
    response=CallerStatusOut,
    summary="Status blokir satu nomor (untuk PBX)",
    auth=access(perm="calls.manage_blocking", scope="calls:read"),
)
def caller_status(request, number: str):
    actor = actor_of(request)
    key = normalize(number).key
    caller = Caller.objects.filter(number=key).first() if key else None
    audit_personal_read(
        actor=actor,
        object_type="calls.caller",
        # An unknown number is never written to the (append-only, never purged) audit
        # log, not even hashed: the number space is small enough to reverse any hash.
        object_id=caller.pk if caller else UNKNOWN_CALLER_ID,
        what="caller_status",
    )
    if caller is None:
        return {
            "number": key,
            "known": False,
            "blocked": False,
            "blocked_until": None,
            "permanent_block_requested": False,
            "reason": "",
        }
    return {
        "number": caller.number,
        "known": True,
        "blocked": caller.is_blocked(),
        "blocked_until": caller.blocked_until,
        "permanent_block_requested": caller.permanent_block_requested,
        "reason": caller.block_reason,
    }


def blocklist_csv(actor) -> HttpResponse:
    rows = list(selectors.callers_blocked(actor=actor))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["nomor", "diblokir_sejak", "diblokir_sampai", "blokir_permanen_diajukan", "alasan"]
    )
    for c in rows:
        writer.writerow(
            [
                c.number,
                c.blocked_at.isoformat() if c.blocked_at else "",
                c.blocked_until.isoformat() if c.blocked_until else "",
                "ya" if c.permanent_block_requested else "tidak",
                c.block_reason,
            ]
        )
    audit_personal_read(
        actor=actor,
        object_type="calls.caller",
        object_id="blocklist",
        what="blocklist",
        note=f"{len(rows)} nomor",
    )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="daftar-blokir-112-{stamp}.csv"'
    return response


@calls_router.get(
    "/blocklist.csv",
    summary="Daftar nomor diblokir (CSV) untuk operator telepon",
    auth=access(perm="calls.manage_blocking", scope="calls:read"),
)
def blocklist(request):
    return blocklist_csv(actor_of(request))


# ---------------------------------------------------------------- calls


class CallOut(Schema):
    id: int
    pbx_call_id: str
    source: str
    number: str
    number_flag: str
    trunk: str
    state: str
    offered_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    call_taker: str
    extension: str
    outcome: str
    outcome_label: str
    notes: str
    caller_blocked: bool
    incident_id: int | None
    caller: dict | None = None


def call_out(call: Call, *, show_number: bool, with_caller: bool = False) -> dict:
    number = call.number_e164 or call.number_raw
    return {
        "id": call.pk,
        "pbx_call_id": call.pbx_call_id,
        "source": call.source,
        "number": number if show_number else mask(number),
        "number_flag": call.number_flag,
        "trunk": call.trunk,
        "state": call.state,
        "offered_at": call.offered_at,
        "answered_at": call.answered_at,
        "ended_at": call.ended_at,
        "call_taker": call.call_taker.display_name if call.call_taker_id else "",
        "extension": call.extension,
        "outcome": call.outcome,
        "outcome_label": call.get_outcome_display() if call.outcome else "",
        "notes": call.notes,
        "caller_blocked": call.caller_was_blocked,
        "incident_id": call.incident_id,
        "caller": selectors.caller_summary(call.caller)
        if with_caller and show_number and call.caller_id
        else None,
    }


def _listing(request, calls: list[Call], what: str) -> list[dict]:
    actor = actor_of(request)
    show = selectors.may_see_number(actor=actor)
    if show and calls:
        audit_personal_read(
            actor=actor,
            object_type="calls.call",
            object_id=",".join(str(c.pk) for c in calls)[:60],
            what="caller_number",
            note=f"{what}: {len(calls)} panggilan",
        )
    return [call_out(c, show_number=show) for c in calls]


class CallFilter(Schema):
    outcome: str | None = None
    limit: int = Field(50, ge=1, le=500)


@calls_router.get(
    "/",
    response=list[CallOut],
    summary="Daftar panggilan",
    auth=access(perm="calls.view_call", scope="calls:read"),
)
def call_list(request, filters: Query[CallFilter]):
    qs = selectors.calls_visible(actor=actor_of(request))
    if filters.outcome is not None:
        qs = qs.filter(outcome=filters.outcome)
    return _listing(request, list(qs[: max(1, min(filters.limit, 500))]), "daftar")


@calls_router.get(
    "/queue",
    response=list[CallOut],
    summary="Antrean langsung konsol (nomor lengkap hanya untuk panggilan yang Anda jawab)",
    auth=access(perm="calls.classify_call"),
)
def call_queue(request):
    actor = actor_of(request)
    calls = list(selectors.calls_queue(actor=actor))
    own = {c.pk for c in calls if selectors.may_see_number_in_queue(actor=actor, call=c)}
    shown = [c for c in calls if c.pk in own and c.number_flag != "withheld"]
    if shown:
        audit_personal_read(
            actor=actor,
            object_type="calls.call",
            object_id=",".join(str(c.pk) for c in shown)[:60],
            what="caller_number",
            note=f"antrean: {len(shown)} panggilan",
        )
    return [call_out(c, show_number=c.pk in own) for c in calls]


@calls_router.get(
    "/shift", summary="Penghitung giliran saya", auth=access(perm="calls.classify_call")
)
def shift(request):
    return selectors.shift_counters(actor=actor_of(request))


class ManualIn(Schema):
    number: str = ""
    trunk: str = ""
    notes: str = ""


@calls_router.post(
    "/",
    response={201: CallOut},
    summary="Catat panggilan manual (tanpa PBX)",
    auth=access(perm="calls.add_call"),
)
def call_manual(request, payload: ManualIn):
    call = services.call_manual_create(actor=actor_of(request), **payload.dict())
    return Status(201, call_out(call, show_number=True, with_caller=True))


@calls_router.get(
    "/{int:call_id}",
    response=CallOut,
    summary="Rincian panggilan",
    auth=access(perm="calls.view_call", scope="calls:read"),
)
def call_detail(request, call_id: int):
    actor = actor_of(request)
    call = services.call_get(actor=actor, call_id=call_id)
    show = selectors.may_see_number(actor=actor, call=call)
    if show and call.number_flag != "withheld":
        audit_personal_read(
            actor=actor, object_type="calls.call", object_id=call.pk, what="caller_number"
        )
    return call_out(call, show_number=show, with_caller=True)


class ClassifyIn(Schema):
    outcome: str
    notes: str | None = None


@calls_router.post(
    "/{int:call_id}/classify",
    response=CallOut,
    summary="Klasifikasikan panggilan",
    auth=access(perm="calls.classify_call"),
)
def call_classify(request, call_id: int, payload: ClassifyIn):
    actor = actor_of(request)
    call = services.call_get(actor=actor, call_id=call_id)
    call = services.call_classify(
        actor=actor, call=call, outcome=payload.outcome, notes=payload.notes
    )
    return call_out(call, show_number=False)


@calls_router.post(
    "/{int:call_id}/end",
    response=CallOut,
    summary="Akhiri panggilan (panggilan manual, atau yang tertinggal terbuka)",
    auth=access(perm="calls.classify_call"),
)
def call_end(request, call_id: int):
    actor = actor_of(request)
    call = services.call_get(actor=actor, call_id=call_id)
    return call_out(services.call_end(actor=actor, call=call), show_number=False)


class OpenIncidentIn(Schema):
    type_code: str
    priority: str | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None
    address: str = ""
    description: str = ""
    reporter_name: str = ""
    callback_number: str = ""


class IncidentRefOut(Schema):
    id: int
    number: str
    url: str = ""


def _incident_ref(incident) -> dict:
    try:
        url = reverse("incidents:detail", args=[incident.pk])
    except NoReverseMatch:
        url = ""
    return {"id": incident.pk, "number": incident.number, "url": url}


@calls_router.post(
    "/{int:call_id}/incident",
    response={201: IncidentRefOut},
    summary="Buka kejadian dari panggilan",
    auth=access(perm="calls.classify_call"),
)
def call_open_incident(request, call_id: int, payload: OpenIncidentIn):
    actor = actor_of(request)
    call = services.call_get(actor=actor, call_id=call_id)
    incident = services.call_open_incident(actor=actor, call=call, **payload.dict())
    return Status(201, _incident_ref(incident))


class LinkIn(Schema):
    incident: str


@calls_router.post(
    "/{int:call_id}/link",
    response=IncidentRefOut,
    summary="Gabungkan panggilan ke kejadian yang ada",
    auth=access(perm="calls.classify_call"),
)
def call_link(request, call_id: int, payload: LinkIn):
    actor = actor_of(request)
    call = services.call_get(actor=actor, call_id=call_id)
    incident = incident_for(actor=actor, number_or_id=payload.incident)
    return _incident_ref(services.call_link_incident(actor=actor, call=call, incident=incident))


class NearbyQuery(Schema):
    lat: Latitude
    lon: Longitude
    type_code: str | None = None


@calls_router.get(
    "/nearby",
    summary="Kejadian terbuka di dekat titik (usulan duplikat)",
    auth=access(perm="calls.classify_call"),
)
def nearby(request, query: Query[NearbyQuery]):
    found = incidents_nearby(
        actor=actor_of(request), lat=query.lat, lon=query.lon, type_code=query.type_code
    )
    out = []
    for item in found[:5]:
        incident = item["incident"]
        out.append(
            {
                **_incident_ref(incident),
                "type": incident.type.name,
                "status": incident.status,
                "address": incident.address,
                "distance_m": item["distance_m"],
                "minutes_ago": item["minutes_ago"],
            }
        )
    return out
