"""The one page-permission decorator every module's views use."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kendali.core.actors import Actor
from kendali.core.errors import KendaliError, NotFound


def page_permission(
    perm: str | tuple[str, ...],
    *,
    methods: tuple[str, ...] | None = None,
    with_actor: bool = False,
) -> Callable:
    """A page for signed-in people holding ``perm`` (or any of several): others get 403 (the
    anonymous go to the login page). ``methods`` limits the HTTP methods (405 otherwise);
    ``with_actor`` passes ``Actor.from_request(request)`` after the request. A ``NotFound``
    from a selector or service (an object outside the actor's scope) becomes a 404."""
    perms = (perm,) if isinstance(perm, str) else tuple(perm)

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not any(request.user.has_perm(p) for p in perms):
                raise PermissionDenied(_("Peran Anda tidak berhak membuka halaman ini."))
            try:
                if with_actor:
                    return view(request, Actor.from_request(request), *args, **kwargs)
                return view(request, *args, **kwargs)
            except NotFound as exc:
                raise Http404(exc.detail) from None

        guarded = wrapper
        if methods is not None:
            guarded = require_http_methods(list(methods))(guarded)
        return login_required(guarded)

    return decorate


def apply_errors(form, exc: KendaliError, *, fallback_prefix: str = "") -> None:
    """A service's refusal shown on the form: its per-field errors beside the fields
    (``fallback_prefix`` names form fields that carry a prefix the service does not know),
    else its message above the form."""
    placed = False
    if isinstance(exc.errors, dict):
        for field, errs in exc.errors.items():
            name = field if field in form.fields else f"{fallback_prefix}{field}"
            if name in form.fields:
                for err in errs:
                    form.add_error(name, err)
                placed = True
    if not placed:
        form.add_error(None, exc.detail)
