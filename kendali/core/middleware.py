"""Kendali's own middleware. Both are sync- and async-capable so that, under ASGI, a
request crosses from the event loop into a worker thread only once (for the view)."""

from __future__ import annotations

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kendali.core.edge import path_problem
from kendali.core.problems import problem_response

# Paths reachable before the second factor is done.
_TWO_FACTOR_EXEMPT = ("/masuk", "/keluar", "/dua-langkah", "/static/", "/i18n/", "/api/v1/health")


class _DualMode:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.async_mode:
            return self.__acall__(request)
        return self.handle_sync(request)


class TwoFactorMiddleware(_DualMode):
    """Administrators and supervisors must pass TOTP before any page or API call."""

    def _refusal(self, request, user, two_factor_ok: bool):
        if request.path.startswith(_TWO_FACTOR_EXEMPT) or not user.is_authenticated:
            return None
        if not user.needs_two_factor or two_factor_ok:
            return None
        if request.path.startswith("/api/"):
            if request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("bearer "):
                return None
            return problem_response(403, _("Verifikasi dua langkah diperlukan."))
        target = "core:totp_verify" if user.totp_confirmed_at else "core:totp_enrol"
        return redirect(f"{reverse(target)}?next={request.get_full_path()}")

    def handle_sync(self, request):
        refusal = self._refusal(request, request.user, bool(request.session.get("two_factor_ok")))
        return refusal or self.get_response(request)

    async def __acall__(self, request):
        if request.path.startswith(_TWO_FACTOR_EXEMPT) or "sessionid" not in request.COOKIES:
            return await self.get_response(request)
        user = await request.auser()
        if user.is_authenticated:
            two_factor_ok = bool(await request.session.aget("two_factor_ok", False))
            refusal = await sync_to_async(self._refusal)(request, user, two_factor_ok)
            if refusal is not None:
                return refusal
        return await self.get_response(request)


class ContentSecurityPolicyMiddleware(_DualMode):
    """Everything is served from this host: no CDN, no inline scripts from elsewhere."""

    POLICY = (
        "default-src 'self'; img-src 'self' data: blob: https: http:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    )

    def _apply(self, request, response):
        if not request.path.startswith("/api/v1/docs"):
            # The interactive API docs page needs its own inline bootstrap.
            response.headers.setdefault("Content-Security-Policy", self.POLICY)
        return response

    def handle_sync(self, request):
        return self._apply(request, self.get_response(request))

    async def __acall__(self, request):
        return self._apply(request, await self.get_response(request))


class ApiProblemMiddleware(_DualMode):
    """Every 4xx/5xx under /api/ is problem+json, including the ones Django or the API
    framework answer themselves (405 Method Not Allowed, CSRF failure, 500 page)."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        # A path value that cannot name anything (NUL, an id beyond 64 bits) is a 404
        # before any database sees it.
        if request.path.startswith("/api/") and path_problem(view_kwargs):
            return problem_response(404, _("Tidak ditemukan."))
        return None

    def _apply(self, request, response):
        if (
            request.path.startswith("/api/")
            # The CKAN Action API answers in CKAN's own error envelope (harvesters parse it).
            and not request.path.startswith(("/api/3/action/", "/api/action/"))
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/problem+json")
        ):
            headers = {"Allow": response["Allow"]} if response.has_header("Allow") else None
            detail = {
                403: _("Tidak diizinkan (periksa token CSRF atau hak akses)."),
                405: _("Metode HTTP ini tidak didukung untuk alamat ini."),
            }.get(response.status_code, _("Permintaan tidak dapat diproses."))
            return problem_response(response.status_code, detail, headers=headers)
        return response

    def handle_sync(self, request):
        return self._apply(request, self.get_response(request))

    async def __acall__(self, request):
        return self._apply(request, await self.get_response(request))


class MethodNotAllowedPageMiddleware(_DualMode):
    """A page asked with a method it does not take (a POST-only action opened by its
    address, a form posted to a read-only page) answers with the 405 page in the shell
    (navigation, language), like 403/404/500; the API keeps its problem+json."""

    def _apply(self, request, response):
        if (
            response.status_code == 405
            and not request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/")
            and not getattr(response, "streaming", False)
            and not response.content.strip()
        ):
            page = render(request, "405.html", status=405)
            if response.has_header("Allow"):
                page["Allow"] = response["Allow"]
            return page
        return response

    def handle_sync(self, request):
        return self._apply(request, self.get_response(request))

    async def __acall__(self, request):
        return await sync_to_async(self._apply)(request, await self.get_response(request))
