"""Pages: the programme overview (/indikator/), each component's trends and map, the OPD
figures desk (enter, approve, refuse), targets; the public pages (/indikator/publik/) and the
open-data catalogue (/opendata/) with downloads and the DCAT-AP catalogue, all without login."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kendali.core.actors import Actor
from kendali.core.errors import KendaliError, NotFound
from kendali.indicators import charts, datacatalog, dcat, selectors, services
from kendali.indicators.catalogue import catalogue
from kendali.indicators.choices import FigureStatus, Standing
from kendali.indicators.forms import FigureForm, ReviewForm, TargetForm

# Units as the overview's narrow cells show them (the full unit is in the row's tooltip).
SHORT_UNITS = {
    "per 100.000 penduduk": "/100rb",
    "perjalanan per kapita": "/kapita",
    "pengguna-hari": "pengguna",
    "peringatan": "",
    "kejadian": "",
    "data set": "",
    "unduhan": "",
    "kunjungan": "",
    "barang": "",
    "pengguna per taman per hari": "/taman/hari",
    "pengguna per hari": "/hari",
}


def _need(request, perm: str) -> Actor:
    if not request.user.has_perm(perm):
        raise PermissionDenied(_("Peran Anda tidak berhak membuka halaman ini."))
    return Actor.from_request(request)


def _decorate(rows, *, charts_too: bool) -> list[dict]:
    out = []
    for row in rows:
        indicator = row.indicator
        values = [p.value for p in row.points]
        item = {
            "row": row,
            "indicator": indicator,
            "latest": row.latest,
            "current": row.current,
            "latest_text": charts.fmt(row.latest.value, indicator.decimals) if row.latest else "",
            "target_text": charts.fmt(row.current.target, indicator.decimals)
            if row.current.target is not None
            else "",
            "sparkline": charts.sparkline(values),
            "pending": any(p.pending for p in row.points),
            "standing_label": Standing(row.standing).label,
            "unit_short": SHORT_UNITS.get(indicator.unit, indicator.unit),
        }
        if charts_too:
            item["trend"] = charts.trend(
                years=[p.year for p in row.points],
                values=values,
                targets=[p.target for p in row.points],
                unit=indicator.unit,
                decimals=indicator.decimals,
                higher_is_better=indicator.higher_is_better,
                label=indicator.name,
            )
            item["points"] = _with_spans(
                [
                    {
                        "year": p.year,
                        "text": charts.fmt(p.value, indicator.decimals),
                        "target": charts.fmt(p.target, indicator.decimals),
                        "reason": p.reason if p.value is None else "",
                        "pending": p.pending,
                    }
                    for p in row.points
                ]
            )
            item["map"] = (
                charts.choropleth(
                    values=row.by_kecamatan,
                    unit=indicator.unit,
                    decimals=indicator.decimals,
                    higher_is_better=indicator.higher_is_better,
                    label=indicator.name,
                )
                if row.by_kecamatan
                else ""
            )
        out.append(item)
    return out


def _component_context(data: dict, *, public: bool) -> dict:
    """A component page's context: the rows with their charts, and the entering OPD's name
    (not its code) for the entered indicators."""
    items = _decorate(data["rows"], charts_too=True)
    names = selectors.opd_names(codes={it["indicator"].opd for it in items})
    for it in items:
        it["opd_name"] = names.get(it["indicator"].opd) or it["indicator"].opd
    return {**data, "items": items, "public": public}


def _with_spans(points: list[dict]) -> list[dict]:
    """The same note on consecutive years is one merged cell (``span`` rows; 0: merged into
    the cell above), so four years without data read as one sentence, not four."""
    for i, point in enumerate(points):
        key = (point["reason"], point["pending"])
        if i and any(key) and key == (points[i - 1]["reason"], points[i - 1]["pending"]):
            point["span"] = 0
            run = next(p for p in reversed(points[:i]) if p["span"])
            run["span"] += 1
        else:
            point["span"] = 1
    return points


def _overview_context(data: dict) -> dict:
    return {
        "years": data["years"],
        "components": [
            {**c, "items": _decorate(c["rows"], charts_too=False)} for c in data["components"]
        ],
        "extra_figures": data["extra_figures"],
        "waiting": data["waiting"],
    }


GRID_SECONDS = 300


def _grid(request, *, public: bool) -> tuple[str, dict]:
    """The components grid, rendered once per data version and language (the overview's
    cost), and the rest of the overview's data. Everyone sees the same figures here: the
    programme is city-wide, only the waiting count is scoped."""
    key = f"indicators:grid:{int(public)}:{get_language()}:{selectors.data_version()}"
    cached = cache.get(key)
    if cached is not None:
        return mark_safe(cached[0]), cached[1]
    data = selectors.overview(actor=None, public=True) if public else _staff_overview(request)
    context = _overview_context(data)
    html = render_to_string(
        "indicators/_overview_grid.html", {**context, "public": public}, request=request
    )
    extra = {"years": data["years"], "extra_figures": data["extra_figures"]}
    cache.set(key, (str(html), extra), GRID_SECONDS)
    return html, extra


def _staff_overview(request) -> dict:
    return selectors.overview(actor=Actor.from_request(request))


@login_required
def overview(request):
    actor = _need(request, selectors.VIEW)
    grid, data = _grid(request, public=False)
    return render(
        request,
        "indicators/overview.html",
        {
            **data,
            "grid": grid,
            "waiting": selectors.figures_waiting(actor=actor).count(),
            "can_refresh": request.user.has_perm(services.MANAGE_TARGET),
        },
    )


@login_required
def component(request, code: str):
    actor = _need(request, selectors.VIEW)
    try:
        data = selectors.component_detail(actor=actor, code=code)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    return render(request, "indicators/component.html", _component_context(data, public=False))


@login_required
@require_POST
def refresh(request):
    actor = _need(request, services.MANAGE_TARGET)
    count = services.snapshot_refresh(actor=actor)
    messages.success(request, _("%(n)s angka langsung dihitung ulang.") % {"n": count})
    return redirect("indicators:overview")


# ---- OPD figures --------------------------------------------------------------------------


@login_required
def figures(request):
    actor = _need(request, selectors.VIEW)
    qs = selectors.figures_visible(actor=actor)
    status = request.GET.get("status", "")
    if status in FigureStatus.values:
        qs = qs.filter(status=status)
    cat = catalogue()
    rows = [{"figure": f, "indicator": cat.indicator(f.indicator_code)} for f in qs[:300]]
    return render(
        request,
        "indicators/figures.html",
        {
            "rows": rows,
            "status": status,
            "statuses": FigureStatus.choices,
            "can_enter": request.user.has_perm(services.ENTER),
            "can_approve": request.user.has_perm(services.APPROVE),
            "me": request.user.pk,
        },
    )


@login_required
def figure_new(request):
    actor = _need(request, services.ENTER)
    indicators = selectors.enterable_indicators(actor=actor)
    initial = {"year": timezone.localdate().year - 1}
    wanted = catalogue().indicator(request.GET.get("indikator", ""))
    if wanted is not None:
        initial.update(indicator=wanted.code, unit=wanted.unit)
    form = FigureForm(request.POST or None, indicators=indicators, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            figure = services.figure_enter(
                actor=actor,
                indicator_code=data["indicator"],
                year=data["year"],
                value=data["value"],
                unit=data["unit"],
                evidence=data["evidence"],
                evidence_url=data["evidence_url"] or "",
                note=data["note"] or "",
            )
        except KendaliError as exc:
            messages.error(request, exc.detail)
            for field, message in (
                (exc.errors or {}).items() if isinstance(exc.errors, dict) else ()
            ):
                if field in form.fields:
                    form.add_error(field, message)
        else:
            messages.success(
                request,
                _("Angka %(code)s tahun %(year)s tersimpan dan menunggu persetujuan.")
                % {"code": figure.indicator_code, "year": figure.year},
            )
            return redirect("indicators:figures")
    return render(
        request,
        "indicators/figure_form.html",
        {"form": form, "indicators": indicators, "units": {i.code: i.unit for i in indicators}},
    )


def _review(request, pk: int, approve: bool):
    actor = _need(request, services.APPROVE)
    form = ReviewForm(request.POST)
    note = form.data.get("note", "") if form.is_valid() else ""
    try:
        if approve:
            services.figure_approve(actor=actor, figure_id=pk, note=note)
            messages.success(request, _("Angka disetujui."))
        else:
            services.figure_reject(actor=actor, figure_id=pk, note=note)
            messages.success(request, _("Angka dikembalikan ke OPD."))
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    except KendaliError as exc:
        messages.error(request, exc.detail)
    return redirect("indicators:figures")


@login_required
@require_POST
def figure_approve(request, pk: int):
    return _review(request, pk, True)


@login_required
@require_POST
def figure_reject(request, pk: int):
    return _review(request, pk, False)


# ---- targets ------------------------------------------------------------------------------


@login_required
def targets(request):
    actor = _need(request, selectors.VIEW)
    cat = catalogue()
    can_manage = request.user.has_perm(services.MANAGE_TARGET)
    form = TargetForm(request.POST or None, indicators=list(cat.indicators))
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(_("Peran Anda tidak berhak menetapkan target."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                target = services.target_set(
                    actor=actor,
                    indicator_code=data["indicator"],
                    year=data["year"],
                    value=data["value"],
                    initiatives=(data["initiatives"] or "").split(","),
                    note=data["note"] or "",
                )
            except KendaliError as exc:
                messages.error(request, exc.detail)
            else:
                messages.success(
                    request,
                    _("Target %(code)s tahun %(year)s disimpan.")
                    % {"code": target.indicator_code, "year": target.year},
                )
                return redirect("indicators:targets")
    rows = [
        {"target": t, "indicator": cat.indicator(t.indicator_code)}
        for t in selectors.targets_list(actor=actor)
    ]
    return render(
        request, "indicators/targets.html", {"rows": rows, "form": form, "can_manage": can_manage}
    )


# ---- public -------------------------------------------------------------------------------


def public_overview(request):
    grid, data = _grid(request, public=True)
    return render(request, "indicators/public_overview.html", {**data, "grid": grid})


def public_component(request, code: str):
    try:
        data = selectors.component_detail(actor=None, code=code, public=True)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    return render(request, "indicators/component.html", _component_context(data, public=True))


# ---- open data ----------------------------------------------------------------------------


def opendata_catalog(request):
    sets = []
    for ds in datacatalog.all_datasets():
        sets.append(
            {
                "dataset": ds,
                "slug": datacatalog.slug(ds.key),
                "meta": datacatalog.metadata(ds),
                "latest": datacatalog.versions(ds)[0],
            }
        )
    return render(request, "indicators/opendata_list.html", {"sets": sets})


def opendata_dataset(request, name: str):
    ds = datacatalog.by_slug(name)
    if ds is None:
        raise Http404(_("Data set tidak ditemukan."))
    return render(
        request,
        "indicators/opendata_dataset.html",
        {
            "dataset": ds,
            "slug": datacatalog.slug(ds.key),
            "meta": datacatalog.metadata(ds),
            "versions": datacatalog.versions(ds),
            "formats": list(datacatalog.FORMATS),
            "threshold": datacatalog.SUPPRESS_BELOW,
        },
    )


def opendata_download(request, name: str, version: str, fmt: str):
    ds = datacatalog.by_slug(name)
    if ds is None:
        raise Http404(_("Data set tidak ditemukan."))
    if fmt not in datacatalog.FORMATS:
        raise Http404(_("Format tidak tersedia: CSV, JSON atau XLSX."))
    found = datacatalog.version_for(ds, version)
    if found is None:
        raise Http404(_("Versi data set tidak tersedia."))
    columns = datacatalog.published_columns(ds)
    rows = datacatalog.publish_rows(ds, found)
    filename = f"{datacatalog.slug(ds.key)}_{found.label}.{fmt}"
    services.download_count(dataset_key=ds.key, fmt=fmt)
    content_type = datacatalog.FORMATS[fmt][0]
    if fmt == "csv":
        response = StreamingHttpResponse(
            datacatalog.csv_chunks(columns, rows), content_type=content_type
        )
    elif fmt == "json":
        meta = {
            "data_set": ds.key,
            "judul": str(ds.title),
            "versi": found.label,
            "berjalan": found.running,
            "lisensi": datacatalog.LICENSE_ID,
        }
        response = StreamingHttpResponse(
            datacatalog.json_chunks(meta, columns, rows), content_type=content_type
        )
    else:
        handle = datacatalog.xlsx_file(str(ds.key), columns, rows)
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def catalog_jsonld(request):
    return HttpResponse(dcat.as_jsonld(), content_type="application/ld+json; charset=utf-8")


def catalog_ttl(request):
    return HttpResponse(dcat.as_turtle(), content_type="text/turtle; charset=utf-8")


def organization(request, code: str):
    """The publisher's page a DCAT agent IRI points to: the data sets it produces."""
    sets = [d for d in datacatalog.all_datasets() if d.producer == code]
    if not sets:
        raise Http404(_("Produsen data tidak ditemukan."))
    return render(
        request,
        "indicators/opendata_list.html",
        {
            "sets": [
                {
                    "dataset": d,
                    "slug": datacatalog.slug(d.key),
                    "meta": datacatalog.metadata(d),
                    "latest": datacatalog.versions(d)[0],
                }
                for d in sets
            ],
            "producer": code,
        },
    )
