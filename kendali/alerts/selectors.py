"""Reads of public warnings: for the public feed and pages, the operators, the control-room
wall, and other modules (the park Wi-Fi portal asks which warnings cover its kelurahan)."""

from __future__ import annotations

import json
import math
from datetime import datetime
from functools import lru_cache

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from shapely.geometry import Point, shape

from kendali.alerts.choices import (
    SEVERITY_COLORS,
    AlertState,
    AreaKind,
    MsgType,
    Severity,
)
from kendali.alerts.models import Alert
from kendali.core.actors import Actor
from kendali.core.errors import NotAllowed, NotFound
from kendali.regions.models import Region

WARNING_TYPES = (MsgType.ALERT, MsgType.UPDATE)
KM_PER_DEGREE = 111.32


def _with_children(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("author", "approver", "replaces").prefetch_related(
        "infos", "areas__region__parent__parent"
    )


def feed_alerts(*, now: datetime | None = None) -> QuerySet:
    """Messages an aggregator should hold now: published and not yet expired, including
    Update and Cancel messages (so receivers learn of the change)."""
    now = now or timezone.now()
    return _with_children(
        Alert.objects.filter(state=AlertState.PUBLISHED, expires__gt=now)
    ).order_by("-sent", "-id")


def active_alerts(*, now: datetime | None = None) -> QuerySet:
    """Warnings in force now (Alert or Update messages, published, not expired)."""
    return feed_alerts(now=now).filter(msg_type__in=WARNING_TYPES)


def archive_alerts(*, now: datetime | None = None) -> QuerySet:
    """Everything published that has left the feed (expired, superseded, cancelled)."""
    now = now or timezone.now()
    return _with_children(
        Alert.objects.filter(
            Q(state__in=[AlertState.EXPIRED, AlertState.SUPERSEDED, AlertState.CANCELLED])
            | Q(state=AlertState.PUBLISHED, expires__lte=now)
        )
    ).order_by("-sent", "-id")


def public_alert(*, identifier: str) -> Alert:
    """A message that has been published (whatever happened to it since); drafts stay hidden."""
    alert = (
        _with_children(Alert.objects.filter(identifier=identifier))
        .exclude(sent__isnull=True)
        .first()
    )
    if alert is None:
        raise NotFound(_("Peringatan tidak ditemukan."))
    return alert


@lru_cache(maxsize=512)
def _region_shape(kode: str, geometry_key: str):
    return shape(json.loads(geometry_key))


def _shape_of(region):
    return _region_shape(region.kode, json.dumps(region.geometry, sort_keys=True))


def _covers(alert: Alert, kelurahan) -> bool:
    for area in alert.areas.all():
        if area.kind == AreaKind.KELURAHAN and area.region_id == kelurahan.kode:
            return True
        if area.kind == AreaKind.KECAMATAN and area.region_id == kelurahan.parent_id:
            return True
        if area.kind == AreaKind.CIRCLE:
            # Degrees → km with the longitude shrunk by the latitude; good to metres here.
            center = Point(area.lon, area.lat)
            distance_deg = _shape_of(kelurahan).distance(center)
            if distance_deg * KM_PER_DEGREE <= area.radius_km:
                return True
    return False


def active_alerts_for_kelurahan(kode: str, *, now: datetime | None = None) -> list[Alert]:
    """Warnings in force whose area covers the kelurahan (chosen directly, through its
    kecamatan, or touched by a circle), most severe first."""
    kelurahan = Region.objects.filter(kode=kode).first()
    if kelurahan is None:
        return []
    order = {value: i for i, value in enumerate(Severity.values)}
    found = [a for a in active_alerts(now=now) if _covers(a, kelurahan)]
    return sorted(found, key=lambda a: (order.get(a.severity, 9), -a.sent.timestamp()))


def operator_alerts(*, actor: Actor, bucket: str) -> QuerySet:
    if not actor.has_perm("alerts.view_alert"):
        raise NotAllowed(_("Peran Anda tidak berhak melihat peringatan."))
    base = _with_children(Alert.objects.all())
    if bucket == "draft":
        return base.filter(state=AlertState.DRAFT).order_by("-updated_at")
    if bucket == "submitted":
        return base.filter(state=AlertState.SUBMITTED).order_by("submitted_at")
    if bucket == "published":
        return base.filter(state=AlertState.PUBLISHED, expires__gt=timezone.now()).order_by("-sent")
    return archive_alerts()


def operator_counts(*, actor: Actor) -> dict[str, int]:
    if not actor.has_perm("alerts.view_alert"):
        return {}
    now = timezone.now()
    return Alert.objects.aggregate(
        draft=Count("id", filter=Q(state=AlertState.DRAFT)),
        submitted=Count("id", filter=Q(state=AlertState.SUBMITTED)),
        published=Count("id", filter=Q(state=AlertState.PUBLISHED, expires__gt=now)),
    )


def operator_alert(*, actor: Actor, pk: int) -> Alert:
    if not actor.has_perm("alerts.view_alert"):
        raise NotAllowed(_("Peran Anda tidak berhak melihat peringatan."))
    alert = _with_children(Alert.objects.filter(pk=pk)).first()
    if alert is None:
        raise NotFound(_("Peringatan tidak ditemukan."))
    return alert


def circle_ring(lat: float, lon: float, radius_km: float, steps: int = 48) -> list[list[float]]:
    """A circle as a GeoJSON ring ([lon, lat] pairs), for maps that draw polygons."""
    ring = []
    for i in range(steps + 1):
        angle = 2 * math.pi * i / steps
        dlat = radius_km / KM_PER_DEGREE * math.sin(angle)
        dlon = radius_km / (KM_PER_DEGREE * math.cos(math.radians(lat))) * math.cos(angle)
        ring.append([round(lon + dlon, 6), round(lat + dlat, 6)])
    return ring


def area_features(alert: Alert, properties: dict) -> list[dict]:
    features = []
    for area in alert.areas.all():
        if area.kind == AreaKind.CIRCLE:
            geometry = {
                "type": "Polygon",
                "coordinates": [circle_ring(area.lat, area.lon, area.radius_km)],
            }
        else:
            geometry = area.region.geometry
        features.append({"type": "Feature", "geometry": geometry, "properties": dict(properties)})
    return features


def alert_geojson(alert: Alert) -> dict:
    return {
        "type": "FeatureCollection",
        "features": area_features(
            alert,
            {"color": SEVERITY_COLORS.get(alert.severity, "#969696"), "label": alert.headline},
        ),
    }


def alerts_layer(*, actor: Actor) -> dict:
    """Control-room layer "Peringatan publik": the areas of warnings in force."""
    features = []
    for alert in active_alerts():
        features += area_features(
            alert,
            {
                "color": SEVERITY_COLORS.get(alert.severity, "#969696"),
                "label": alert.headline,
                "popup": f"{alert.get_severity_display()} · {alert.headline}",
                "identifier": alert.identifier,
                "severity": alert.severity,
            },
        )
    # The wall counts warnings, not their area polygons: the same figure as the tile.
    return {
        "type": "FeatureCollection",
        "features": features,
        "count": len({f["properties"].get("identifier") for f in features}),
    }


def alerts_tile(*, actor: Actor) -> dict:
    """KPI tile: warnings in force, by severity."""
    counts: dict[str, int] = {}
    for severity in active_alerts().values_list("severity", flat=True):
        counts[severity] = counts.get(severity, 0) + 1
    total = sum(counts.values())
    detail = " · ".join(
        f"{Severity(value).label} {counts[value]}" for value in Severity.values if value in counts
    )
    if counts.get(Severity.EXTREME) or counts.get(Severity.SEVERE):
        level = "bad"
    elif total:
        level = "warn"
    else:
        level = "ok"
    return {
        "value": total,
        "unit": _("peringatan aktif"),
        "detail": detail or _("Tidak ada peringatan aktif"),
        "level": level,
    }


# --- pre-filled drafts from other modules ----------------------------------------------------

# The 112 taxonomy (incidents) in CAP 1.2 categories; an unknown type is "Other".
INCIDENT_CATEGORIES = {
    "kebakaran": "Fire",
    "kecelakaan": "Transport",
    "medis": "Health",
    "mobil-jenazah": "Health",
    "gizi-buruk": "Health",
    "banjir": "Met",  # CAP: "Met - Meteorological (inc. flood)"
    "pohon-tumbang": "Safety",
    "hewan-berbahaya": "Safety",
    "gangguan-listrik": "Infra",
    "gangguan-air": "Infra",
    "kriminalitas": "Security",
    "kekerasan": "Security",
    "ketertiban": "Security",
    "orang-hilang": "Rescue",
    "bencana-lain": "Geo",
}
_SEVERITY_OF_PRIORITY = {"P1": Severity.SEVERE, "P2": Severity.MODERATE}


def incident_warning_url(*, incident) -> str:
    """Link to the draft form pre-filled from an open incident (registered on the incident
    page as an action, so ``incidents`` never imports this module). Only what the public may
    read goes in: the type, the kelurahan/kecamatan and the time of the report. Never the
    reporter's name or phone, the street address or the call-taker's free text, which may
    name people; the operator writes the details on the form."""
    if not incident.is_open:
        return ""
    kind = incident.type.name
    kelurahan, kecamatan = incident.kelurahan, incident.kecamatan
    if kelurahan is not None:
        place = _("Kelurahan %(kel)s, Kecamatan %(kec)s") % {
            "kel": kelurahan.nama,
            "kec": kecamatan.nama if kecamatan is not None else "—",
        }
    elif kecamatan is not None:
        place = _("Kecamatan %(kec)s") % {"kec": kecamatan.nama}
    else:
        place = _("Kota Serang")
    reported = timezone.localtime(incident.created_at)
    params = {
        "event": kind,
        "category": INCIDENT_CATEGORIES.get(incident.type.code, "Other"),
        "headline": (_("%(kind)s di %(place)s") % {"kind": kind, "place": place})[:160],
        "description": _(
            "%(kind)s dilaporkan ke Call Center 112 pada %(when)s WIB di %(place)s. "
            "Petugas sedang menangani kejadian ini."
        )
        % {"kind": kind, "when": reported.strftime("%d-%m-%Y %H:%M"), "place": place},
        "urgency": "Immediate",
        "severity": _SEVERITY_OF_PRIORITY.get(incident.priority, Severity.MINOR),
        "certainty": "Observed",
        "source": f"incidents.incident:{incident.number}",
    }
    if kelurahan is not None:
        params["kelurahan"] = kelurahan.kode
    elif kecamatan is not None:
        params["kecamatan"] = kecamatan.kode
    elif incident.lat is not None and incident.lon is not None:
        params.update(lat=f"{incident.lat:.5f}", lon=f"{incident.lon:.5f}", radius_km="1")
    return reverse("alerts:create") + "?" + urlencode(params)
