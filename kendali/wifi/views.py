"""Operator pages under /wifi/ and the public captive portal under /wifi/portal/."""

from __future__ import annotations

import ipaddress
import json
from datetime import timedelta
from urllib.parse import urlsplit

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kendali.core.actors import Actor, client_ip
from kendali.core.errors import KendaliError
from kendali.core.pages import apply_errors as _apply_errors
from kendali.core.pages import page_permission
from kendali.wifi import conf, crypto, selectors, services, usage
from kendali.wifi.forms import (
    AccessPointEditForm,
    AccessPointForm,
    AnnouncementForm,
    CodeForm,
    ParkForm,
    PhoneForm,
    QuotaGroupForm,
    VoucherBatchForm,
    VoucherForm,
)
from kendali.wifi.models import Park, Subscriber

# --------------------------------------------------------------------------- operator pages


@page_permission("wifi.view_accesspoint")
@require_http_methods(["GET", "POST"])
def parks(request):
    actor = Actor.from_request(request)
    form = ParkForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("wifi.add_park"):
            raise PermissionDenied(_("Peran Anda tidak berhak menambah taman."))
        if form.is_valid():
            try:
                park = services.park_save(actor=actor, **form.cleaned_data)
            except KendaliError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Taman disimpan."))
                return redirect("wifi:park", park_id=park.pk)
    return render(
        request,
        "wifi/parks.html",
        {
            "parks": selectors.parks_with_aps(actor=actor),
            "form": form,
            "tile": selectors.hotspots_online_tile(actor=actor),
            "undelivered_sms": selectors.undelivered_otp_sms(actor=actor),
        },
    )


@page_permission("wifi.view_accesspoint")
@require_http_methods(["GET", "POST"])
def park_detail(request, park_id: int):
    actor = Actor.from_request(request)
    park = selectors.park_by_id(park_id)
    if park is None:
        raise Http404
    form = AccessPointForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("wifi.add_accesspoint"):
            raise PermissionDenied(_("Peran Anda tidak berhak menambah titik akses."))
        if form.is_valid():
            try:
                services.access_point_save(actor=actor, park=park, **form.cleaned_data)
            except KendaliError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Titik akses disimpan."))
                return redirect("wifi:park", park_id=park.pk)
    today = timezone.localdate()
    day = usage.compute_day(park, today)
    return render(
        request,
        "wifi/park.html",
        {
            "park": park,
            "aps": park.access_points.all(),
            "form": form,
            "today": day,
            "chart": mark_safe(usage.hourly_svg(day["hourly_sessions"], title=_("Sesi per jam"))),  # noqa: S308 - built from numbers only
            "can_usage": request.user.has_perm("wifi.view_wifi_usage"),
        },
    )


@page_permission("wifi.change_park")
@require_http_methods(["GET", "POST"])
def park_edit(request, park_id: int):
    actor = Actor.from_request(request)
    park = selectors.park_by_id(park_id)
    if park is None:
        raise Http404
    initial = {f: getattr(park, f) for f in ParkForm.base_fields}
    form = ParkForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.park_save(actor=actor, park=park, **form.cleaned_data)
        except KendaliError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Taman diperbarui."))
            return redirect("wifi:park", park_id=park.pk)
    return render(request, "wifi/park_edit.html", {"park": park, "form": form})


@page_permission("wifi.add_announcement")
@require_http_methods(["GET", "POST"])
def announcements(request):
    actor = Actor.from_request(request)
    form = AnnouncementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        now = timezone.now()
        try:
            services.announcement_create(
                actor=actor,
                text=d["text"],
                park=d["park"],
                starts_at=now,
                ends_at=now + timedelta(days=d["days"]),
            )
        except KendaliError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Pengumuman tampil di portal."))
            return redirect("wifi:announcements")
    items = selectors.recent_announcements()
    return render(request, "wifi/announcements.html", {"items": items, "form": form})


@page_permission("wifi.change_accesspoint")
@require_http_methods(["GET", "POST"])
def access_point_edit(request, ap_id: int):
    actor = Actor.from_request(request)
    ap = selectors.access_point_by_id(ap_id)
    if ap is None:
        raise Http404
    initial = {f: getattr(ap, f) for f in AccessPointEditForm.base_fields if f != "secret"}
    form = AccessPointEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["secret"] = data["secret"] or None
        try:
            services.access_point_save(actor=actor, ap=ap, park=ap.park, **data)
        except KendaliError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Titik akses diperbarui."))
            return redirect("wifi:park", park_id=ap.park_id)
    return render(request, "wifi/ap_edit.html", {"ap": ap, "form": form})


@page_permission("wifi.view_quotagroup")
@require_http_methods(["GET", "POST"])
def groups(request):
    actor = Actor.from_request(request)
    form = QuotaGroupForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("wifi.add_quotagroup"):
            raise PermissionDenied(_("Peran Anda tidak berhak menambah grup kuota."))
        if form.is_valid():
            try:
                services.quota_group_save(actor=actor, **form.to_fields())
            except KendaliError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Grup kuota disimpan."))
                return redirect("wifi:groups")
    return render(
        request, "wifi/groups.html", {"groups": selectors.quota_groups(actor=actor), "form": form}
    )


@page_permission("wifi.view_voucherbatch")
@require_http_methods(["GET", "POST"])
def vouchers(request):
    actor = Actor.from_request(request)
    form = VoucherBatchForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("wifi.add_voucherbatch"):
            raise PermissionDenied(_("Peran Anda tidak berhak membuat voucher."))
        if form.is_valid():
            d = form.cleaned_data
            try:
                batch, _codes = services.voucher_batch_create(
                    actor=actor,
                    name=d["name"],
                    group=d["group"],
                    park=d["park"],
                    count=d["count"],
                    valid_days=d["valid_days"],
                )
            except KendaliError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Voucher dibuat. Cetak lembarnya."))
                return redirect("wifi:voucher_sheet", batch_id=batch.pk)
    batches = selectors.voucher_batches()
    return render(request, "wifi/vouchers.html", {"batches": batches, "form": form})


@page_permission("wifi.view_voucherbatch")
@require_GET
def voucher_sheet(request, batch_id: int):
    actor = Actor.from_request(request)
    batch = selectors.voucher_batch(batch_id)
    if batch is None:
        raise Http404
    portal = request.build_absolute_uri(reverse("wifi:portal"))
    cards = []
    for voucher, code in services.voucher_codes(actor=actor, batch=batch):
        shown = crypto.format_voucher(code)
        qr = segno.make(f"{portal}?voucher={shown}", error="m")
        cards.append(
            {
                "code": shown,
                "used": voucher.used_at is not None,
                "qr": mark_safe(qr.svg_inline(scale=3, omitsize=True)),  # noqa: S308 - segno output
            }
        )
    return render(request, "wifi/voucher_sheet.html", {"batch": batch, "cards": cards})


def _usage_range(request):
    today = timezone.localdate()
    try:
        days = max(1, min(int(request.GET.get("hari", 7)), 366))
    except ValueError:
        days = 7
    return today - timedelta(days=days - 1), today, days


def _usage_park(request) -> Park | None:
    """The park chosen with ?taman=<id>; anything else (empty, unknown, not a number) is
    "all parks", never an error."""
    return selectors.park_by_id(request.GET.get("taman", ""))


@page_permission("wifi.view_wifi_usage")
@require_GET
def usage_page(request):
    actor = Actor.from_request(request)
    start, end, days = _usage_range(request)
    park = _usage_park(request)
    rows = list(selectors.usage_days(actor=actor, park=park, start=start, end=end))
    hourly = [0] * 24
    for r in rows:
        for h, v in enumerate(r.hourly_sessions or []):
            hourly[h] += v
    return render(
        request,
        "wifi/usage.html",
        {
            "rows": rows,
            "days": days,
            "park": park,
            "parks": selectors.parks(),
            "chart": mark_safe(usage.hourly_svg(hourly, title=_("Profil per jam"))),  # noqa: S308
            "can_export": request.user.has_perm("wifi.export_wifi_usage"),
            "totals": {
                "sessions": sum(r.sessions for r in rows),
                "octets": sum(r.input_octets + r.output_octets for r in rows),
                "peak": max((r.peak_concurrency for r in rows), default=0),
            },
        },
    )


@page_permission("wifi.export_wifi_usage")
@require_GET
def usage_csv(request):
    actor = Actor.from_request(request)
    start, end, _days = _usage_range(request)
    park = _usage_park(request)
    rows = selectors.usage_days(actor=actor, park=park, start=start, end=end)
    response = HttpResponse(usage.to_csv(rows), content_type="text/csv; charset=utf-8")
    which = f"taman-{park.pk}" if park else "taman"
    response["Content-Disposition"] = f'attachment; filename="wifi-{which}-{start}-{end}.csv"'
    return response


# --------------------------------------------------------------------------- captive portal

SESSION_KEY = "wifi_portal"


def _portal_state(request) -> dict:
    return request.session.get(SESSION_KEY, {})


def _safe_login_url(url: str) -> str:
    """The router's login URL (MikroTik ``$(link-login-only)``). Only a private address or a
    configured hotspot host is accepted, so a crafted link cannot harvest credentials."""
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    allowed_hosts = conf.login_hosts()
    try:
        ip = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return url if parts.hostname.lower() in allowed_hosts else ""
    if ip.is_private or selectors.is_hotspot_address(str(ip)):
        return url
    return ""


def _park_of(request, state: dict) -> Park | None:
    ap_key = request.GET.get("ap") or request.GET.get("nas")
    if ap_key:
        ap = selectors.access_point_by_key(ap_key)
        if ap is not None:
            return ap.park
    if request.GET.get("taman", "").isdigit():
        return selectors.park_by_id(request.GET["taman"])
    return selectors.park_by_id(state.get("park"))


def _portal_context(request, park: Park | None, **extra) -> dict:
    return {
        "park": park,
        "announcements": selectors.announcements_for(park),
        "warnings": selectors.public_warnings_for(park),
        **extra,
    }


def _status_url(request) -> str:
    """Absolute URL of the portal's status page, as the phone will reach it after login."""
    base = conf.portal_url().rstrip("/") or request.build_absolute_uri("/").rstrip("/")
    return base + reverse("wifi:portal_status")


def _logged_in(request, login: services.Login):
    state = _portal_state(request)
    state["subscriber"] = login.subscriber.pk
    request.session[SESSION_KEY] = state
    request.session.cycle_key()
    return render(
        request,
        "wifi/portal/login.html",
        _portal_context(
            request,
            selectors.park_by_id(state.get("park")),
            username=login.subscriber.username,
            credential=login.credential,
            login_url=state.get("login_url", ""),
            # The router sends the phone to `dst` after a successful login: our status page
            # (remaining time and data, issue 8), which links on to the page first asked for.
            dst=_status_url(request),
        ),
    )


@never_cache
@require_GET
def portal(request):
    state = _portal_state(request)
    park = _park_of(request, state)
    login_url = _safe_login_url(request.GET.get("link-login-only", ""))
    if park:
        state["park"] = park.pk
    if login_url:
        state["login_url"] = login_url
    dst = request.GET.get("dst", "")
    if dst.startswith(("http://", "https://")):
        state["dst"] = dst[:500]
    request.session[SESSION_KEY] = state
    voucher = request.GET.get("voucher", "")[:24]
    return render(
        request,
        "wifi/portal/splash.html",
        _portal_context(
            request,
            park,
            phone_form=PhoneForm(),
            voucher_form=VoucherForm(initial={"code": voucher}),
            error=request.GET.get("error", "")[:200],
        ),
    )


@never_cache
@require_POST
def portal_send_code(request):
    state = _portal_state(request)
    park = selectors.park_by_id(state.get("park"))
    form = PhoneForm(request.POST)
    if form.is_valid():
        try:
            challenge = services.otp_request(
                phone=form.cleaned_data["phone"],
                ip=client_ip(request),
                accept_terms=form.cleaned_data["terms"],
            )
        except KendaliError as exc:
            _apply_errors(form, exc)
        else:
            # Usually the SMS is still on its way when this renders (it leaves outside the
            # request); when it has already failed for good, say so and offer the voucher.
            delivery = selectors.otp_delivery(challenge)
            if delivery.status == "failed":
                form.add_error(
                    None,
                    _(
                        "Kode belum dapat dikirim karena layanan SMS sedang terganggu. "
                        "Coba lagi beberapa menit lagi, atau masuk dengan voucher."
                    ),
                )
                return render(
                    request,
                    "wifi/portal/splash.html",
                    _portal_context(request, park, phone_form=form, voucher_form=VoucherForm()),
                    status=503,
                )
            code_form = CodeForm(initial={"phone": form.cleaned_data["phone"]})
            return render(
                request,
                "wifi/portal/code.html",
                _portal_context(
                    request,
                    park,
                    form=code_form,
                    sms_delayed=delivery.status == "pending" and bool(delivery.last_error),
                ),
            )
    return render(
        request,
        "wifi/portal/splash.html",
        _portal_context(request, park, phone_form=form, voucher_form=VoucherForm()),
        status=422 if request.method == "POST" else 200,
    )


@never_cache
@require_POST
def portal_verify(request):
    state = _portal_state(request)
    park = selectors.park_by_id(state.get("park"))
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            login = services.otp_verify(
                phone=form.cleaned_data["phone"],
                code=form.cleaned_data["code"],
                ip=client_ip(request),
            )
        except KendaliError as exc:
            _apply_errors(form, exc)
        else:
            return _logged_in(request, login)
    return render(
        request, "wifi/portal/code.html", _portal_context(request, park, form=form), status=422
    )


@never_cache
@require_POST
def portal_voucher(request):
    state = _portal_state(request)
    park = selectors.park_by_id(state.get("park"))
    form = VoucherForm(request.POST)
    if form.is_valid():
        if not form.cleaned_data["terms"]:
            form.add_error("terms", _("Anda perlu menyetujui ketentuan penggunaan."))
        else:
            try:
                login = services.voucher_redeem(
                    code=form.cleaned_data["code"], ip=client_ip(request)
                )
            except KendaliError as exc:
                _apply_errors(form, exc)
            else:
                return _logged_in(request, login)
    return render(
        request,
        "wifi/portal/splash.html",
        _portal_context(request, park, phone_form=PhoneForm(), voucher_form=form),
        status=422,
    )


def _subscriber_of(request) -> Subscriber | None:
    pk = _portal_state(request).get("subscriber")
    return selectors.portal_subscriber(pk)


@never_cache
@require_GET
def portal_status(request):
    state = _portal_state(request)
    park = selectors.park_by_id(state.get("park"))
    subscriber = _subscriber_of(request)
    status = selectors.subscriber_status(subscriber) if subscriber else None
    return render(
        request,
        "wifi/portal/status.html",
        _portal_context(
            request,
            park,
            subscriber=subscriber,
            status=status,
            # The page the phone first asked for (MikroTik `$(link-orig)`), stored only when it
            # was an http(s) URL: offered as a link so the person can go on browsing.
            original_url=state.get("dst", "") if subscriber else "",
        ),
    )


@require_GET
def portal_terms(request):
    return render(request, "wifi/portal/terms.html", {})


@never_cache
@require_GET
def captive_api(request):
    """RFC 8908 captive-portal API (application/captive+json).

    The client is known by its portal session, or else by its address matching an open
    accounting session (Framed-IP-Address)."""
    subscriber = _subscriber_of(request)
    if subscriber is None:
        subscriber = selectors.subscriber_by_framed_ip(client_ip(request))
    base = conf.portal_url().rstrip("/") or request.build_absolute_uri("/").rstrip("/")
    body: dict = {
        "captive": True,
        "user-portal-url": base + reverse("wifi:portal"),
        "venue-info-url": base + reverse("wifi:portal_terms"),
    }
    if subscriber is not None:
        status = selectors.subscriber_status(subscriber)
        if not status["blocked"] and selectors.has_open_session(subscriber):
            body["captive"] = False
            if status["seconds_remaining"] is not None:
                body["seconds-remaining"] = status["seconds_remaining"]
            if status["bytes_remaining"] is not None:
                body["bytes-remaining"] = status["bytes_remaining"]
            body["can-extend-session"] = False
    response = HttpResponse(json.dumps(body), content_type="application/captive+json")
    response["Cache-Control"] = "private, no-store"
    return response
