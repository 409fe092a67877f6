"""RFC 9457 problem details (application/problem+json) for every API error."""

from __future__ import annotations

import json
from http import HTTPStatus

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

PROBLEM_TYPE_BASE = "https://kendali.serangkota.go.id/problems/"


def problem_response(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    code: str | None = None,
    errors: list | dict | None = None,
    instance: str | None = None,
    headers: dict | None = None,
) -> HttpResponse:
    body = {
        "type": PROBLEM_TYPE_BASE + (code or _default_code(status)),
        "title": str(title or _default_title(status)),
        "status": status,
        "detail": str(detail),
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str),
        status=status,
        content_type="application/problem+json",
    )
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def _default_code(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "-")
    except ValueError:
        return "error"


_TITLES = {
    400: _("Permintaan tidak valid"),
    401: _("Perlu autentikasi"),
    403: _("Tidak diizinkan"),
    404: _("Tidak ditemukan"),
    405: _("Metode tidak diizinkan"),
    409: _("Konflik"),
    413: _("Isi permintaan terlalu besar"),
    422: _("Data tidak valid"),
    429: _("Terlalu banyak permintaan"),
    500: _("Kesalahan server"),
    503: _("Layanan tidak tersedia"),
}


def _default_title(status: int) -> str:
    return str(
        _TITLES.get(
            status,
            HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error",
        )
    )
