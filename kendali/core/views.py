from __future__ import annotations

import logging
from datetime import datetime, time

import segno
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kendali.core import selectors, services
from kendali.core.actors import Actor, client_ip
from kendali.core.choices import Role
from kendali.core.context_processors import _linked_nav
from kendali.core.errors import KendaliError
from kendali.core.forms import (
    AgencyForm,
    AuditFilterForm,
    ChannelForm,
    LoginForm,
    PasswordChangeForm,
    TokenForm,
    TotpForm,
    UserCreateForm,
)
from kendali.core.models import Agency, AgencyChannel, User
from kendali.core.registry import kpi_tiles, nav_items, run_selector

logger = logging.getLogger(__name__)


def _safe_next(request, default="core:home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_http_methods(["GET", "POST"])
def login_view(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        ip = client_ip(request)
        candidate = User.objects.filter(username__iexact=username).first()
        if candidate is not None and candidate.is_locked:
            services.login_failed(username=username, ip=ip)
            form.add_error(
                None,
                _(
                    "Akun dikunci sementara karena terlalu banyak percobaan gagal. "
                    "Coba lagi nanti atau hubungi administrator."
                ),
            )
        else:
            user = authenticate(
                request,
                username=candidate.username if candidate else username,
                password=form.cleaned_data["password"],
            )
            if user is None:
                failed = services.login_failed(username=username, ip=ip)
                if failed is not None and failed.is_locked:
                    form.add_error(
                        None, _("Akun dikunci sementara karena terlalu banyak percobaan gagal.")
                    )
                else:
                    form.add_error(None, _("Nama pengguna atau kata sandi salah."))
            else:
                login(request, user)
                services.login_succeeded(user=user, ip=ip)
                if user.language:
                    request.session["_language"] = user.language
                return redirect(_safe_next(request))
    return render(request, "core/login.html", {"form": form, "next": request.GET.get("next", "")})


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("Anda telah keluar."))
    return redirect("core:login")


@login_required
@require_http_methods(["GET", "POST"])
def totp_enrol(request):
    user = request.user
    if user.totp_confirmed_at:
        return redirect("core:totp_verify")
    secret = services.totp_begin(user=user)
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_confirm(user=user, code=form.cleaned_data["code"], ip=client_ip(request))
        except KendaliError as exc:
            form.add_error("code", exc.detail)
        else:
            request.session["two_factor_ok"] = True
            messages.success(request, _("Autentikasi dua langkah aktif."))
            return redirect(_safe_next(request))
    uri = services.totp_provisioning_uri(user)
    qr_svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#0b2239")
    return render(
        request, "core/totp_enrol.html", {"form": form, "qr_svg": qr_svg, "secret": secret}
    )


@login_required
@require_http_methods(["GET", "POST"])
def totp_verify(request):
    user = request.user
    if not user.totp_confirmed_at:
        return redirect("core:totp_enrol")
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_verify(user=user, code=form.cleaned_data["code"], ip=client_ip(request))
        except KendaliError as exc:
            form.add_error("code", exc.detail)
        else:
            request.session["two_factor_ok"] = True
            return redirect(_safe_next(request))
    return render(request, "core/totp_verify.html", {"form": form})


ROLE_HOME_TEXT = {
    Role.ADMINISTRATOR: _("Kelola pengguna, instansi, token mesin, dan periksa log audit."),
    Role.SUPERVISOR: _(
        "Pantau antrean 112, kebijakan blokir, laporan harian, dan serah terima shift."
    ),
    Role.CALL_TAKER: _(
        "Terima panggilan 112, saring panggilan iseng dengan cepat, dan buka kejadian."
    ),
    Role.DISPATCHER: _(
        "Kirim unit terdekat yang sesuai, pantau waktu respons, dan tutup kejadian."
    ),
    Role.AGENCY_OFFICER: _(
        "Terima tugas untuk instansi Anda, konfirmasi, dan kirim laporan lapangan."
    ),
    Role.CONTROL_ROOM_VIEWER: _("Pantau peta kota, kejadian, unit, dan indikator secara langsung."),
    Role.OPERATOR: _("Kelola sensor kota, alarm, dan hotspot Wi-Fi taman."),
    Role.ASSET_MANAGER: _("Kelola barang milik daerah OPD Anda."),
    Role.SPBE_COORDINATOR: _("Siapkan arsitektur, peta rencana, dan evaluasi indeks SPBE."),
    Role.SPBE_REVIEWER: _("Terima atau kembalikan jawaban indikator SPBE yang diajukan OPD."),
    Role.BMD_PENGELOLA: _("Pantau dan setujui barang milik daerah seluruh OPD."),
    Role.BMD_PENATAUSAHAAN: _("Bukukan BMD seluruh OPD, jalankan penyusutan, kunci semester."),
    Role.BMD_PENGGUNA: _("Setujui entri barang milik daerah OPD Anda."),
    Role.BMD_KUASA: _("Setujui entri barang milik daerah unit Anda."),
    Role.BMD_PENGURUS: _("Catat perolehan, mutasi, dan inventarisasi BMD OPD Anda."),
    Role.BMD_PENGURUS_PEMBANTU: _("Catat BMD dan inventarisasi unit kerja Anda."),
}


@login_required
def home(request):
    user = request.user
    roles = [r for r in Role if r.value in user.roles]

    shortcuts = [item for item in _linked_nav(user) if item["key"] != "home"]
    return render(
        request,
        "core/home.html",
        {
            "roles": [(r.label, ROLE_HOME_TEXT.get(r, ""), _role_home_url(user, r)) for r in roles],
            "shortcuts": shortcuts,
            "tiles": _home_tiles(request),
        },
    )


def _role_home_url(user, role) -> str:
    """The page a role's card on the home page opens: the first nav item a module declares
    as that role's home (``NavItem.roles_home``), or "" when no module does."""
    for item in nav_items(user):
        if role in item.roles_home:
            try:
                return reverse(item.url_name)
            except NoReverseMatch:
                continue
    return ""


def _home_tiles(request) -> list[dict]:
    """The KPI tiles this user may see (registered by the modules), so each role's home
    page opens on the figures of its own work. A tile whose selector fails is shown as
    unavailable instead of breaking the page."""
    actor = Actor.from_request(request)
    tiles = []
    for tile in kpi_tiles(request.user):
        try:
            data = run_selector(tile.selector, actor=actor) or {}
        except Exception:  # noqa: BLE001 - one module's fault must not hide the others
            logger.exception("home tile %s failed", tile.key)
            data = {"value": "—", "detail": _("tidak tersedia"), "level": "warn"}
        if isinstance(data.get("detail"), dict):
            data = {**data, "detail": " · ".join(f"{k} {v}" for k, v in data["detail"].items())}
        tiles.append({"key": tile.key, "label": tile.label, **data})
    return tiles


@login_required
def audit_log(request):
    if not request.user.has_perm("core.view_audit"):
        raise PermissionDenied(_("Log audit hanya untuk supervisor dan administrator."))
    form = AuditFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        tz = timezone.get_current_timezone()
        filters = {
            "action": data["action"],
            "actor_label": data["actor"],
            "object_type": data["object_type"],
            "kind": data["kind"],
            "since": timezone.make_aware(datetime.combine(data["since"], time.min), tz)
            if data["since"]
            else None,
            "until": timezone.make_aware(datetime.combine(data["until"], time.max), tz)
            if data["until"]
            else None,
        }
    entries = selectors.audit_entries(actor=Actor.from_request(request), **filters).select_related(
        None
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "core/audit.html", {"form": form, "page": page, "query": query.urlencode()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    if not request.user.has_perm("core.manage_tokens"):
        raise PermissionDenied(_("Peran Anda tidak berhak mengelola token mesin."))
    actor = Actor.from_request(request)
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, plain = services.token_create(
                actor=actor, name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"]
            )
        except KendaliError as exc:
            form.add_error(None, exc.detail)
        else:
            created = {"token": token, "plain": plain}
            form = TokenForm()
    return render(
        request,
        "core/tokens.html",
        {
            "form": form,
            "tokens": selectors.machine_tokens(actor=actor),
            "created": created,
        },
    )


@login_required
@require_POST
def token_revoke(request, token_id: int):
    actor = Actor.from_request(request)
    if not request.user.has_perm("core.manage_tokens"):
        raise PermissionDenied(_("Peran Anda tidak berhak mengelola token mesin."))
    if not selectors.machine_tokens(actor=actor).filter(pk=token_id).exists():
        raise Http404(_("Token tidak ditemukan."))
    services.token_revoke(actor=actor, token_id=token_id)
    messages.success(request, _("Token dicabut."))
    return redirect("core:tokens")


@login_required
def agency_list(request):
    if not request.user.has_perm("core.view_agency"):
        raise PermissionDenied(_("Peran Anda tidak berhak melihat daftar instansi."))

    actor = Actor.from_request(request)
    can_edit = request.user.has_perm("core.manage_agency")
    form = AgencyForm(request.POST or None) if can_edit else None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("Hanya administrator yang boleh mengubah data instansi."))
        if form.is_valid():
            data = dict(form.cleaned_data)
            code = data.pop("code")
            try:
                services.agency_save(actor=actor, code=code, **data)
            except (KendaliError, DjangoValidationError) as exc:
                form.add_error(
                    None,
                    getattr(exc, "detail", None) or " ".join(getattr(exc, "messages", [str(exc)])),
                )
            else:
                messages.success(request, _("Instansi %(code)s disimpan.") % {"code": code})
                return redirect("core:agencies")
    return render(
        request,
        "core/agencies.html",
        {
            "agencies": selectors.agencies(actor=actor, include_inactive=can_edit),
            "form": form,
            "can_edit": can_edit,
        },
    )


@login_required
@require_POST
def agency_channel(request, code: str):
    if not request.user.has_perm("core.manage_agency"):
        raise PermissionDenied(_("Hanya administrator yang boleh mengubah kanal instansi."))
    actor = Actor.from_request(request)
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise Http404(_("Instansi tidak ditemukan."))
    remove_id = request.POST.get("remove")
    if remove_id:
        channel = AgencyChannel.objects.filter(agency=agency, pk=remove_id).first()
        if channel is not None:
            services.agency_channel_remove(actor=actor, channel=channel)
        return redirect("core:agencies")
    form = ChannelForm(request.POST)
    if form.is_valid():
        services.agency_channel_add(actor=actor, agency=agency, **form.cleaned_data)
        messages.success(request, _("Kanal ditambahkan."))
    else:
        messages.error(request, _("Kanal tidak valid: isi jenis dan nomor/alamat."))
    return redirect("core:agencies")


@login_required
@require_http_methods(["GET", "POST"])
def user_list(request):
    if not request.user.has_perm("core.manage_users"):
        raise PermissionDenied(_("Hanya administrator yang boleh mengelola pengguna."))
    actor = Actor.from_request(request)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_create(
                actor=actor,
                username=data["username"],
                password=data["password"],
                roles=data["roles"],
                full_name=data["full_name"],
                agency=data["agency"],
                extension=data["extension"],
            )
        except KendaliError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Pengguna %(u)s dibuat.") % {"u": data["username"]})
            return redirect("core:users")
    users = User.objects.select_related("agency").prefetch_related("groups").order_by("username")
    return render(request, "core/users.html", {"form": form, "users": users, "roles": Role})


@login_required
@require_POST
def user_action(request, user_id: int):
    if not request.user.has_perm("core.manage_users"):
        raise PermissionDenied(_("Hanya administrator yang boleh mengelola pengguna."))
    actor = Actor.from_request(request)
    target = User.objects.filter(pk=user_id).first()
    if target is None:
        raise Http404(_("Pengguna tidak ditemukan."))
    action = request.POST.get("action")
    try:
        if action == "unlock":
            services.user_unlock(actor=actor, user=target)
        elif action == "reset_totp":
            services.totp_reset(actor=actor, user=target)
        elif action in ("activate", "deactivate"):
            services.user_update(actor=actor, user=target, is_active=action == "activate")
        else:
            messages.error(request, _("Aksi tidak dikenal."))
            return redirect("core:users")
    except KendaliError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Perubahan untuk %(u)s disimpan.") % {"u": target.username})
    return redirect("core:users")


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_password_change(
                actor=Actor.from_request(request),
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except KendaliError as exc:
            form.add_error(None, exc.detail)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Kata sandi diganti."))
            return redirect("core:home")
    return render(request, "core/password.html", {"form": form})
