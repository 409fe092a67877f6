"""Authentication and authorization for /api/v1.

A route declares who may call it with ``auth=access(perm=..., scope=...)``:
people (browser session, CSRF-checked) need the permission, machines
(``Authorization: Bearer knd_…``) need the scope. The check runs before the body
is parsed, so a wrong role always gets 403 and an unknown token 401.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from kendali.core import tokens
from kendali.core.actors import Actor, client_ip
from kendali.core.errors import NotAllowed

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class TokenAuth(HttpBearer):
    openapi_description = "Token mesin: `Authorization: Bearer knd_…`"

    def __init__(self, scope: str | None = None) -> None:
        super().__init__()
        self.scope = scope

    def __call__(self, request):
        # Our own header parsing: the framework's logs a non-Bearer header verbatim (a
        # credential in the log). Another scheme is simply not a machine token.
        scheme, _sep, token = (request.headers.get(self.header) or "").partition(" ")
        if scheme.lower() != self.openapi_scheme:
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request, token):
        found = tokens.lookup(token, ip=client_ip(request))
        if found is None:
            # A bearer header that does not verify is a 401, never a fall-through
            # to the session (so a cookie cannot mask a bad token).
            raise AuthenticationError(401, _("Token tidak dikenal atau sudah dicabut."))
        if self.scope is None or not found.has_scope(self.scope):
            raise NotAllowed(_("Token ini tidak memiliki cakupan untuk aksi ini."))
        request.machine_token = found
        return found


class SessionAuth(APIKeyCookie):
    """Django session cookie; unsafe methods also need the CSRF token."""

    param_name = "sessionid"
    openapi_description = (
        "Sesi peramban (cookie) dengan token CSRF untuk permintaan yang mengubah data."
    )

    def __init__(self, perms: tuple[str, ...] = (), *, people: bool = True) -> None:
        super().__init__()
        self.perms = perms
        self.people = people

    def _get_key(self, request):
        return request.COOKIES.get(settings.SESSION_COOKIE_NAME)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            # A session (cookie) is sent by the browser on its own; an unsafe call must
            # also prove it comes from one of our pages: the CSRF token (header
            # X-CSRFToken or form field) and, when sent, a same-site Origin. Machine
            # tokens never reach here (TokenAuth runs first).
            raise NotAllowed(
                _("Pemeriksaan CSRF gagal: muat ulang halaman lalu coba lagi."), code="csrf"
            )
        if user.needs_two_factor and not request.session.get("two_factor_ok"):
            raise NotAllowed(_("Verifikasi dua langkah diperlukan."))
        if not self.people:
            raise NotAllowed(_("Alamat ini hanya untuk token mesin."))
        if self.perms and not any(user.has_perm(p) for p in self.perms):
            raise NotAllowed(_("Peran Anda tidak berhak melakukan aksi ini."))
        return user


def access(
    *,
    perm: str | None = None,
    any_perm: tuple[str, ...] = (),
    scope: str | None = None,
    people: bool = True,
) -> list:
    """Auth list for a route. ``perm``/``any_perm``: people need one of them (none = any
    logged-in user). ``scope``: tokens need it (none = tokens refused). ``people=False``:
    machine tokens only."""
    perms = ((perm,) if perm else ()) + tuple(any_perm)
    return [TokenAuth(scope), SessionAuth(perms, people=people)]


def actor_of(request) -> Actor:
    return Actor.from_request(request)


def combined_auth() -> list:
    """Default for routes that declare nothing: any logged-in person, no tokens."""
    return access()
