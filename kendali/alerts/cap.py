"""CAP 1.2 documents and the Atom feed: rendering and validation against the OASIS schema.

Pure functions over model instances (saved or not), so the schema test can render every
combination the form allows without touching the database.
"""

from __future__ import annotations

import json
import re
import zoneinfo
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path
from xml.etree import ElementTree as ET

import xmlschema
from django.conf import settings
from django.utils import timezone
from shapely.geometry import shape

from kendali.alerts.choices import AreaKind

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM_NS = "http://www.w3.org/2005/Atom"
CAP_CONTENT_TYPE = "application/cap+xml"
ATOM_CONTENT_TYPE = "application/atom+xml"
SCHEMA_PATH = Path(__file__).parent / "schema" / "CAP-v1.2.xsd"
GEOCODE_NAME = "KODE_WILAYAH"  # Kemendagri region code (Permendagri 72/2019)
# About 30 m at Serang's latitude: keeps a kelurahan polygon to tens of points.
SIMPLIFY_DEGREES = 0.0003
_WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
# CAP 1.2 §3.2.1: identifier and sender contain no spaces, commas or "<" "&".
_FORBIDDEN = re.compile(r"[\s,<&]")


@cache
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMA_PATH))


def cap_time(value: datetime) -> str:
    """CAP date-time: seconds, explicit offset, never "Z" (the schema's own pattern)."""
    return timezone.localtime(value, _WIB).replace(microsecond=0).isoformat()


def _sub(parent, name: str, text: str | None = None):
    el = ET.SubElement(parent, f"{{{CAP_NS}}}{name}")
    if text is not None:
        el.text = text
    return el


@lru_cache(maxsize=256)
def _region_polygons(kode: str, geometry_json: str) -> tuple[str, ...]:
    geom = shape(json.loads(geometry_json))
    simplified = geom.simplify(SIMPLIFY_DEGREES, preserve_topology=True)
    polygons = []
    for source in (simplified, geom):
        parts = list(getattr(source, "geoms", [source]))
        polygons = [ring for part in parts if (ring := _ring(part.exterior.coords))]
        if polygons:
            break
    return tuple(polygons)


def _ring(coords) -> str | None:
    """One closed CAP polygon "lat,lon lat,lon ..." (first = last), or None if degenerate."""
    points: list[tuple[float, float]] = []
    for lon, lat, *_ in coords:
        point = (round(lat, 5), round(lon, 5))
        if not points or points[-1] != point:
            points.append(point)
    if points and points[0] != points[-1]:
        points.append(points[0])
    if len(set(points)) < 3 or len(points) < 4:
        return None
    return " ".join(f"{lat},{lon}" for lat, lon in points)


def region_polygons(region) -> tuple[str, ...]:
    return _region_polygons(region.kode, json.dumps(region.geometry, sort_keys=True))


def area_description(area) -> str:
    if area.kind == AreaKind.CIRCLE:
        return area.description or (
            f"Radius {area.radius_km:g} km dari {area.lat:.5f},{area.lon:.5f}"
        )
    region = area.region
    parts = [_region_name(region)]
    parent = region.parent
    while parent is not None:
        parts.append(_region_name(parent))
        parent = parent.parent
    return ", ".join(parts)


def _region_name(region) -> str:
    """ "Kelurahan Cipare", "Kecamatan Serang", "Kota Serang" (never "Kota Kota Serang": the
    city's own name already says what it is)."""
    level = str(region.get_level_display())
    name = region.nama
    return name if name.lower().startswith(level.lower() + " ") else f"{level} {name}"


def references(alert) -> str:
    """ "sender,identifier,sent" of every earlier message in the chain, oldest first."""
    chain = []
    earlier = alert.replaces
    while earlier is not None:
        chain.append(f"{earlier.sender},{earlier.identifier},{cap_time(earlier.sent)}")
        earlier = earlier.replaces
    return " ".join(reversed(chain))


def public_page_url(alert, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/peringatan/publik/{alert.identifier}/"


def cap_url(alert, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/alerts/{alert.identifier}.xml"


def base_url() -> str:
    return getattr(settings, "KENDALI_PUBLIC_URL", "") or "http://127.0.0.1:8000"


def document_tree(alert, infos, areas, *, base_url: str) -> ET.Element:
    root = ET.Element(f"{{{CAP_NS}}}alert")
    _sub(root, "identifier", alert.identifier)
    _sub(root, "sender", alert.sender)
    _sub(root, "sent", cap_time(alert.sent or timezone.now()))
    _sub(root, "status", alert.status)
    _sub(root, "msgType", alert.msg_type)
    if alert.source:
        _sub(root, "source", alert.source)
    _sub(root, "scope", alert.scope)
    if alert.note:
        _sub(root, "note", alert.note)
    refs = references(alert)
    if refs:
        _sub(root, "references", refs)
    web = alert.web or public_page_url(alert, base_url)
    for info in infos:
        el = _sub(root, "info")
        _sub(el, "language", info.language)
        for category in alert.categories:
            _sub(el, "category", category)
        _sub(el, "event", info.event)
        _sub(el, "urgency", alert.urgency)
        _sub(el, "severity", alert.severity)
        _sub(el, "certainty", alert.certainty)
        for name in ("effective", "onset", "expires"):
            value = getattr(alert, name)
            if value is not None:
                _sub(el, name, cap_time(value))
        _sub(el, "senderName", alert.sender_name)
        _sub(el, "headline", info.headline)
        _sub(el, "description", info.description)
        if info.instruction:
            _sub(el, "instruction", info.instruction)
        _sub(el, "web", web)
        if alert.contact:
            _sub(el, "contact", alert.contact)
        for area in areas:
            area_el = _sub(el, "area")
            _sub(area_el, "areaDesc", area_description(area))
            if area.kind == AreaKind.CIRCLE:
                _sub(
                    area_el,
                    "circle",
                    f"{area.lat:.5f},{area.lon:.5f} {area.radius_km:g}",
                )
            else:
                for polygon in region_polygons(area.region):
                    _sub(area_el, "polygon", polygon)
                geocode = _sub(area_el, "geocode")
                _sub(geocode, "valueName", GEOCODE_NAME)
                _sub(geocode, "value", area.region.kode)
    return root


def render(alert, infos=None, areas=None, *, base_url: str) -> bytes:
    infos = list(alert.infos.all()) if infos is None else infos
    areas = list(alert.areas.all()) if areas is None else areas
    tree = document_tree(alert, infos, areas, base_url=base_url)
    return ET.tostring(tree, encoding="utf-8", xml_declaration=True, default_namespace=CAP_NS)


_PAIR = re.compile(r"^(-?\d+(\.\d+)?),(-?\d+(\.\d+)?)$")


def _pair_ok(text: str) -> bool:
    match = _PAIR.match(text)
    return bool(match) and -90 <= float(match[1]) <= 90 and -180 <= float(match[3]) <= 180


def problems(document: bytes) -> list[str]:
    """Everything wrong with a CAP document: the OASIS schema first, then the rules of the
    standard's text that the schema does not express (identifier characters, polygon and
    circle syntax). An empty list means the document may be published."""
    try:
        errors = [str(error.reason or error) for error in schema().iter_errors(document)]
        if errors:
            return errors
        root = xmlschema.XMLResource(document).root  # parsed with xmlschema's defused loader
    except (xmlschema.XMLResourceError, ET.ParseError) as exc:
        # Not even well-formed XML (a control character slipped into a text, for example):
        # a problem to report and refuse, never an exception that leaves the message stuck.
        return [f"dokumen bukan XML yang sah: {exc}"]
    ns = {"cap": CAP_NS}
    for name in ("identifier", "sender"):
        if _FORBIDDEN.search(root.findtext(f"cap:{name}", "", ns)):
            errors.append(f"{name}: spasi, koma, < atau & tidak diperbolehkan")
    for polygon in root.iterfind(".//cap:polygon", ns):
        pairs = (polygon.text or "").split(" ")
        if len(pairs) < 4 or pairs[0] != pairs[-1] or not all(map(_pair_ok, pairs)):
            errors.append(f"polygon tidak sah: {(polygon.text or '')[:60]}")
    for circle in root.iterfind(".//cap:circle", ns):
        center, _, radius = (circle.text or "").partition(" ")
        try:
            radius_ok = float(radius) > 0
        except ValueError:
            radius_ok = False
        if not (_pair_ok(center) and radius_ok):
            errors.append(f"circle tidak sah: {circle.text}")
    return errors


def _atom(parent, name: str, text: str | None = None, **attrs):
    # Plain names under a root that declares the Atom namespace as default (ElementTree's
    # default_namespace option refuses unqualified attributes such as rel and href).
    el = ET.SubElement(parent, name, dict(attrs))
    if text is not None:
        el.text = text
    return el


def feed(alerts, *, base_url: str, title: str, updated: datetime) -> bytes:
    """Atom feed of current messages, one entry per CAP document (the form CAP aggregators
    poll): each entry links to its CAP document with type application/cap+xml."""
    root = ET.Element("feed", {"xmlns": ATOM_NS})
    self_url = f"{base_url.rstrip('/')}/alerts/cap.xml"
    _atom(root, "id", self_url)
    _atom(root, "title", title)
    _atom(root, "updated", cap_time(updated))
    _atom(root, "link", rel="self", href=self_url, type=ATOM_CONTENT_TYPE)
    _atom(
        root, "link", rel="alternate", href=f"{base_url.rstrip('/')}/peringatan/", type="text/html"
    )
    author = _atom(root, "author")
    _atom(author, "name", getattr(settings, "KENDALI_CAP_SENDER_NAME", "Pemerintah Kota Serang"))
    for alert in alerts:
        info = alert.info()
        entry = _atom(root, "entry")
        _atom(entry, "id", cap_url(alert, base_url))
        headline = info.headline if info else ""
        prefix = "" if alert.msg_type == "Alert" else f"[{alert.get_msg_type_display()}] "
        _atom(entry, "title", f"{prefix}{headline}")
        _atom(entry, "updated", cap_time(alert.sent))
        _atom(entry, "published", cap_time(alert.sent))
        entry_author = _atom(entry, "author")
        _atom(entry_author, "name", alert.sender_name)
        _atom(entry, "summary", info.description if info else "")
        _atom(entry, "link", rel="alternate", href=cap_url(alert, base_url), type=CAP_CONTENT_TYPE)
        _atom(entry, "link", rel="related", href=public_page_url(alert, base_url), type="text/html")
        for category in alert.categories:
            _atom(entry, "category", term=category)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
