"""Open311 GeoReport v2 at /open311/v2/: discovery, services and their definitions, requests
(POST with a client application's API key, GET with filters), one request, tokens.

The standard keeps its own formats: JSON and XML (``.json``/``.xml``), form-encoded POST
bodies, an array of ``{code, description}`` for every error, times in ISO 8601 with the
time zone (WIB, +07:00). Nothing personal leaves here: descriptions are the masked public
text and no reporter contact is ever in a response.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from kendali.core import tokens
from kendali.core.actors import Actor, client_ip
from kendali.core.errors import KendaliError
from kendali.core.links import absolute_url
from kendali.reports import deadlines, services
from kendali.reports.choices import CLOSED_STATUSES, Source
from kendali.reports.models import Category, Report, ReportPhoto

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from kendali.core.models import MachineToken

JURISDICTION = "serangkota.go.id"
SCOPE = "open311"
SPEC = "http://wiki.open311.org/GeoReport_v2"
MAX_RESULTS = 1000
WINDOW = timedelta(days=90)


class Open311Error(Exception):
    def __init__(self, status: int, description: str, code: int | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.code = code or status


# --- rendering ---------------------------------------------------------------------------


def _iso(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(deadlines.WIB).isoformat(timespec="seconds")


def _xml_value(parent: ET.Element, key: str, value) -> None:
    if isinstance(value, list):
        holder = ET.SubElement(parent, key)
        child_tag = {"attributes": "attribute", "values": "value", "keywords": "keyword"}.get(
            key, key.rstrip("s")
        )
        for item in value:
            if isinstance(item, dict):
                element = ET.SubElement(holder, child_tag)
                for k, v in item.items():
                    _xml_value(element, k, v)
            else:
                ET.SubElement(holder, child_tag).text = str(item)
        return
    element = ET.SubElement(parent, key)
    if isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def render(data, fmt: str, root: str, item: str, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        top = ET.Element(root)
        rows = data if isinstance(data, list) else [data]
        for row in rows:
            element = ET.SubElement(top, item) if item else top
            for key, value in row.items():
                _xml_value(element, key, value)
        body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(top, encoding="utf-8")
        return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
    return HttpResponse(
        json.dumps(data, ensure_ascii=False),
        status=status,
        content_type="application/json; charset=utf-8",
    )


def _error(exc: Open311Error, fmt: str) -> HttpResponse:
    return render(
        [{"code": exc.code, "description": exc.description}], fmt, "errors", "error", exc.status
    )


def _endpoint(view):
    """Errors as the standard array, in the requested format; jurisdiction checked."""

    def wrapped(request: HttpRequest, fmt: str, **kwargs):
        try:
            jurisdiction = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
            if jurisdiction and jurisdiction != JURISDICTION:
                raise Open311Error(404, _("jurisdiction_id tidak dikenal: %s") % jurisdiction)
            return view(request, fmt, **kwargs)
        except Open311Error as exc:
            return _error(exc, fmt)
        except KendaliError as exc:
            status = 403 if exc.status in (401, 403) else 404 if exc.status == 404 else 400
            return _error(Open311Error(status, exc.detail, code=exc.status), fmt)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# --- data --------------------------------------------------------------------------------


def service_row(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": bool(category.attributes),
        "type": "realtime",
        "keywords": category.keywords,
        "group": category.group,
    }


def definition_row(category: Category) -> dict:
    attributes = []
    for order, attribute in enumerate(category.attributes, start=1):
        attributes.append(
            {
                "variable": True,
                "code": attribute["code"],
                "datatype": attribute.get("datatype", "string"),
                "required": bool(attribute.get("required")),
                "datatype_description": attribute.get("datatype_description", ""),
                "order": attribute.get("order", order),
                "description": attribute.get("description", ""),
                "values": [
                    {"key": v["key"], "name": v["name"]} for v in attribute.get("values", [])
                ],
            }
        )
    return {"service_code": category.code, "attributes": attributes}


def request_row(report: Report, photo_url: str = "") -> dict:
    closed = report.status in CLOSED_STATUSES
    expected = None
    if not closed:
        expected = report.followup_due or report.forward_due
    return {
        "service_request_id": report.tracking,
        "status": "closed" if closed else "open",
        "status_notes": services.mask_personal(report.status_notes) or report.get_status_display(),
        "service_name": report.category.name,
        "service_code": report.category.code,
        "description": report.public_description,
        "agency_responsible": report.agency.name if report.agency is not None else "",
        "service_notice": "",
        "requested_datetime": _iso(report.created_at),
        "updated_datetime": _iso(
            report.closed_at if closed and report.closed_at else report.updated_at
        ),
        "expected_datetime": _iso(expected),
        "address": report.address,
        "address_id": "",
        "zipcode": "",
        "lat": report.lat,
        "long": report.lon,
        "media_url": photo_url,
    }


def _photo_urls(reports: list[Report]) -> dict[int, str]:
    urls: dict[int, str] = {}
    for report_id, photo_id in (
        ReportPhoto.objects.filter(report__in=reports).order_by("id").values_list("report_id", "id")
    ):
        urls.setdefault(report_id, absolute_url(f"/lapor/foto/{photo_id}/"))
    return urls


def _public() -> QuerySet[Report]:
    return Report.objects.filter(hidden=False).select_related("category", "agency")


# --- views -------------------------------------------------------------------------------


@require_GET
@_endpoint
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = absolute_url("/open311/v2/") or request.build_absolute_uri("/open311/v2/")
    data: dict[str, Any] = {
        "changeset": "2026-12-01T00:00:00+07:00",
        "contact": _("Diskominfo Kota Serang — layanan pengaduan warga"),
        "key_service": _("Kunci API diterbitkan oleh administrator Kendali (kendali open311-key)."),
        "endpoints": [
            {
                "specification": SPEC,
                "url": base,
                "changeset": "2026-12-01T00:00:00+07:00",
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    if fmt == "xml":
        top = ET.Element("discovery")
        for key in ("changeset", "contact", "key_service"):
            ET.SubElement(top, key).text = data[key]
        endpoints = ET.SubElement(top, "endpoints")
        endpoint = ET.SubElement(endpoints, "endpoint")
        for key in ("specification", "url", "changeset", "type"):
            ET.SubElement(endpoint, key).text = data["endpoints"][0][key]
        formats = ET.SubElement(endpoint, "formats")
        for value in data["endpoints"][0]["formats"]:
            ET.SubElement(formats, "format").text = value
        body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(top, encoding="utf-8")
        return HttpResponse(body, content_type="text/xml; charset=utf-8")
    return render(data, "json", "", "")


@require_GET
@_endpoint
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    rows = [service_row(c) for c in Category.objects.filter(is_active=True)]
    return render(rows, fmt, "services", "service")


@require_GET
@_endpoint
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        raise Open311Error(404, _("service_code tidak dikenal: %s") % code)
    data = definition_row(category)
    if fmt == "xml":
        return render(data, fmt, "service_definition", "")
    return render(data, fmt, "", "")


def _attributes(post) -> dict:
    values: dict = {}
    for key in post:
        if key.startswith("attribute[") and key.endswith("]"):
            inner = key[len("attribute[") : -1]
            if inner.endswith("]["):
                values[inner[:-2]] = post.getlist(key)
            else:
                values[inner] = post.get(key)
    return values


_KEY_TTL = 5.0  # a verified client key is trusted this long per process (revocation: ≤ 5 s)
_verified_keys: dict[tuple[str, str | None], tuple[float, MachineToken]] = {}


def forget_verified_keys() -> None:
    _verified_keys.clear()


def _client(request: HttpRequest) -> Actor:
    key = request.POST.get("api_key") or request.GET.get("api_key") or ""
    ip = client_ip(request)
    now = time.monotonic()
    cache_key = (tokens.digest(key), ip)
    hit = _verified_keys.get(cache_key)
    if hit is not None and now - hit[0] < _KEY_TTL:
        return Actor(token=hit[1], ip=ip)
    token = tokens.lookup(key, ip=ip) if key else None
    if token is None or not token.has_scope(SCOPE):
        _verified_keys.pop(cache_key, None)
        raise Open311Error(403, _("api_key tidak ada atau tidak valid."))
    if len(_verified_keys) > 1000:
        _verified_keys.clear()
    _verified_keys[cache_key] = (now, token)
    return Actor(token=token, ip=ip)


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    actor = _client(request)
    token = actor.token
    if token is None:  # _client only returns token actors
        raise Open311Error(403, _("api_key tidak ada atau tidak valid."))
    post = request.POST
    code = (post.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, _("service_code wajib diisi."))
    lat, lon = post.get("lat"), post.get("long")
    address = post.get("address_string") or post.get("address_id") or ""
    if not ((lat and lon) or address):
        raise Open311Error(400, _("Lokasi wajib: lat dan long, address_string atau address_id."))
    name = " ".join(p for p in (post.get("first_name", ""), post.get("last_name", "")) if p)
    report = services.report_create(
        actor=actor,
        category_code=code,
        description=post.get("description") or "",
        lat=lat or None,
        lon=lon or None,
        address=address,
        reporter_name=name,
        phone=post.get("phone", ""),
        email=post.get("email", ""),
        attributes=_attributes(post),
        source=Source.OPEN311,
        client=token.name,
    )
    row = {
        "service_request_id": report.tracking,
        "service_notice": _("Akan diverifikasi dalam 3 hari kerja."),
        "account_id": None,
    }
    return render([row], fmt, "service_requests", "request", status=201)


def _parse_time(value: str, name: str) -> datetime:
    parsed = parse_datetime(value.replace(" ", "+")) if value else None
    if parsed is None:
        raise Open311Error(400, _("%s harus berupa waktu ISO 8601.") % name)
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=deadlines.WIB)
    return parsed


def _search(request: HttpRequest, fmt: str) -> HttpResponse:
    params = request.GET
    qs = _public()
    ids = [i.strip().upper() for i in params.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        qs = qs.filter(tracking__in=ids[:MAX_RESULTS])
    else:
        start = (
            _parse_time(params["start_date"], "start_date") if params.get("start_date") else None
        )
        end = _parse_time(params["end_date"], "end_date") if params.get("end_date") else None
        if start is None:
            if end is None:
                end = timezone.now()
            start = end - WINDOW
        elif end is None:
            end = min(start + WINDOW, timezone.now())
        if end < start:
            raise Open311Error(400, _("end_date lebih awal dari start_date."))
        if end - start > WINDOW:
            raise Open311Error(400, _("Rentang start_date–end_date paling lama 90 hari."))
        qs = qs.filter(created_at__gte=start, created_at__lte=end)
        codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
        if codes:
            qs = qs.filter(category__code__in=codes)
        status = params.get("status", "").strip()
        if status == "open":
            qs = qs.exclude(status__in=list(CLOSED_STATUSES))
        elif status == "closed":
            qs = qs.filter(status__in=list(CLOSED_STATUSES))
        elif status:
            raise Open311Error(400, _("status harus open atau closed."))
    reports = list(qs.order_by("-created_at")[:MAX_RESULTS])
    photos = _photo_urls(reports)
    rows = [request_row(r, photos.get(r.pk, "")) for r in reports]
    return render(rows, fmt, "service_requests", "request")


@csrf_exempt
@require_http_methods(["GET", "POST"])
@_endpoint
def request_collection(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    return _search(request, fmt)


@require_GET
@_endpoint
def request_detail(request: HttpRequest, fmt: str, request_id: str) -> HttpResponse:
    report = _public().filter(tracking=request_id.upper()).first()
    if report is None:
        raise Open311Error(404, _("service_request_id tidak dikenal: %s") % request_id)
    photos = _photo_urls([report])
    return render(
        [request_row(report, photos.get(report.pk, ""))], fmt, "service_requests", "request"
    )


@require_GET
@_endpoint
def token_detail(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    report = Report.objects.filter(token=token).only("tracking", "token").first()
    if report is None:
        raise Open311Error(404, _("token tidak dikenal."))
    row = {"service_request_id": report.tracking, "token": report.token}
    return render([row], fmt, "service_requests", "request")
