from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse

from kendali.core.problems import problem_response

# Paths reachable before the second factor is done.
_TWO_FACTOR_EXEMPT = ("/masuk", "/keluar", "/dua-langkah", "/static/", "/i18n/", "/api/v1/health")


class TwoFactorMiddleware:
    """Administrators and supervisors must pass TOTP before any page or API call."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_TWO_FACTOR_EXEMPT)
            and user.needs_two_factor
            and not request.session.get("two_factor_ok")
        ):
            if request.path.startswith("/api/"):
                if request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("bearer "):
                    return self.get_response(request)
                return problem_response(403, "Verifikasi dua langkah diperlukan.")
            target = "core:totp_verify" if user.totp_confirmed_at else "core:totp_enrol"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Everything is served from this host: no CDN, no inline scripts from elsewhere."""

    POLICY = (
        "default-src 'self'; img-src 'self' data: blob: https: http:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/v1/docs"):
            return response  # the interactive API docs page needs its own inline bootstrap
        response.headers.setdefault("Content-Security-Policy", self.POLICY)
        return response
