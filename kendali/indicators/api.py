"""/api/v1/indicators: the smart-city programme as JSON — components, indicators with five
years of values and targets, the OPD figures desk (enter, approve, refuse) and targets.

The open-data catalogue keeps the standards' own paths: DCAT-AP at /opendata/catalog.jsonld
and .ttl, the CKAN Action API at /api/3/action/."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema, Status

from kendali.core.apiauth import access, actor_of
from kendali.core.choices import TokenScope
from kendali.core.errors import NotFound
from kendali.indicators import selectors, services
from kendali.indicators.catalogue import catalogue

router = Router(tags=["indikator"])


class ComponentOut(Schema):
    code: str
    name_id: str
    name_en: str
    order: int
    leading: bool
    gm100sc: str


class PointOut(Schema):
    year: int
    value: float | None
    reason: str
    target: float | None
    pending: bool


class IndicatorOut(Schema):
    code: str
    component: str
    name_id: str
    name_en: str
    unit: str
    direction: str
    iso: str | None
    iso_verified: bool | None
    computation: str
    source: str
    figure: str
    opd: str
    range: list[float]
    standing: str
    initiatives: list[str]
    points: list[PointOut]
    by_kecamatan: dict[str, float]


def _indicator_out(row) -> dict:
    i = row.indicator
    return {
        "code": i.code,
        "component": i.component,
        "name_id": i.name_id,
        "name_en": i.name_en,
        "unit": i.unit,
        "direction": i.direction,
        "iso": str(i.iso) if i.iso else None,
        "iso_verified": i.iso.verified if i.iso else None,
        "computation": i.computation,
        "source": i.source,
        "figure": i.figure,
        "opd": i.opd,
        "range": [i.minimum, i.maximum],
        "standing": row.standing,
        "initiatives": row.initiatives,
        "points": [p.__dict__ for p in row.points],
        "by_kecamatan": row.by_kecamatan,
    }


class FigureIn(Schema):
    indicator: str
    year: int
    value: float
    unit: str
    evidence: str
    evidence_url: str = ""
    note: str = ""


class FigureOut(Schema):
    id: int
    indicator: str
    year: int
    value: float
    unit: str
    agency: str
    status: str
    evidence: str
    evidence_url: str
    entered_by: str
    entered_at: datetime
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_note: str


def _figure_out(figure) -> dict:
    return {
        "id": figure.pk,
        "indicator": figure.indicator_code,
        "year": figure.year,
        "value": figure.value,
        "unit": figure.unit,
        "agency": figure.agency.code,
        "status": figure.status,
        "evidence": figure.evidence,
        "evidence_url": figure.evidence_url,
        "entered_by": figure.entered_by.username,
        "entered_at": figure.entered_at,
        "reviewed_by": figure.reviewed_by.username if figure.reviewed_by_id else None,
        "reviewed_at": figure.reviewed_at,
        "review_note": figure.review_note,
    }


class ReviewIn(Schema):
    note: str = ""


class TargetIn(Schema):
    value: float
    initiatives: list[str] = []
    note: str = ""


class TargetOut(Schema):
    indicator: str
    year: int
    value: float
    initiatives: list[str]
    note: str


def _target_out(target) -> dict:
    return {
        "indicator": target.indicator_code,
        "year": target.year,
        "value": target.value,
        "initiatives": list(target.initiatives),
        "note": target.note,
    }


VIEW_ACCESS = access(perm=selectors.VIEW, scope=TokenScope.INTEGRATION)


@router.get("/components", auth=None, response=list[ComponentOut], summary="Delapan komponen")
def components(request):
    return [c.__dict__ for c in selectors.components()]


@router.get(
    "/public",
    auth=None,
    response=list[IndicatorOut],
    summary="Indikator lima tahun terakhir (publik: hanya angka yang disetujui)",
)
def public_indicators(request):
    data = selectors.overview(actor=None, public=True)
    return [_indicator_out(r) for c in data["components"] for r in c["rows"]]


@router.get(
    "", auth=VIEW_ACCESS, response=list[IndicatorOut], summary="Semua indikator, lima tahun"
)
def list_indicators(request, component: str = ""):
    data = selectors.overview(actor=actor_of(request))
    return [
        _indicator_out(r)
        for c in data["components"]
        if not component or c["component"].code == component
        for r in c["rows"]
    ]


@router.get("/figures", auth=VIEW_ACCESS, response=list[FigureOut], summary="Angka isian OPD")
def list_figures(request, status: str = "", year: int | None = None):
    qs = selectors.figures_visible(actor=actor_of(request))
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(year=year)
    return [_figure_out(f) for f in qs[:500]]


@router.post(
    "/figures",
    auth=access(perm=services.ENTER),
    response={201: FigureOut},
    summary="Isi angka indikator OPD (menunggu persetujuan orang kedua)",
)
def enter_figure(request, payload: FigureIn):
    figure = services.figure_enter(
        actor=actor_of(request),
        indicator_code=payload.indicator,
        year=payload.year,
        value=payload.value,
        unit=payload.unit,
        evidence=payload.evidence,
        evidence_url=payload.evidence_url,
        note=payload.note,
    )
    return Status(201, _figure_out(figure))


@router.post(
    "/figures/{figure_id}/approve",
    auth=access(perm=services.APPROVE),
    response=FigureOut,
    summary="Setujui angka (bukan oleh pengisinya)",
)
def approve_figure(request, figure_id: int, payload: ReviewIn):
    figure = services.figure_approve(
        actor=actor_of(request), figure_id=figure_id, note=payload.note
    )
    return _figure_out(figure)


@router.post(
    "/figures/{figure_id}/reject",
    auth=access(perm=services.APPROVE),
    response=FigureOut,
    summary="Kembalikan angka ke OPD dengan alasan",
)
def reject_figure(request, figure_id: int, payload: ReviewIn):
    figure = services.figure_reject(actor=actor_of(request), figure_id=figure_id, note=payload.note)
    return _figure_out(figure)


@router.get("/targets", auth=VIEW_ACCESS, response=list[TargetOut], summary="Target per tahun")
def list_targets(request):
    return [_target_out(t) for t in selectors.targets_list(actor=actor_of(request))]


@router.put(
    "/targets/{code}/{year}",
    auth=access(perm=services.MANAGE_TARGET),
    response=TargetOut,
    summary="Tetapkan target (dan inisiatif peta rencana SPBE yang menggerakkannya)",
)
def set_target(request, code: str, year: int, payload: TargetIn):
    target = services.target_set(
        actor=actor_of(request),
        indicator_code=code,
        year=year,
        value=payload.value,
        initiatives=payload.initiatives,
        note=payload.note,
    )
    return _target_out(target)


@router.get("/{code}", auth=VIEW_ACCESS, response=IndicatorOut, summary="Satu indikator")
def indicator_detail(request, code: str):
    indicator = catalogue().indicator(code)
    if indicator is None:
        raise NotFound("Indikator tidak dikenal.")
    selectors.require_view(actor_of(request))
    rows = selectors.indicator_rows(
        indicators=[indicator], years=selectors.years_window(), public=False
    )
    return _indicator_out(rows[0])
