"""/api/v1/alerts: drafting, approval, update and cancellation of public warnings.

The CAP documents and the Atom feed keep the standard's own paths (/alerts/…), see
``public_urls``; this router is the operators' JSON door to the same services."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Field, Router, Schema, Status

from kendali.alerts import cap, selectors, services
from kendali.alerts.validation import DraftInput
from kendali.core.apiauth import access, actor_of
from kendali.core.choices import TokenScope
from kendali.core.edge import Latitude, Longitude, Timestamp

router = Router(tags=["peringatan"])

VIEW, DRAFT, APPROVE = services.PERM_VIEW, services.PERM_DRAFT, services.PERM_APPROVE


class DraftIn(Schema):
    event: str = ""
    headline: str = ""
    description: str = ""
    instruction: str = ""
    categories: list[str] = []
    urgency: str = ""
    severity: str = ""
    certainty: str = ""
    effective: Timestamp | None = None
    onset: Timestamp | None = None
    expires: Timestamp | None = None
    sender_name: str = ""
    contact: str = ""
    web: str = ""
    status: str = "Actual"
    source: str = ""
    note: str = ""
    kelurahan: list[str] = []
    kecamatan: list[str] = []
    circle_lat: Latitude | None = None
    circle_lon: Longitude | None = None
    circle_radius_km: Annotated[float, Field(gt=0, le=100, allow_inf_nan=False)] | None = None
    circle_description: str = ""
    event_en: str = ""
    headline_en: str = ""
    description_en: str = ""
    instruction_en: str = ""

    def to_input(self) -> DraftInput:
        return DraftInput(**self.dict())


class ReasonIn(Schema):
    reason: str = ""


class AlertOut(Schema):
    id: int
    identifier: str
    state: str
    msg_type: str
    status: str
    event: str
    headline: str
    categories: list[str]
    urgency: str
    severity: str
    certainty: str
    sent: datetime | None
    expires: datetime
    author: str | None
    approver: str | None
    references: str | None
    review_note: str
    kelurahan: list[str]
    kecamatan: list[str]
    cap_url: str | None
    page_url: str | None


def _out(request, alert) -> dict:
    base = request.build_absolute_uri("/")
    published = alert.sent is not None
    return {
        "id": alert.pk,
        "identifier": alert.identifier,
        "state": alert.state,
        "msg_type": alert.msg_type,
        "status": alert.status,
        "event": alert.event,
        "headline": alert.headline,
        "categories": alert.categories,
        "urgency": alert.urgency,
        "severity": alert.severity,
        "certainty": alert.certainty,
        "sent": alert.sent,
        "expires": alert.expires,
        "author": alert.author.username if alert.author_id else None,
        "approver": alert.approver.username if alert.approver_id else None,
        "references": alert.replaces.identifier if alert.replaces_id else None,
        "review_note": alert.review_note,
        "kelurahan": [a.region_id for a in alert.areas.all() if a.kind == "kelurahan"],
        "kecamatan": [a.region_id for a in alert.areas.all() if a.kind == "kecamatan"],
        "cap_url": cap.cap_url(alert, base) if published else None,
        "page_url": cap.public_page_url(alert, base) if published else None,
    }


def _get(request, alert_id: int):
    return selectors.operator_alert(actor=actor_of(request), pk=alert_id)


@router.get(
    "/active",
    auth=None,
    response=list[AlertOut],
    summary="Peringatan yang sedang berlaku (publik); ?kelurahan=<kode> untuk satu kelurahan",
)
def active(request, kelurahan: str = ""):
    alerts = (
        selectors.active_alerts_for_kelurahan(kelurahan) if kelurahan else selectors.active_alerts()
    )
    return [_out(request, a) for a in alerts]


@router.get(
    "",
    auth=access(perm=VIEW, scope=TokenScope.INTEGRATION),
    response=list[AlertOut],
    summary="Daftar peringatan: tab draft, submitted, published, archive",
)
def list_alerts(request, tab: str = "published"):
    alerts = selectors.operator_alerts(actor=actor_of(request), bucket=tab)[:200]
    return [_out(request, a) for a in alerts]


@router.post("", auth=access(perm=DRAFT), response={201: AlertOut}, summary="Susun draf")
def create(request, payload: DraftIn):
    alert = services.alert_draft_create(actor=actor_of(request), data=payload.to_input())
    return Status(201, _out(request, _get(request, alert.pk)))


@router.get(
    "/{alert_id}",
    auth=access(perm=VIEW, scope=TokenScope.INTEGRATION),
    response=AlertOut,
    summary="Satu peringatan",
)
def detail(request, alert_id: int):
    return _out(request, _get(request, alert_id))


@router.put("/{alert_id}", auth=access(perm=DRAFT), response=AlertOut, summary="Ubah draf")
def edit(request, alert_id: int, payload: DraftIn):
    alert = services.alert_draft_update(
        actor=actor_of(request), alert=_get(request, alert_id), data=payload.to_input()
    )
    return _out(request, _get(request, alert.pk))


@router.post("/{alert_id}/submit", auth=access(perm=DRAFT), response=AlertOut, summary="Ajukan")
def submit(request, alert_id: int):
    alert = services.alert_submit(actor=actor_of(request), alert=_get(request, alert_id))
    return _out(request, _get(request, alert.pk))


@router.post(
    "/{alert_id}/approve",
    auth=access(perm=APPROVE),
    response=AlertOut,
    summary="Setujui dan terbitkan (bukan oleh penyusunnya)",
)
def approve(request, alert_id: int):
    alert = services.alert_approve(actor=actor_of(request), alert=_get(request, alert_id))
    return _out(request, _get(request, alert.pk))


@router.post(
    "/{alert_id}/reject", auth=access(perm=APPROVE), response=AlertOut, summary="Kembalikan ke draf"
)
def reject(request, alert_id: int, payload: ReasonIn):
    alert = services.alert_reject(
        actor=actor_of(request), alert=_get(request, alert_id), reason=payload.reason
    )
    return _out(request, _get(request, alert.pk))


@router.post(
    "/{alert_id}/update",
    auth=access(perm=DRAFT),
    response={201: AlertOut},
    summary="Draf pembaruan (msgType Update) yang merujuk peringatan ini",
)
def update(request, alert_id: int, payload: DraftIn):
    alert = services.alert_update(
        actor=actor_of(request), original=_get(request, alert_id), data=payload.to_input()
    )
    return Status(201, _out(request, _get(request, alert.pk)))


@router.post(
    "/{alert_id}/cancel",
    auth=access(perm=DRAFT),
    response={201: AlertOut},
    summary="Pembatalan (msgType Cancel), langsung diajukan untuk disetujui",
)
def cancel(request, alert_id: int, payload: ReasonIn):
    alert = services.alert_cancel(
        actor=actor_of(request), original=_get(request, alert_id), reason=payload.reason
    )
    return Status(201, _out(request, _get(request, alert.pk)))
