"""Core API: health, the current user, agencies, audit log (read-only), machine tokens."""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from kendali import __version__
from kendali.core import selectors, services
from kendali.core.apiauth import access, actor_of
from kendali.core.edge import Offset, Timestamp
from kendali.core.errors import NotFound
from kendali.core.events import get_store
from kendali.core.models import Agency

router = Router(tags=["inti"])


class HealthOut(Schema):
    status: str
    version: str
    database: str
    events: str


@router.get(
    "/health", auth=None, response={200: HealthOut, 503: HealthOut}, summary="Kesehatan layanan"
)
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        database = "unreachable"
    status = 200 if database == "ok" else 503
    body = {
        "status": "ok" if status == 200 else "degraded",
        "version": __version__,
        "database": database,
        "events": get_store().name,
    }
    return Status(status, body)


class MeOut(Schema):
    username: str
    full_name: str
    roles: list[str]
    agency: str | None
    permissions: list[str]


@router.get("/me", response=MeOut, summary="Pengguna saat ini", auth=access(scope="integration"))
def me(request):
    actor = actor_of(request)
    if actor.user is None:
        return {
            "username": actor.label,
            "full_name": "",
            "roles": [],
            "agency": None,
            "permissions": [f"scope:{s}" for s in actor.token.scopes],
        }
    user = actor.user
    return {
        "username": user.username,
        "full_name": user.full_name,
        "roles": sorted(user.roles),
        "agency": user.agency.code if user.agency else None,
        "permissions": sorted(user.get_all_permissions()),
    }


class ChannelOut(Schema):
    kind: str
    value: str
    label: str
    is_primary: bool


class AgencyOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    # The wire keeps its long names for the clients that read them; the model says lat/lon.
    latitude: float | None = Field(alias="lat")
    longitude: float | None = Field(alias="lon")
    channels: list[ChannelOut]


@router.get(
    "/agencies",
    response=list[AgencyOut],
    summary="Daftar instansi",
    auth=access(perm="core.view_agency", scope="integration"),
)
def agency_list(request):
    actor = actor_of(request)
    return list(selectors.agencies(actor=actor))


class AuditOut(Schema):
    id: int
    at: datetime
    kind: str
    actor: str = Field(alias="actor_label")
    source_ip: str | None
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict
    note: str
    on_behalf: str | None = None


class AuditFilter(Schema):
    action: str = ""
    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    kind: str = ""
    since: Timestamp | None = None
    until: Timestamp | None = None
    limit: int = Field(100, ge=1, le=1000)
    offset: Offset = 0


@router.get(
    "/audit",
    response=list[AuditOut],
    summary="Log audit (hanya baca)",
    auth=access(perm="core.view_audit"),
)
def audit_list(request, filters: Query[AuditFilter]):
    actor = actor_of(request)
    entries = selectors.audit_entries(
        actor=actor,
        action=filters.action,
        actor_label=filters.actor,
        object_type=filters.object_type,
        object_id=filters.object_id,
        kind=filters.kind,
        since=filters.since,
        until=filters.until,
    )
    return list(entries[filters.offset : filters.offset + filters.limit])


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    scopes: list[str] = Field(..., min_length=1)
    agency: str | None = None
    subject_type: str = ""
    subject_id: str = ""
    allowed_ips: list[str] = []


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None
    last_used_ip: str | None


class TokenCreatedOut(TokenOut):
    token: str


@router.get(
    "/tokens",
    response=list[TokenOut],
    summary="Token mesin",
    auth=access(perm="core.manage_tokens"),
)
def token_list(request):
    actor = actor_of(request)
    return list(selectors.machine_tokens(actor=actor))


@router.post(
    "/tokens",
    response={201: TokenCreatedOut},
    auth=access(perm="core.manage_tokens"),
    summary="Buat token mesin (rahasia ditampilkan sekali)",
)
def token_create(request, payload: TokenIn):
    actor = actor_of(request)
    agency = get_object_or_404(Agency, code=payload.agency) if payload.agency else None
    token, plain = services.token_create(
        actor=actor,
        name=payload.name,
        scopes=payload.scopes,
        agency=agency,
        subject_type=payload.subject_type,
        subject_id=payload.subject_id,
        allowed_ips=payload.allowed_ips,
    )
    out = TokenOut.from_orm(token).model_dump()
    return Status(201, {**out, "token": plain})


@router.post(
    "/tokens/{token_id}/revoke",
    response=TokenOut,
    summary="Cabut token mesin",
    auth=access(perm="core.manage_tokens"),
)
def token_revoke(request, token_id: int):
    actor = actor_of(request)
    if not selectors.machine_tokens(actor=actor).filter(pk=token_id).exists():
        raise NotFound("Token tidak ditemukan.")
    return services.token_revoke(actor=actor, token_id=token_id)
