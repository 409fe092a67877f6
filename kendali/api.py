"""The /api/v1 wiring: one NinjaAPI, each app's router, problem+json errors."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from kendali import __version__
from kendali.core.api import router as core_router
from kendali.core.apiauth import combined_auth
from kendali.core.edge import EdgeInvalid, EdgeParser
from kendali.core.errors import KendaliError
from kendali.core.openapi import complete
from kendali.core.problems import problem_response
from kendali.regions.api import router as regions_router

logger = logging.getLogger(__name__)


class KendaliAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        return complete(super().get_openapi_schema(*args, **kwargs))


api = KendaliAPI(
    title="Kendali API",
    version="1",
    description=(
        "API Kendali (pusat kendali kota). Autentikasi: sesi peramban atau "
        "`Authorization: Bearer <token mesin>`. Semua kesalahan berformat RFC 9457 "
        "`application/problem+json`. Aliran peristiwa langsung: `GET /api/v1/events/stream` (SSE)."
    ),
    auth=combined_auth(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=EdgeParser(),
)


def _field_errors(errors: list) -> list:
    cleaned = []
    for error in errors:
        loc = [
            str(part)
            for part in error.get("loc", [])
            # framework wrappers and union tags are no field names
            if part not in ("body", "payload", "batch", "one")
            and not str(part).startswith(("function-", "tagged-union["))
        ]
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        cleaned.append({"field": ".".join(loc), "message": message, "type": error.get("type")})
    return cleaned


@api.exception_handler(ValidationError)
def _validation(request, exc: ValidationError):
    errors = _field_errors(exc.errors)
    detail = _("Data yang dikirim tidak valid.")
    if len(errors) == 1:  # one problem: say it in the detail too
        detail = f"{detail} {errors[0]['field']}: {errors[0]['message']}".replace(" : ", " ")
    return problem_response(422, detail, code="invalid", errors=errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc: AuthenticationError):
    detail = (
        str(exc.message)
        if getattr(exc, "message", None) and str(exc.message) != "Unauthorized"
        else _("Perlu autentikasi: masuk atau kirim token yang valid.")
    )
    return problem_response(401, detail, headers={"WWW-Authenticate": 'Bearer realm="kendali"'})


@api.exception_handler(EdgeInvalid)
def _edge_invalid(request, exc: EdgeInvalid):
    return problem_response(
        422, _("Data yang dikirim tidak valid."), code="invalid", errors=exc.errors
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, EdgeInvalid):  # a body the edge parser refused
        return _edge_invalid(request, exc.__cause__)
    return problem_response(exc.status_code, str(exc.message))


@api.exception_handler(KendaliError)
def _service_error(request, exc: KendaliError):
    return problem_response(
        exc.status, exc.detail, title=exc.title, code=exc.code, errors=exc.errors
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem_response(404, str(exc) or _("Tidak ditemukan."))


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return problem_response(403, str(exc) or _("Tidak diizinkan."))


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return problem_response(413, _("Isi permintaan melebihi batas ukuran."))


@api.exception_handler(Exception)
def _server_error(request, exc):
    logger.exception("unhandled API error")
    return problem_response(500, _("Terjadi kesalahan pada server. Kejadian ini telah dicatat."))


def _register_routers() -> None:
    api.add_router("/", core_router)
    api.add_router("/regions", regions_router)
    for module in (
        "calls",
        "incidents",
        "dispatch",
        "control",
        "sensors",
        "alerts",
        "wifi",
        "indicators",
        "assets",
        "spbe",
    ):
        try:
            imported = __import__(f"kendali.{module}.api", fromlist=["router", "routers"])
        except ModuleNotFoundError as exc:
            if exc.name != f"kendali.{module}.api":
                raise
            continue
        for prefix, router in getattr(
            imported, "routers", [(f"/{module}", getattr(imported, "router", None))]
        ):
            if router is not None:
                api.add_router(prefix, router)


_register_routers()
__all__ = ["api", "__version__"]
