"""/api/v1/control: what the wall shows — registered layers and tiles, history, wall messages —
and the wall screens (registered by name, reporting that they are up)."""

from __future__ import annotations

from datetime import datetime

from django.http import JsonResponse
from ninja import Field, Query, Router, Schema, Status

from kendali.control import selectors, services
from kendali.control.apps import MANAGE_DISPLAY, POST_MESSAGE, VIEW
from kendali.control.choices import MessageLevel
from kendali.control.sessions import keep_wall_session
from kendali.core.apiauth import access, actor_of
from kendali.core.openapi import GEOJSON

router = Router(tags=["ruang kendali"])


class LayerOut(Schema):
    key: str
    label: str
    topics: list[str]
    style: dict
    order: int
    default_on: bool


class TileOut(Schema):
    key: str
    label: str
    topics: list[str]
    order: int


class TileValueOut(Schema):
    key: str
    label: str
    value: int | float | str | None
    unit: str
    detail: str
    level: str


@router.get("/layers", response=list[LayerOut], auth=access(perm=VIEW), summary="Lapisan peta")
def layer_list(request):
    keep_wall_session(request)
    return selectors.layers_visible(actor=actor_of(request))


@router.get(
    "/layers/{key}",
    response=dict,
    auth=access(perm=VIEW),
    summary="Fitur satu lapisan (GeoJSON)",
    openapi_extra=GEOJSON,
)
def layer_detail(request, key: str):
    keep_wall_session(request)
    collection = selectors.layer_features(actor=actor_of(request), key=key)
    return JsonResponse(collection, content_type="application/geo+json")


@router.get("/tiles", response=list[TileOut], auth=access(perm=VIEW), summary="Ubin KPI")
def tile_list(request):
    keep_wall_session(request)
    return selectors.tiles_visible(actor=actor_of(request))


@router.get(
    "/tiles/{key}", response=TileValueOut, auth=access(perm=VIEW), summary="Nilai satu ubin"
)
def tile_detail(request, key: str):
    keep_wall_session(request)
    return selectors.tile_value(actor=actor_of(request), key=key)


class HistoryQuery(Schema):
    days: int = Field(30, ge=1, le=90)
    type: str = Field("", max_length=60)
    priority: str = Field("", max_length=20)
    source: str = Field("", max_length=60)


@router.get("/history", response=dict, auth=access(perm=VIEW), summary="Riwayat per kelurahan")
def history(request, query: Query[HistoryQuery]):
    return selectors.history(
        actor=actor_of(request),
        days=query.days,
        type_code=query.type,
        priority=query.priority,
        source=query.source,
    )


class MessageOut(Schema):
    id: int
    text: str
    level: str
    by: str
    created_at: str
    expires_at: str


class MessageIn(Schema):
    text: str = Field(..., max_length=400)
    level: MessageLevel = MessageLevel.INFO
    minutes: int = Field(60, ge=1, le=7 * 24 * 60)


@router.get("/recent", response=list[dict], auth=access(perm=VIEW), summary="Peristiwa terakhir")
def recent(request):
    """The last events the person may see, oldest first, for the ticker to start with."""
    return selectors.recent_events(user=request.user)


@router.get("/messages", response=list[MessageOut], auth=access(perm=VIEW), summary="Pesan dinding")
def message_list(request):
    keep_wall_session(request)
    return [services.message_data(m) for m in selectors.messages_active(actor=actor_of(request))]


@router.post(
    "/messages", response={201: MessageOut}, auth=access(perm=POST_MESSAGE), summary="Pasang pesan"
)
def message_post(request, payload: MessageIn):
    message = services.wall_message_post(
        actor=actor_of(request),
        text=payload.text,
        level=payload.level.value,
        minutes=payload.minutes,
    )
    return Status(201, services.message_data(message))


class DisplayOut(Schema):
    code: str
    name: str
    last_seen: datetime | None
    online: bool | None = Field(
        ..., description="kosong: belum pernah tersambung; false: tidak terlihat beberapa menit"
    )


class DisplayIn(Schema):
    code: str = Field(..., max_length=40, description="dipakai di alamat dinding: `?layar=<kode>`")
    name: str = Field(..., max_length=100)


@router.get("/displays", response=list[DisplayOut], auth=access(perm=VIEW), summary="Layar dinding")
def display_list(request):
    return [services.display_data(d) for d in selectors.displays(actor=actor_of(request))]


@router.post(
    "/displays",
    response={201: DisplayOut},
    auth=access(perm=MANAGE_DISPLAY),
    summary="Daftarkan layar dinding",
)
def display_register(request, payload: DisplayIn):
    display = services.wall_display_register(
        actor=actor_of(request), code=payload.code, name=payload.name
    )
    return Status(201, services.display_data(display))


@router.post(
    "/displays/{code}/seen",
    response={204: None},
    auth=access(perm=VIEW),
    summary="Halaman dinding layar ini tersambung",
)
def display_seen(request, code: str):
    """Sent by the wall page of ``?layar=<code>`` once a minute while its event stream is
    connected; written at most once a minute per screen."""
    services.wall_display_seen(actor=actor_of(request), code=code[:40])
    return Status(204, None)
