"""Pages of citizen reports: the public report form, tracking page, map and list (anyone,
no account), and the OPD inbox with its deadline timers and actions (staff)."""

from __future__ import annotations

import json
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from kendali.core.actors import Actor, client_ip
from kendali.core.errors import KendaliError, NotAllowed, NotFound
from kendali.core.models import Agency
from kendali.core.pages import apply_errors, page_permission
from kendali.regions.selectors import regions
from kendali.reports import selectors, services
from kendali.reports.choices import HideReason, ReportStatus, Stage
from kendali.reports.forms import CategoryForm, RoutingRuleForm
from kendali.reports.models import ReportPhoto

SESSION_PHONE = "reports_verified_phone"
SESSION_MINE = "reports_mine"  # {tracking: reporter key} of reports sent from this browser


def _kecamatan() -> list[tuple[str, str]]:
    return list(regions(level="kecamatan").values_list("kode", "nama"))


def _filters(request: HttpRequest) -> dict:
    return {k: request.GET.get(k, "").strip() for k in ("kategori", "status", "kecamatan")}


# --- public -----------------------------------------------------------------------------


def report_form(request: HttpRequest) -> HttpResponse:
    """Phone first, no account: category, description, photos, point/line or address."""
    cats = selectors.categories()
    values: dict = {}
    if request.method == "POST":
        values = request.POST.dict()
        line = None
        if request.POST.get("line"):
            try:
                line = json.loads(request.POST["line"])
            except ValueError:
                line = "bad"
        phone = request.session.get(SESSION_PHONE, "")
        try:
            if line == "bad":
                raise services.Invalid(_("Ruas jalan/saluran tidak terbaca."))
            report = services.report_create(
                actor=Actor.from_request(request),
                category_code=request.POST.get("kategori", ""),
                description=request.POST.get("uraian", ""),
                lat=request.POST.get("lat") or None,
                lon=request.POST.get("lon") or None,
                line=line,
                address=request.POST.get("alamat", ""),
                photos=request.FILES.getlist("foto"),
                reporter_name=request.POST.get("nama", ""),
                phone=phone,
                phone_verified=bool(phone),
                submitter=client_ip(request) or "",
            )
        except KendaliError as exc:
            messages.error(request, exc.detail)
        else:
            mine = request.session.get(SESSION_MINE, {})
            mine[report.tracking] = report.token
            request.session[SESSION_MINE] = dict(list(mine.items())[-20:])
            return redirect("reports:sent", tracking=report.tracking)
    return render(
        request,
        "reports/form.html",
        {
            "categories": cats,
            "line_codes": [c.code for c in cats if c.geometry == "line"],
            "emergency_codes": [c.code for c in cats if c.is_emergency],
            "values": values,
            "verified_phone": request.session.get(SESSION_PHONE, ""),
            "pending_phone": request.session.get("reports_pending_phone", ""),
        },
    )


@require_POST
def otp_send(request: HttpRequest) -> HttpResponse:
    phone = request.POST.get("telepon", "")
    try:
        services.phone_challenge_start(
            actor=Actor.from_request(request), phone=phone, submitter=client_ip(request) or ""
        )
    except KendaliError as exc:
        messages.error(request, exc.detail)
    else:
        request.session["reports_pending_phone"] = phone
        messages.success(request, _("Kode verifikasi dikirim lewat SMS."))
    return redirect(reverse("reports:form") + "#telepon")


@require_POST
def otp_verify(request: HttpRequest) -> HttpResponse:
    phone = request.session.get("reports_pending_phone", "")
    try:
        verified = services.phone_challenge_verify(
            actor=Actor.from_request(request), phone=phone, code=request.POST.get("kode", "")
        )
    except KendaliError as exc:
        messages.error(request, exc.detail)
    else:
        request.session[SESSION_PHONE] = verified
        messages.success(request, _("Nomor telepon terverifikasi. Anda akan menerima SMS status."))
    return redirect(reverse("reports:form") + "#telepon")


@require_GET
def duplicates(request: HttpRequest) -> HttpResponse:
    """Fragment shown before sending: open reports of the same problem nearby."""
    lat: float | None
    lon: float | None
    try:
        lat = float(request.GET.get("lat", ""))
        lon = float(request.GET.get("lon", ""))
    except ValueError:
        lat = lon = None
    found = selectors.possible_duplicates(
        category_code=request.GET.get("kategori", ""), lat=lat, lon=lon
    )
    return render(request, "reports/_duplicates.html", {"duplicates": found})


def _public_or_404(tracking: str):
    try:
        return selectors.public_report(tracking)
    except NotFound:
        raise Http404(_("Laporan tidak ditemukan."))


def sent(request: HttpRequest, tracking: str) -> HttpResponse:
    report = _public_or_404(tracking)
    key = request.session.get(SESSION_MINE, {}).get(report.tracking, "")
    return render(request, "reports/sent.html", {"report": report, "key": key})


def track(request: HttpRequest) -> HttpResponse:
    number = request.GET.get("nomor", "").strip()
    if number:
        return redirect("reports:detail", tracking=number.upper())
    return render(request, "reports/track.html")


def detail(request: HttpRequest, tracking: str) -> HttpResponse:
    report = _public_or_404(tracking)
    mine = request.session.get(SESSION_MINE, {}).get(report.tracking, "")
    can_reopen = report.status in (ReportStatus.FIXED, ReportStatus.CLOSED_NOT_FIXED) and (
        report.stage not in (Stage.FINISHED, Stage.ARCHIVED)
    )
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "updates": selectors.public_updates(report),
            "photos": list(report.photos.all()),
            "timers": selectors.timers(report),
            "can_reopen": can_reopen,
            "key": mine,
        },
    )


@require_POST
def reopen(request: HttpRequest, tracking: str) -> HttpResponse:
    report = _public_or_404(tracking)
    key = request.POST.get("kunci", "") or request.session.get(SESSION_MINE, {}).get(
        report.tracking, ""
    )
    try:
        services.report_reopen(
            actor=Actor.from_request(request),
            report=report,
            key=key.strip(),
            note=request.POST.get("alasan", ""),
        )
    except KendaliError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Laporan dibuka kembali dan diteruskan ke OPD."))
    return redirect("reports:detail", tracking=report.tracking)


@cache_control(max_age=3600)
def photo(request: HttpRequest, photo_id: int) -> FileResponse:
    item = (
        ReportPhoto.objects.filter(pk=photo_id, report__hidden=False)
        .select_related("report")
        .first()
    )
    if item is None:
        raise Http404(_("Foto tidak ditemukan."))
    response = FileResponse(item.image.open("rb"), content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def public_map(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    page = Paginator(
        selectors.public_queryset(filters)
        .select_related("category", "agency", "kelurahan")
        .only(
            "tracking",
            "public_description",
            "status",
            "created_at",
            "kelurahan",
            "kelurahan__nama",
            "address",
            "category__name",
            "agency__short_name",
        )
        .order_by("-created_at", "-id"),
        20,
    ).get_page(request.GET.get("hal"))
    return render(
        request,
        "reports/map.html",
        {
            "page": page,
            "filters": filters,
            "categories": selectors.categories(),
            "statuses": ReportStatus.choices,
            "kecamatan": _kecamatan(),
            "query": "&".join(f"{k}={v}" for k, v in filters.items() if v),
            "legend": selectors.map_legend(),
        },
    )


@require_GET
def map_data(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(selectors.public_map_points(_filters(request)))
    response["Cache-Control"] = "public, max-age=30"
    return response


def performance(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    start = (
        today.replace(day=1)
        if request.GET.get("periode") == "bulan"
        else today.replace(month=1, day=1)
    )
    end = today + timedelta(days=1)
    return render(
        request,
        "reports/performance.html",
        {"rows": selectors.resolution_by_agency(start=start, end=end), "start": start},
    )


# --- OPD inbox --------------------------------------------------------------------------


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not actor.has_perm("reports.view_report"):
        raise PermissionDenied
    filters = {k: request.GET.get(k, "") for k in ("status", "stage", "kategori", "terlambat")}
    if not any(filters.values()):
        filters["status"] = "terbuka"
    page = Paginator(selectors.inbox(actor=actor, filters=filters), 25).get_page(
        request.GET.get("hal")
    )
    now = timezone.now()
    rows = [(r, selectors.next_timer(r, now)) for r in page]
    return render(
        request,
        "reports/inbox.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "categories": selectors.categories(),
            "stages": Stage.choices,
            "statuses": ReportStatus.choices,
            "query": "&".join(f"{k}={v}" for k, v in filters.items() if v),
        },
    )


def _staff_report(request: HttpRequest, pk: int):
    actor = _actor(request)
    if not actor.has_perm("reports.view_report"):
        raise PermissionDenied
    try:
        return actor, selectors.report_for_staff(actor=actor, pk=pk)
    except NotFound:
        raise Http404(_("Laporan tidak ditemukan."))


@login_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor, report = _staff_report(request, pk)
    return render(
        request,
        "reports/staff_detail.html",
        {
            "report": report,
            "updates": list(report.updates.all()),
            "photos": list(report.photos.all()),
            "timers": selectors.timers(report),
            "duplicates": selectors.possible_duplicates(
                category_code=report.category.code,
                lat=report.lat,
                lon=report.lon,
                exclude_id=report.pk,
            ),
            "agencies": Agency.objects.filter(is_active=True).exclude(pk=report.agency_id),
            "hide_reasons": HideReason.choices,
            "may_act": actor.has_perm("reports.act_report"),
            "may_escalate": actor.has_perm("reports.escalate_report"),
            "may_moderate": actor.has_perm("reports.moderate_report"),
            "may_contact": actor.has_perm("reports.view_reporter_contact"),
        },
    )


@login_required
def staff_contact(request: HttpRequest, pk: int) -> HttpResponse:
    actor, report = _staff_report(request, pk)
    try:
        contact = selectors.reporter_contact(actor=actor, report=report)
    except NotAllowed:
        raise PermissionDenied
    return render(request, "reports/_contact.html", {"contact": contact, "report": report})


ACTIONS = {
    "verify": lambda a, r, p: services.report_verify(actor=a, report=r, note=p.get("catatan", "")),
    "hold": lambda a, r, p: services.report_hold(actor=a, report=r, reason=p.get("catatan", "")),
    "refer": lambda a, r, p: services.report_refer(
        actor=a,
        report=r,
        agency=_agency(p.get("instansi")),
        note=p.get("catatan", ""),
    ),
    "followup": lambda a, r, p: services.report_followup(
        actor=a, report=r, status=p.get("status", ""), note=p.get("catatan", "")
    ),
    "archive": lambda a, r, p: services.report_archive(
        actor=a, report=r, note=p.get("catatan", "")
    ),
    "hide": lambda a, r, p: services.report_hide(actor=a, report=r, reason=p.get("alasan", "")),
    "unhide": lambda a, r, p: services.report_hide(actor=a, report=r, reason="", hidden=False),
    "asset": lambda a, r, p: services.report_link_asset(
        actor=a, report=r, asset_code=p.get("kode_barang", "")
    ),
    "escalate": lambda a, r, p: services.report_escalate(actor=a, report=r),
}


def _agency(value) -> Agency:
    agency = (
        Agency.objects.filter(pk=value, is_active=True).first() if str(value).isdigit() else None
    )
    if agency is None:
        raise services.Invalid(_("Pilih instansi tujuan."))
    return agency


@login_required
@require_POST
def staff_action(request: HttpRequest, pk: int) -> HttpResponse:
    actor, report = _staff_report(request, pk)
    if not (
        actor.has_perm("reports.act_report")
        or actor.has_perm("reports.moderate_report")
        or actor.has_perm("reports.escalate_report")
    ):
        raise PermissionDenied
    action = ACTIONS.get(request.POST.get("aksi", ""))
    if action is None:
        messages.error(request, _("Aksi tidak dikenal."))
        return redirect("reports:staff_detail", pk=report.pk)
    try:
        action(actor, report, request.POST)
    except NotFound:
        # Referred away: the report left this OPD's scope.
        return redirect("reports:inbox")
    except NotAllowed as exc:
        messages.error(request, exc.detail)
    except KendaliError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Tersimpan."))
        try:
            selectors.report_for_staff(actor=actor, pk=report.pk)
        except NotFound:
            return redirect("reports:inbox")
    return redirect("reports:staff_detail", pk=report.pk)


# --- categories and routing (administrators) --------------------------------------------

EDITOR = "reports.change_category"


def _category_initial(category) -> dict:
    return {
        "code": category.code,
        "name": category.name,
        "group": category.group,
        "description": category.description,
        "keywords": category.keywords,
        "agency": category.agency_id,
        "geometry": category.geometry,
        "is_emergency": category.is_emergency,
        "incident_type_code": category.incident_type_code,
        "order": category.order,
        "is_active": category.is_active,
    }


def _category_save(actor: Actor, form: CategoryForm, *, code: str, creating: bool):
    """The service's refusal lands on the form; returns the category when saved."""
    data = form.cleaned_data
    try:
        return services.category_save(
            actor=actor,
            code=code,
            name=data["name"],
            agency=data["agency"],
            description=data["description"],
            group=data["group"],
            keywords=data["keywords"],
            geometry=data["geometry"],
            is_emergency=data["is_emergency"],
            incident_type_code=data["incident_type_code"],
            order=data["order"],
            is_active=data["is_active"],
            creating=creating,
        )
    except KendaliError as exc:
        apply_errors(form, exc)
        return None


@page_permission(EDITOR, methods=("GET",), with_actor=True)
def categories(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(
        request,
        "reports/categories.html",
        {"categories": selectors.categories_for_editor(actor=actor)},
    )


@page_permission(EDITOR, methods=("GET", "POST"), with_actor=True)
def category_new(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = CategoryForm(
        request.POST or None, initial={"order": 100, "is_active": True, "geometry": "point"}
    )
    if request.method == "POST" and form.is_valid():
        category = _category_save(actor, form, code=form.cleaned_data["code"], creating=True)
        if category is not None:
            messages.success(request, _("Kategori %(nama)s dibuat.") % {"nama": category.name})
            return redirect("reports:category_edit", pk=category.pk)
    return render(request, "reports/category_form.html", {"form": form, "category": None})


def _category_page(request, actor, category, form, rule_form) -> HttpResponse:
    return render(
        request,
        "reports/category_form.html",
        {
            "category": category,
            "form": form,
            "rule_form": rule_form,
            "rules": selectors.category_rules(actor=actor, category=category),
        },
    )


@page_permission(EDITOR, methods=("GET", "POST"), with_actor=True)
def category_edit(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    category = selectors.category_for_editor(actor=actor, pk=pk)
    form = CategoryForm(request.POST or None, initial=_category_initial(category), editing=True)
    if request.method == "POST" and form.is_valid():
        saved = _category_save(actor, form, code=category.code, creating=False)
        if saved is not None:
            messages.success(request, _("Kategori %(nama)s disimpan.") % {"nama": saved.name})
            return redirect("reports:category_edit", pk=saved.pk)
    return _category_page(request, actor, category, form, RoutingRuleForm())


@page_permission(EDITOR, methods=("POST",), with_actor=True)
def rule_save(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """A kelurahan's rule for this category: set (or changed) to one body."""
    category = selectors.category_for_editor(actor=actor, pk=pk)
    rule_form = RoutingRuleForm(request.POST)
    if rule_form.is_valid():
        try:
            services.routing_rule_set(
                actor=actor,
                category=category,
                kelurahan_kode=rule_form.cleaned_data["kelurahan"],
                agency=rule_form.cleaned_data["agency"],
            )
        except KendaliError as exc:
            apply_errors(rule_form, exc)
        else:
            messages.success(request, _("Aturan rute disimpan."))
            return redirect(reverse("reports:category_edit", args=[category.pk]) + "#rute")
    form = CategoryForm(initial=_category_initial(category), editing=True)
    return _category_page(request, actor, category, form, rule_form)


@page_permission(EDITOR, methods=("POST",), with_actor=True)
def rule_delete(request: HttpRequest, actor: Actor, pk: int, rule_id: int) -> HttpResponse:
    category = selectors.category_for_editor(actor=actor, pk=pk)
    rule = selectors.routing_rule_for_editor(actor=actor, category=category, pk=rule_id)
    services.routing_rule_delete(actor=actor, rule=rule)
    messages.success(request, _("Aturan rute dihapus; kelurahan itu kembali ke OPD kategori."))
    return redirect(reverse("reports:category_edit", args=[category.pk]) + "#rute")
