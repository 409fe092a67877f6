"""/api/v1/assets: items, ledger entries, approvals, depreciation runs, stock-takes, reports.

Every write goes through the services (scope, four-eyes approval, locks, audit). Scans of a
stock-take carry the page's idempotency key (``Idempotency-Key`` header or ``key``), so a scan
sent again after a lost answer is not counted twice.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from kendali.assets import reports, selectors, services
from kendali.assets.models import Item, LedgerEntry, Room
from kendali.core.apiauth import access, actor_of
from kendali.core.choices import TokenScope
from kendali.core.errors import Invalid, NotFound
from kendali.core.files import private_file_response
from kendali.core.models import Agency

router = Router(tags=["aset (BMD)"])
VIEW = access(perm="assets.view_item", scope=TokenScope.INTEGRATION)
DRAFT = access(perm="assets.draft_entry")
APPROVE = access(perm="assets.approve_entry")


class ItemOut(Schema):
    id: int
    nibar: str | None
    register_code: str
    kib: str
    code: str
    name: str
    agency: str
    status: str
    acquisition_date: date
    origin: str
    acquisition_value: Decimal
    value: Decimal
    accumulated: Decimal
    book_value: Decimal
    intra: bool
    condition: str
    details: dict
    certificate_number: str
    lat: float | None
    lon: float | None
    kelurahan: str
    room: str | None
    device_ref: str | None


def _item(item: Item) -> dict:
    return {
        "id": item.pk,
        "nibar": item.nibar,
        "register_code": item.register_code,
        "kib": item.kib,
        "code": item.code.code,
        "name": item.name,
        "agency": item.agency.code,
        "status": item.status,
        "acquisition_date": item.acquisition_date,
        "origin": item.origin,
        "acquisition_value": item.acquisition_value,
        "value": item.value,
        "accumulated": item.accumulated,
        "book_value": item.book_value,
        "intra": item.intra,
        "condition": item.condition,
        "details": item.details,
        "certificate_number": item.certificate_number,
        "lat": item.lat,
        "lon": item.lon,
        "kelurahan": item.kelurahan.nama if item.kelurahan is not None else "",
        "room": item.room.code if item.room is not None else None,
        "device_ref": item.device_ref,
    }


class ItemFilter(Schema):
    opd: str | None = None
    kib: str | None = None
    status: str | None = None
    q: str | None = None
    limit: int = 50
    offset: int = 0


class ItemIn(Schema):
    opd: str
    code: str
    name: str
    acquisition_date: date
    value: Decimal
    origin: str = "apbd"
    condition: str = "B"
    details: dict = {}
    certificate_number: str = ""
    lat: float | None = None
    lon: float | None = None
    shape: dict | None = None  # GeoJSON geometry (a road, a plot of land)
    room: str | None = None
    quantity: int = 1
    unit: str = "unit"
    note: str = ""


def _agency(actor, code: str) -> Agency:
    agency = selectors.opds(actor=actor).filter(code=code).first()
    if agency is None:
        raise NotFound("OPD tidak ditemukan.")
    return agency


@router.get("/items", response=list[ItemOut], auth=VIEW, summary="Daftar barang (register)")
def item_list(request, filters: Query[ItemFilter]):
    actor = actor_of(request)
    agency_id = _agency(actor, filters.opd).pk if filters.opd else None
    qs = selectors.item_list(
        actor=actor,
        agency_id=agency_id,
        kib=filters.kib or "",
        status=filters.status or "",
        q=filters.q or "",
    )
    limit = max(1, min(filters.limit, 500))
    return [_item(i) for i in qs[filters.offset : filters.offset + limit]]


@router.post("/items", response={201: ItemOut}, auth=DRAFT, summary="Catat perolehan (konsep)")
def item_create(request, payload: ItemIn):
    actor = actor_of(request)
    agency = _agency(actor, payload.opd)
    room = None
    if payload.room:
        room = Room.objects.filter(agency=agency, code=payload.room).first()
        if room is None:
            raise Invalid("Ruang tidak ditemukan pada OPD itu.")
    data = payload.dict(exclude={"opd", "room"})
    item = services.item_draft(actor=actor, agency=agency, room=room, **data)
    return Status(201, _item(selectors.item_for(actor=actor, item_id=item.pk)))


class ValuesOnOut(Schema):
    on: date
    value: Decimal
    accumulated: Decimal
    book_value: Decimal


class ItemOnOut(ItemOut):
    at: ValuesOnOut | None = Field(
        None, description="Nilai pada tanggal `?at=` (kosong tanpa `?at=`)"
    )


class ItemAtQuery(Schema):
    at: str = Field(
        "",
        max_length=10,
        description=(
            "Tanggal TTTT-BB-HH (antara tanggal perolehan dan hari ini): nilai tercatat, "
            "akumulasi penyusutan sampai akhir semester terakhir yang selesai pada tanggal "
            "itu, dan nilai buku. Tanggal yang salah dijawab 422 (problem+json)."
        ),
    )


@router.get("/items/{item_id}", response=ItemOnOut, auth=VIEW, summary="Satu barang")
def item_get(request, item_id: int, query: Query[ItemAtQuery]):
    item = selectors.item_for(actor=actor_of(request), item_id=item_id)
    data = _item(item)
    data["at"] = selectors.values_on(item, query.at) if query.at else None
    return data


class StateOut(Schema):
    online: bool | None
    last_seen: datetime | None
    open_alarms: int
    summary: str
    source: str = ""


@router.get(
    "/items/{item_id}/live",
    response={200: StateOut, 204: None},
    auth=VIEW,
    summary="Keadaan langsung perangkat yang tertaut",
)
def item_live(request, item_id: int):
    actor = actor_of(request)
    state = selectors.live_state(selectors.item_for(actor=actor, item_id=item_id), actor=actor)
    if state is None:
        return Status(204, None)
    return state


class AttachmentOut(Schema):
    id: int
    item: int
    kind: str
    title: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str | None
    uploaded_at: datetime
    url: str


def _attachment(a) -> dict:
    return {
        "id": a.pk,
        "item": a.item_id,
        "kind": a.kind,
        "title": a.title,
        "content_type": a.content_type,
        "size": a.size,
        "sha256": a.sha256,
        "uploaded_by": a.uploaded_by.username if a.uploaded_by_id else None,
        "uploaded_at": a.uploaded_at,
        "url": f"/api/v1/assets/items/{a.item_id}/attachments/{a.pk}",
    }


@router.get(
    "/items/{item_id}/attachments",
    response=list[AttachmentOut],
    auth=VIEW,
    summary="Dokumen dan foto barang",
)
def attachment_list(request, item_id: int):
    item = selectors.item_for(actor=actor_of(request), item_id=item_id)
    return [_attachment(a) for a in selectors.attachments_of(item)]


@router.post(
    "/items/{item_id}/attachments",
    response={201: AttachmentOut},
    auth=DRAFT,
    summary="Unggah lampiran (multipart: file, kind, title; PDF/JPEG/PNG/WebP, maks. 10 MB)",
)
def attachment_create(
    request,
    item_id: int,
    file: File[UploadedFile],
    kind: Form[str],
    title: Form[str] = "",
):
    actor = actor_of(request)
    item = selectors.item_for(actor=actor, item_id=item_id)
    attachment = services.attachment_add(
        actor=actor, item_id=item.pk, upload=file, kind=kind, title=title
    )
    return Status(201, _attachment(attachment))


@router.get(
    "/items/{item_id}/attachments/{attachment_id}",
    auth=VIEW,
    summary="Unduh satu lampiran",
)
def attachment_get(request, item_id: int, attachment_id: int):
    attachment = selectors.attachment_for(
        actor=actor_of(request), item_id=item_id, attachment_id=attachment_id
    )
    return private_file_response(
        attachment.file,
        content_type=attachment.content_type,
        filename=attachment.download_name,
        inline=attachment.inline,
    )


class EntryOut(Schema):
    id: int
    number: str
    item: int
    kind: str
    status: str
    entry_date: date
    amount: Decimal
    agency: str
    to_agency: str | None
    data: dict
    reverses: str | None
    note: str
    drafted_by: str | None
    decided_by: str | None
    decided_at: datetime | None


def _entry(e: LedgerEntry) -> dict:
    return {
        "id": e.pk,
        "number": e.number,
        "item": e.item_id,
        "kind": e.kind,
        "status": e.status,
        "entry_date": e.entry_date,
        "amount": e.amount,
        "agency": e.agency.code,
        "to_agency": e.to_agency.code if e.to_agency is not None else None,
        "data": {k: v for k, v in (e.data or {}).items() if k != "before"},
        "reverses": e.reverses.number if e.reverses is not None else None,
        "note": e.note,
        "drafted_by": e.drafted_by.username if e.drafted_by is not None else None,
        "decided_by": e.decided_by.username if e.decided_by is not None else None,
        "decided_at": e.decided_at,
    }


class EntryFilter(Schema):
    status: str | None = None
    item: int | None = None
    limit: int = 50
    offset: int = 0


@router.get("/entries", response=list[EntryOut], auth=VIEW, summary="Entri buku (ledger)")
def entry_list(request, filters: Query[EntryFilter]):
    qs = (
        selectors.entries_visible(actor=actor_of(request))
        .select_related("reverses")
        .order_by("-id")
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.item:
        qs = qs.filter(item_id=filters.item)
    limit = max(1, min(filters.limit, 500))
    return [_entry(e) for e in qs[filters.offset : filters.offset + limit]]


class EntryIn(Schema):
    item: int
    kind: str
    entry_date: date
    amount: Decimal = Decimal(0)
    to_opd: str | None = None
    data: dict = {}
    note: str = ""


@router.post("/entries", response={201: EntryOut}, auth=DRAFT, summary="Susun entri (konsep)")
def entry_create(request, payload: EntryIn):
    actor = actor_of(request)
    item = selectors.item_for(actor=actor, item_id=payload.item)
    to_agency = None
    if payload.to_opd:
        to_agency = Agency.objects.filter(code=payload.to_opd, kind="opd").first()
        if to_agency is None:
            raise Invalid("OPD tujuan tidak dikenal.")
    entry = services.entry_draft(
        actor=actor,
        item=item,
        kind=payload.kind,
        entry_date=payload.entry_date,
        amount=payload.amount,
        to_agency=to_agency,
        data=payload.data,
        note=payload.note,
    )
    return Status(201, _entry(selectors.entry_for(actor=actor, entry_id=entry.pk)))


class ReverseIn(Schema):
    entry_date: date
    note: str


@router.post(
    "/entries/{entry_id}/reverse",
    response={201: EntryOut},
    auth=DRAFT,
    summary="Susun entri pembalikan",
)
def entry_reverse(request, entry_id: int, payload: ReverseIn):
    actor = actor_of(request)
    entry = services.entry_reverse(actor=actor, entry_id=entry_id, **payload.dict())
    return Status(201, _entry(selectors.entry_for(actor=actor, entry_id=entry.pk)))


class DecisionIn(Schema):
    decision: str  # "approve" or "reject"
    note: str = ""


@router.get("/approvals", response=list[EntryOut], auth=VIEW, summary="Entri menunggu persetujuan")
def approval_list(request):
    return [
        _entry(e)
        for e in selectors.pending_entries(actor=actor_of(request)).select_related("reverses")[:500]
    ]


@router.post(
    "/approvals/{entry_id}", response=EntryOut, auth=APPROVE, summary="Setujui atau tolak entri"
)
def approval_decide(request, entry_id: int, payload: DecisionIn):
    actor = actor_of(request)
    if payload.decision == "approve":
        services.entry_approve(actor=actor, entry_id=entry_id, note=payload.note)
    elif payload.decision == "reject":
        services.entry_reject(actor=actor, entry_id=entry_id, note=payload.note)
    else:
        raise Invalid("Keputusan harus 'approve' atau 'reject'.")
    return _entry(selectors.entry_for(actor=actor, entry_id=entry_id))


class RunOut(Schema):
    id: int
    period: str
    agency: str | None
    status: str
    items: int
    total: Decimal
    seconds: float
    runs: int


def _run(r) -> dict:
    return {
        "id": r.pk,
        "period": r.period,
        "agency": r.agency.code if r.agency_id else None,
        "status": r.status,
        "items": r.items,
        "total": r.total,
        "seconds": r.seconds,
        "runs": r.runs,
    }


class RunIn(Schema):
    period: str
    opd: str | None = None


@router.get(
    "/depreciation-runs",
    response=list[RunOut],
    auth=VIEW,
    summary="Penyusutan yang sudah dijalankan",
)
def run_list(request):
    return [_run(r) for r in selectors.depreciation_runs(actor=actor_of(request))[:200]]


@router.post(
    "/depreciation-runs",
    response={201: RunOut},
    auth=access(perm="assets.run_depreciation"),
    summary="Jalankan penyusutan semester (kota atau satu OPD; dapat diulang sampai dikunci)",
)
def run_create(request, payload: RunIn):
    actor = actor_of(request)
    agency = _agency(actor, payload.opd) if payload.opd else None
    return Status(
        201, _run(services.depreciation_run(actor=actor, period=payload.period, agency=agency))
    )


class StockTakeOut(Schema):
    id: int
    name: str
    agency: str
    room: str | None
    planned_for: date
    status: str
    progress: dict


def _st(st) -> dict:
    return {
        "id": st.pk,
        "name": st.name,
        "agency": st.agency.code,
        "room": st.room.code if st.room_id else None,
        "planned_for": st.planned_for,
        "status": st.status,
        "progress": selectors.stocktake_progress(st),
    }


@router.get("/stocktakes", response=list[StockTakeOut], auth=VIEW, summary="Inventarisasi")
def stocktake_list(request):
    return [_st(st) for st in selectors.stocktakes(actor=actor_of(request))[:100]]


@router.get(
    "/stocktakes/{stocktake_id}", response=StockTakeOut, auth=VIEW, summary="Satu inventarisasi"
)
def stocktake_get(request, stocktake_id: int):
    return _st(selectors.stocktake_for(actor=actor_of(request), stocktake_id=stocktake_id))


class ScanIn(Schema):
    key: str = ""
    code: str = ""  # empty for an item without a label (then found_name)
    condition: str = ""
    note: str = ""
    lat: float | None = None
    lon: float | None = None
    photo: str = ""
    scanned_at: datetime | None = None
    # An item on site that is not in the register: what the officer saw.
    found_name: str = ""
    found_code: str = ""
    found_value: Decimal | None = None


class ScanOut(Schema):
    key: str
    result: str
    item: int | None
    name: str
    replayed: bool
    progress: dict


@router.post(
    "/stocktakes/{stocktake_id}/scans",
    response={201: ScanOut, 200: ScanOut},
    auth=access(perm="assets.manage_stocktake"),
    summary="Catat satu pindaian (Idempotency-Key atau key; kiriman ulang tidak dihitung dua kali)",
)
def scan_create(request, stocktake_id: int, payload: ScanIn, response: HttpResponse):
    actor = actor_of(request)
    key = request.headers.get("Idempotency-Key", "") or payload.key
    data = payload.dict(exclude={"key"})
    scan, created = services.scan_record(actor=actor, stocktake_id=stocktake_id, key=key, **data)
    st = selectors.stocktake_for(actor=actor, stocktake_id=stocktake_id)
    body = {
        "key": scan.key,
        "result": scan.result,
        "item": scan.item_id,
        "name": scan.item.name if scan.item is not None else "",
        "replayed": not created,
        "progress": selectors.stocktake_progress(st),
    }
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    return Status(201 if created else 200, body)


@router.get(
    "/stocktakes/{stocktake_id}/result",
    auth=access(perm="assets.view_reports", scope=TokenScope.INTEGRATION),
    summary="Lembar Kerja (III.A) dan Laporan Hasil Inventarisasi (III.B), XLSX",
)
def stocktake_result(request, stocktake_id: int):
    actor = actor_of(request)
    st = selectors.stocktake_for(actor=actor, stocktake_id=stocktake_id)
    handle, filename, content_type = reports.render_stocktake(actor=actor, stocktake=st)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


class FindOut(Schema):
    scan: int
    scanned_code: str
    scanned_at: datetime
    name: str
    code: str
    value: Decimal | None
    state: str  # "open", "drafted", "dismissed"
    item: int | None
    reason: str


def _find(scan) -> dict:
    proposed = scan.proposed or {}
    return {
        "scan": scan.pk,
        "scanned_code": scan.scanned_code,
        "scanned_at": scan.scanned_at,
        "name": proposed.get("name", ""),
        "code": proposed.get("code", ""),
        "value": proposed.get("value"),
        "state": selectors.find_state(scan),
        "item": scan.drafted_item_id,
        "reason": proposed.get("dismissed", ""),
    }


@router.get(
    "/stocktakes/{stocktake_id}/finds",
    response=list[FindOut],
    auth=VIEW,
    summary="Temuan yang belum tercatat di register",
)
def find_list(request, stocktake_id: int):
    st = selectors.stocktake_for(actor=actor_of(request), stocktake_id=stocktake_id)
    return [_find(scan) for scan in selectors.stocktake_finds(st)]


class FindDraftIn(Schema):
    code: str
    name: str
    value: Decimal
    acquisition_date: date
    origin: str = "lainnya"
    certificate_number: str = ""
    note: str = ""


@router.post(
    "/stocktakes/{stocktake_id}/finds/{scan_id}",
    response={201: ItemOut},
    auth=access(perm="assets.manage_stocktake"),
    summary="Catat temuan sebagai konsep perolehan (menunggu persetujuan)",
)
def find_draft(request, stocktake_id: int, scan_id: int, payload: FindDraftIn):
    actor = actor_of(request)
    scan = selectors.find_for(actor=actor, stocktake_id=stocktake_id, scan_id=scan_id)
    item = services.found_item_draft(actor=actor, scan_id=scan.pk, **payload.dict())
    return Status(201, _item(selectors.item_for(actor=actor, item_id=item.pk)))


class DismissIn(Schema):
    reason: str


@router.post(
    "/stocktakes/{stocktake_id}/finds/{scan_id}/dismiss",
    response=FindOut,
    auth=access(perm="assets.manage_stocktake"),
    summary="Abaikan temuan (bukan BMD, pindaian ganda) dengan alasan",
)
def find_dismiss(request, stocktake_id: int, scan_id: int, payload: DismissIn):
    actor = actor_of(request)
    scan = selectors.find_for(actor=actor, stocktake_id=stocktake_id, scan_id=scan_id)
    return _find(services.found_item_dismiss(actor=actor, scan_id=scan.pk, reason=payload.reason))


class ReportFilter(Schema):
    opd: str | None = None
    room: str | None = None
    period: str | None = None
    year: int | None = None
    format: str = "xlsx"


@router.get(
    "/reports/{kind}",
    auth=access(perm="assets.view_reports", scope=TokenScope.INTEGRATION),
    summary="Unduh laporan (kib_a…kib_f, kir, buku_inventaris, rekap_mutasi, lbps, lbpt, penyusutan)",
)
def report_get(request, kind: str, filters: Query[ReportFilter]):
    actor = actor_of(request)
    params: dict = {"kind": kind}
    if filters.opd:
        params["opd"] = _agency(actor, filters.opd).pk
    if filters.room:
        room = get_object_or_404(Room, pk=filters.room) if filters.room.isdigit() else None
        params["room"] = room.pk if room else 0
    if filters.period:
        params["period"] = filters.period
    if filters.year:
        params["year"] = str(filters.year)
    spec = reports.spec_from(actor=actor, params=params)
    handle, filename, content_type = reports.render(actor=actor, spec=spec, fmt=filters.format)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
