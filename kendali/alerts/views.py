"""Pages: the operators' desk under /peringatan/kelola/ and /peringatan/baru/, and the
public warning pages (/peringatan/ and /peringatan/publik/<identifier>/) plus the CAP
documents and Atom feed at the standard /alerts/ paths (no login: warnings are public)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from kendali.alerts import cap, selectors, services
from kendali.alerts.choices import SEVERITY_COLORS, AlertState, MsgType
from kendali.alerts.forms import AlertDraftForm, ReasonForm, initial_from_query
from kendali.core.actors import Actor
from kendali.core.errors import KendaliError, NotFound
from kendali.regions.choices import Level
from kendali.regions.models import Region
from kendali.regions.selectors import kelurahan_choices

TABS = [
    ("draft", gettext_lazy("Draf")),
    ("submitted", gettext_lazy("Menunggu persetujuan")),
    ("published", gettext_lazy("Terbit")),
    ("archive", gettext_lazy("Arsip")),
]


def _need(request, perm: str) -> Actor:
    if not request.user.has_perm(perm):
        raise PermissionDenied(_("Peran Anda tidak berhak membuka halaman ini."))
    return Actor.from_request(request)


def _form(request, data=None, initial=None) -> AlertDraftForm:
    kecamatan = list(
        Region.objects.filter(level=Level.KECAMATAN).order_by("nama").values_list("kode", "nama")
    )
    return AlertDraftForm(
        data,
        initial=initial,
        kelurahan_choices=kelurahan_choices(),
        kecamatan_choices=kecamatan,
    )


def _get(actor: Actor, pk: int):
    try:
        return selectors.operator_alert(actor=actor, pk=pk)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


# ---- operators ------------------------------------------------------------------------


@login_required
def manage(request):
    actor = _need(request, services.PERM_VIEW)
    tab = request.GET.get("tab", "submitted")
    if tab not in dict(TABS):
        tab = "submitted"
    alerts = selectors.operator_alerts(actor=actor, bucket=tab)[:200]
    return render(
        request,
        "alerts/manage.html",
        {
            "tabs": TABS,
            "tab": tab,
            "alerts": alerts,
            "counts": selectors.operator_counts(actor=actor),
            "can_draft": request.user.has_perm(services.PERM_DRAFT),
        },
    )


def _save_draft(request, form, *, alert=None, original=None):
    actor = Actor.from_request(request)
    try:
        if original is not None:
            return services.alert_update(actor=actor, original=original, data=form.to_input())
        if alert is not None:
            return services.alert_draft_update(actor=actor, alert=alert, data=form.to_input())
        return services.alert_draft_create(actor=actor, data=form.to_input())
    except KendaliError as exc:
        form.add_service_errors(exc.errors if isinstance(exc.errors, dict) else {})
        if not exc.errors:
            form.add_error(None, exc.detail)
        return None


def _form_page(request, form, *, title, alert=None, original=None):
    return render(
        request,
        "alerts/form.html",
        {"form": form, "title": title, "alert": alert, "original": original},
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    _need(request, services.PERM_DRAFT)
    if request.method == "POST":
        form = _form(request, request.POST)
        if form.is_valid() and (saved := _save_draft(request, form)) is not None:
            messages.success(request, _("Draf tersimpan. Ajukan untuk disetujui bila sudah siap."))
            return redirect("alerts:detail", pk=saved.pk)
    else:
        form = _form(request, initial=initial_from_query(request.GET))
    return _form_page(request, form, title=_("Susun peringatan publik"))


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    actor = _need(request, services.PERM_DRAFT)
    alert = _get(actor, pk)
    if request.method == "POST":
        form = _form(request, request.POST)
        if form.is_valid() and _save_draft(request, form, alert=alert) is not None:
            messages.success(request, _("Draf diperbarui."))
            return redirect("alerts:detail", pk=alert.pk)
    else:
        form = _form(request, initial=vars(services.draft_input_of(alert)))
    return _form_page(request, form, title=_("Ubah draf"), alert=alert)


@login_required
@require_http_methods(["GET", "POST"])
def followup_update(request, pk: int):
    actor = _need(request, services.PERM_DRAFT)
    original = _get(actor, pk)
    if request.method == "POST":
        form = _form(request, request.POST)
        if form.is_valid() and (saved := _save_draft(request, form, original=original)):
            messages.success(request, _("Draf pembaruan tersimpan; ajukan untuk disetujui."))
            return redirect("alerts:detail", pk=saved.pk)
    else:
        form = _form(request, initial=vars(services.draft_input_of(original)))
    return _form_page(request, form, title=_("Perbarui peringatan"), original=original)


@login_required
def detail(request, pk: int):
    actor = _need(request, services.PERM_VIEW)
    alert = _get(actor, pk)
    user = request.user
    published = alert.state == AlertState.PUBLISHED and alert.msg_type != MsgType.CANCEL
    return render(
        request,
        "alerts/detail.html",
        {
            "alert": alert,
            "infos": list(alert.infos.all()),
            "areas": [(a, cap.area_description(a)) for a in alert.areas.all()],
            "geojson": json.dumps(selectors.alert_geojson(alert)),
            "can_edit": alert.state == AlertState.DRAFT
            and alert.author_id == user.pk
            and user.has_perm(services.PERM_DRAFT),
            "can_review": alert.state == AlertState.SUBMITTED
            and user.has_perm(services.PERM_APPROVE)
            and alert.author_id != user.pk,
            "own_submitted": alert.state == AlertState.SUBMITTED and alert.author_id == user.pk,
            "can_follow_up": published and user.has_perm(services.PERM_DRAFT),
            "reason_form": ReasonForm(),
            "followups": list(alert.followups.all()),
        },
    )


def _act(request, pk: int, perm: str, action, success: str):
    actor = _need(request, perm)
    alert = _get(actor, pk)
    try:
        result = action(actor, alert)
    except KendaliError as exc:
        details = exc.errors.values() if isinstance(exc.errors, dict) else []
        messages.error(request, " ".join([exc.detail, *map(str, details)]))
        return redirect("alerts:detail", pk=alert.pk)
    messages.success(request, success)
    return redirect("alerts:detail", pk=result.pk)


@login_required
@require_POST
def submit(request, pk: int):
    return _act(
        request,
        pk,
        services.PERM_DRAFT,
        lambda actor, alert: services.alert_submit(actor=actor, alert=alert),
        _("Diajukan; supervisor lain akan memeriksa dan menyetujuinya."),
    )


@login_required
@require_POST
def approve(request, pk: int):
    return _act(
        request,
        pk,
        services.PERM_APPROVE,
        lambda actor, alert: services.alert_approve(actor=actor, alert=alert),
        _("Disetujui dan diterbitkan di umpan CAP."),
    )


@login_required
@require_POST
def reject(request, pk: int):
    reason = request.POST.get("reason", "")
    return _act(
        request,
        pk,
        services.PERM_APPROVE,
        lambda actor, alert: services.alert_reject(actor=actor, alert=alert, reason=reason),
        _("Dikembalikan ke penyusun sebagai draf."),
    )


@login_required
@require_POST
def cancel(request, pk: int):
    reason = request.POST.get("reason", "")
    return _act(
        request,
        pk,
        services.PERM_DRAFT,
        lambda actor, alert: services.alert_cancel(actor=actor, original=alert, reason=reason),
        _("Pembatalan diajukan; setelah disetujui, penerima CAP diberi tahu."),
    )


# ---- public ---------------------------------------------------------------------------


def public_list(request):
    return render(
        request,
        "alerts/public_list.html",
        {
            "active": list(selectors.active_alerts()),
            "archive": list(selectors.archive_alerts()[:30]),
            "colors": SEVERITY_COLORS,
        },
    )


def public_detail(request, identifier: str):
    try:
        alert = selectors.public_alert(identifier=identifier)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    now = timezone.now()
    in_force = alert.state == AlertState.PUBLISHED and alert.expires > now
    return render(
        request,
        "alerts/public_detail.html",
        {
            "alert": alert,
            "infos": list(alert.infos.all()),
            "areas": [cap.area_description(a) for a in alert.areas.all()],
            "geojson": json.dumps(selectors.alert_geojson(alert)),
            "in_force": in_force and alert.msg_type != MsgType.CANCEL,
            "color": SEVERITY_COLORS.get(alert.severity, "#969696"),
            "followups": [f for f in alert.followups.all() if f.sent],
        },
    )


def cap_feed(request):
    alerts = list(selectors.feed_alerts())
    updated = max((a.sent for a in alerts), default=None) or timezone.now()
    body = cap.feed(
        alerts,
        base_url=request.build_absolute_uri("/"),
        title=_("Peringatan publik Kota Serang (CAP 1.2)"),
        updated=updated,
    )
    response = HttpResponse(body, content_type=f"{cap.ATOM_CONTENT_TYPE}; charset=utf-8")
    response["Cache-Control"] = "public, max-age=60"
    return response


def cap_document(request, identifier: str):
    try:
        alert = selectors.public_alert(identifier=identifier)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    body = cap.render(alert, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type=f"{cap.CAP_CONTENT_TYPE}; charset=utf-8")
    response["Cache-Control"] = "public, max-age=60"
    return response
