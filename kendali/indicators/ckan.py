"""The read part of the CKAN Action API (``/api/3/action/<name>``), in CKAN's own envelope
``{"help": …, "success": true, "result": …}`` and its error shape (``success: false`` with
``error.__type``), so harvesters and the standard CKAN client read this catalogue like any
CKAN portal. Public and read-only: package_list, package_show, package_search,
organization_list, organization_show, resource_show (plus status_show, which clients probe).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, time

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from kendali import __version__
from kendali.core.links import absolute_url
from kendali.core.models import Agency
from kendali.indicators import datacatalog

NAMESPACE = uuid.UUID("6b0f4a53-2f7e-4d55-9c0b-7a8a7f0c0d16")  # Kendali open data ids


def _id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def _help(action: str) -> str:
    return absolute_url(f"/api/3/action/help_show?name={action}")


def _ok(action: str, result) -> JsonResponse:
    return JsonResponse({"help": _help(action), "success": True, "result": result})


def _error(action: str, status: int, kind: str, message: str, **fields) -> JsonResponse:
    error = {"__type": kind, "message": message, **fields}
    return JsonResponse({"help": _help(action), "success": False, "error": error}, status=status)


def _stamp(day) -> str:
    # CKAN gives naive UTC timestamps.
    aware = timezone.make_aware(datetime.combine(day, time.min))
    return aware.astimezone(UTC).replace(tzinfo=None).isoformat()


def _organizations() -> dict[str, dict]:
    codes = sorted({d.producer for d in datacatalog.all_datasets()})
    agencies = {a.code: a for a in Agency.objects.filter(code__in=codes)}
    out = {}
    for code in codes:
        agency = agencies.get(code)
        out[code] = {
            "id": _id("org", code),
            "name": code,
            "title": agency.name if agency else code,
            "display_name": agency.name if agency else code,
            "description": "",
            "type": "organization",
            "is_organization": True,
            "state": "active",
            "approval_status": "approved",
            "image_url": "",
            "image_display_url": "",
            "created": (agency.created_at.replace(tzinfo=None).isoformat() if agency else ""),
        }
    return out


def _package(ds, orgs: dict[str, dict]) -> dict:
    meta = datacatalog.metadata(ds)
    name = datacatalog.slug(ds.key)
    package_id = _id("dataset", ds.key)
    page = absolute_url(reverse("opendata:dataset", args=[name]))
    resources: list[dict] = []
    vs = datacatalog.versions(ds)
    for version in vs:
        for fmt, (media, label) in datacatalog.FORMATS.items():
            resources.append(
                {
                    "id": _id("resource", ds.key, version.label, fmt),
                    "package_id": package_id,
                    "name": f"{meta['judul']} — {version.label} ({label})",
                    "description": (
                        "Periode berjalan, masih bertambah."
                        if version.running
                        else "Periode tertutup."
                    ),
                    "format": label,
                    "mimetype": media.split(";")[0],
                    "url": absolute_url(
                        reverse("opendata:download", args=[name, version.label, fmt])
                    ),
                    "url_type": None,
                    "size": None,
                    "state": "active",
                    "position": len(resources),
                    "created": _stamp(version.start),
                    "last_modified": None,
                    "datastore_active": False,
                    "cache_url": None,
                    "hash": "",
                    "resource_type": None,
                }
            )
    tags = [
        {
            "id": _id("tag", t),
            "name": t,
            "display_name": t,
            "state": "active",
            "vocabulary_id": None,
        }
        for t in meta["kata_kunci"]
    ]
    extras = [
        {"key": "produsen_data", "value": meta["produsen_data"]},
        {"key": "walidata", "value": meta["walidata"]},
        {"key": "frekuensi", "value": meta["frekuensi"]},
        {"key": "cakupan_waktu_mulai", "value": meta["cakupan_waktu"]["mulai"]},
        {"key": "cakupan_waktu_sampai", "value": meta["cakupan_waktu"]["sampai"]},
        {"key": "cakupan_wilayah", "value": meta["cakupan_wilayah"]},
        {"key": "kolom", "value": ", ".join(meta["kolom"])},
    ]
    if meta["aturan_supresi"]:
        extras.append({"key": "aturan_supresi", "value": meta["aturan_supresi"]})
    contact = meta["kontak"]
    return {
        "id": package_id,
        "name": name,
        "title": meta["judul"],
        "notes": meta["deskripsi"],
        "type": "dataset",
        "state": "active",
        "private": False,
        "isopen": True,
        "license_id": datacatalog.LICENSE_ID,
        "license_title": datacatalog.LICENSE_TITLE,
        "license_url": datacatalog.LICENSE_URL,
        "author": meta["produsen_data"],
        "author_email": None,
        "maintainer": contact["nama"],
        "maintainer_email": contact["email"] or None,
        "owner_org": orgs[ds.producer]["id"],
        "organization": orgs[ds.producer],
        "url": page,
        "version": vs[0].label,
        "metadata_created": _stamp(min(v.start for v in vs)),
        "metadata_modified": timezone.now().replace(tzinfo=None).isoformat(),
        "frequency": meta["frekuensi"],
        "tags": tags,
        "num_tags": len(tags),
        "groups": [],
        "extras": extras,
        "resources": resources,
        "num_resources": len(resources),
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }


def _params(request: HttpRequest) -> dict:
    params = dict(request.GET.items())
    if request.method == "POST" and request.body:
        try:
            body = json.loads(request.body)
        except ValueError:
            body = None
        if isinstance(body, dict):
            params.update(body)
        else:
            params.update(dict(request.POST.items()))
    return params


def _int(value, default: int, *, low: int = 0, high: int = 1000) -> int:
    try:
        return max(low, min(high, int(value)))
    except (TypeError, ValueError):
        return default


def _find(name_or_id: str):
    for ds in datacatalog.all_datasets():
        if name_or_id in (datacatalog.slug(ds.key), ds.key, _id("dataset", ds.key)):
            return ds
    return None


def _matches(package: dict, q: str, fq: str) -> bool:
    if q and q not in ("*:*", "*"):
        hay = " ".join(
            [package["name"], package["title"], package["notes"]]
            + [t["name"] for t in package["tags"]]
        ).lower()
        if not all(word in hay for word in q.lower().split()):
            return False
    for clause in fq.split():
        field, _sep, value = clause.partition(":")
        value = value.strip('"')
        if field == "organization" and package["organization"]["name"] != value:
            return False
        if field == "tags" and value not in [t["name"] for t in package["tags"]]:
            return False
        if field == "res_format" and value.upper() not in {
            r["format"] for r in package["resources"]
        }:
            return False
        if field == "name" and package["name"] != value:
            return False
    return True


def _package_list(p):
    names = sorted(datacatalog.slug(d.key) for d in datacatalog.all_datasets())
    offset = _int(p.get("offset"), 0, high=10**6)
    limit = p.get("limit")
    return names[offset : offset + _int(limit, len(names))] if limit is not None else names[offset:]


def _package_show(p):
    ds = _find(str(p.get("id") or p.get("name") or ""))
    if ds is None:
        raise LookupError
    return _package(ds, _organizations())


def _package_search(p):
    orgs = _organizations()
    packages = [_package(d, orgs) for d in datacatalog.all_datasets()]
    found = [pk for pk in packages if _matches(pk, str(p.get("q") or ""), str(p.get("fq") or ""))]
    sort = str(p.get("sort") or "score desc, metadata_modified desc")
    if sort.startswith("name") or sort.startswith("title_string"):
        found.sort(key=lambda pk: pk["name"], reverse=sort.endswith("desc"))
    start = _int(p.get("start"), 0, high=10**6)
    rows = _int(p.get("rows"), 10)
    return {
        "count": len(found),
        "sort": sort,
        "facets": {},
        "search_facets": {},
        "results": found[start : start + rows],
    }


def _organization_list(p):
    orgs = _organizations()
    all_fields = str(p.get("all_fields", "")).lower() in ("true", "1")
    counts: dict[str, int] = {}
    for d in datacatalog.all_datasets():
        counts[d.producer] = counts.get(d.producer, 0) + 1
    if all_fields:
        return [{**org, "package_count": counts.get(code, 0)} for code, org in sorted(orgs.items())]
    return sorted(orgs)


def _organization_show(p):
    orgs = _organizations()
    wanted = str(p.get("id") or "")
    code = next((c for c, o in orgs.items() if wanted in (c, o["id"])), None)
    if code is None:
        raise LookupError
    packages = [_package(d, orgs) for d in datacatalog.all_datasets() if d.producer == code]
    org = {**orgs[code], "package_count": len(packages), "users": [], "extras": [], "groups": []}
    include = str(p.get("include_datasets", "true")).lower() not in ("false", "0")
    org["packages"] = packages if include else []
    return org


def _resource_show(p):
    wanted = str(p.get("id") or "")
    orgs = _organizations()
    for d in datacatalog.all_datasets():
        for resource in _package(d, orgs)["resources"]:
            if resource["id"] == wanted:
                return resource
    raise LookupError


def _status_show(p):
    return {
        "site_title": "Data Terbuka Kota Serang (Kendali)",
        "site_url": absolute_url("/"),
        "site_description": "Katalog data terbuka Kendali",
        "ckan_version": "2.10.0",
        "kendali_version": __version__,
        "locale_default": "id",
        "extensions": [],
    }


ACTIONS = {
    "package_list": _package_list,
    "package_show": _package_show,
    "package_search": _package_search,
    "organization_list": _organization_list,
    "organization_show": _organization_show,
    "resource_show": _resource_show,
    "status_show": _status_show,
}
NEEDS_ID = {"package_show", "organization_show", "resource_show"}


@csrf_exempt
def action(request: HttpRequest, name: str) -> JsonResponse:
    if request.method not in ("GET", "POST"):
        return _error(name, 400, "Bad request", "Metode tidak didukung.")
    handler = ACTIONS.get(name)
    if handler is None:
        return _error(name, 400, "Bad request", f"Bad request - Action name not known: {name}")
    params = _params(request)
    if name in NEEDS_ID and not (params.get("id") or params.get("name")):
        return _error(name, 409, "Validation Error", "Missing value", id=["Missing value"])
    try:
        result = handler(params)
    except LookupError:
        return _error(name, 404, "Not Found Error", "Not found")
    return _ok(name, result)
