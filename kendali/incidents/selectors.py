"""Reads of incidents, already scoped to what the actor may see."""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.audit import audit_personal_read
from kendali.core.errors import NotFound
from kendali.core.geo import distance_m
from kendali.core.scope import scope_queryset, sees_every_agency, visible_agencies
from kendali.incidents.choices import (
    OPEN_STATUSES,
    PRIORITY_COLORS,
    IncidentStatus,
    Priority,
)
from kendali.incidents.models import Incident, IncidentTimeline, IncidentType

VIEW_PERM = "incidents.view_incident"
CONTACT_PERM = "incidents.view_reporter_contact"

# Which types may be the same event seen by two callers: a crash is often reported as a
# medical call, a fallen tree as a power failure, a flood as "bencana lain".
COMPATIBLE_TYPES = [
    {"kecelakaan", "medis"},
    {"pohon-tumbang", "gangguan-listrik", "bencana-lain"},
    {"banjir", "bencana-lain", "gangguan-air"},
    {"kebakaran", "gangguan-listrik", "bencana-lain"},
    {"kekerasan", "kriminalitas", "ketertiban"},
]


def may_see_incident(actor: Actor, incident: Incident) -> bool:
    """Whether the incident lists one of the agencies the actor may see (core.scope)."""
    if sees_every_agency(actor):
        return True
    agencies = visible_agencies(actor)
    return bool(agencies) and incident.agencies.filter(pk__in=agencies).exists()


def incidents_visible(*, actor: Actor) -> QuerySet[Incident]:
    """Every incident the actor may see; agency officers only those listing their agency."""
    if not actor.has_perm(VIEW_PERM):
        return Incident.objects.none()
    # The incidents listing one of the actor's agencies (core.scope: the one rule).
    return scope_queryset(Incident.objects.all(), actor, "agencies")


def incidents_open(*, actor: Actor) -> QuerySet[Incident]:
    return incidents_visible(actor=actor).filter(status__in=OPEN_STATUSES)


def for_list(qs: QuerySet[Incident]) -> QuerySet[Incident]:
    """What list pages and the API need in one query (plus one for agencies)."""
    return qs.select_related("type", "kelurahan", "kecamatan").prefetch_related("agencies")


def incidents_search(
    *,
    actor: Actor,
    status: str = "",
    type_code: str = "",
    priority: str = "",
    kecamatan: str = "",
    kelurahan: str = "",
    q: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
    open_only: bool = False,
) -> QuerySet[Incident]:
    qs = incidents_visible(actor=actor)
    if open_only or status == "terbuka":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if type_code:
        qs = qs.filter(type__code=type_code)
    if priority:
        qs = qs.filter(priority=priority)
    if kecamatan:
        qs = qs.filter(kecamatan_id=kecamatan)
    if kelurahan:
        qs = qs.filter(kelurahan_id=kelurahan)
    if since:
        qs = qs.filter(created_at__gte=since)
    if until:
        qs = qs.filter(created_at__lt=until)
    q = (q or "").strip()
    if q:
        # Reporter contact is deliberately not searchable: that would reveal it to anyone.
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(address__icontains=q)
            | Q(description__icontains=q)
            | Q(type__name__icontains=q)
            | Q(kelurahan__nama__icontains=q)
            | Q(kecamatan__nama__icontains=q)
        )
    return for_list(qs).order_by("-created_at", "-id")


def incident_for(*, actor: Actor, number_or_id) -> Incident:
    """One visible incident by readable number or id; NotFound when it does not exist or the
    actor may not see it (an officer cannot tell the two apart)."""
    qs = incidents_visible(actor=actor).select_related(
        "type", "kelurahan", "kecamatan", "merged_into", "created_by"
    )
    text = str(number_or_id).strip()
    lookup = Q(number=text)
    if text.isdigit():
        lookup |= Q(pk=int(text))
    found = qs.filter(lookup).first()
    if found is None:
        raise NotFound(_("Kejadian tidak ditemukan."))
    return found


def can_see_reporter_contact(*, actor: Actor, incident: Incident) -> bool:
    if not actor.has_perm(CONTACT_PERM):
        return False
    return may_see_incident(actor, incident)


def reporter_contact(*, actor: Actor, incident: Incident, note: str = "") -> dict | None:
    """The reporter's name and phone, audited; None when the actor may not see them."""
    if not can_see_reporter_contact(actor=actor, incident=incident):
        return None
    if not (incident.reporter_name or incident.reporter_phone):
        return {"name": "", "phone": ""}
    audit_personal_read(
        actor=actor,
        object_type="incidents.incident",
        object_id=incident.pk,
        what="reporter_contact",
        note=note or incident.number,
    )
    return {"name": incident.reporter_name, "phone": incident.reporter_phone}


def incident_timeline(*, actor: Actor, incident: Incident) -> QuerySet[IncidentTimeline]:
    """The incident's timeline, with the lines of every duplicate merged into it."""
    merged_ids = list(
        incidents_visible(actor=actor).filter(merged_into=incident).values_list("pk", flat=True)
    )
    return (
        IncidentTimeline.objects.filter(incident_id__in=[incident.pk, *merged_ids])
        .select_related("incident")
        .order_by("at", "id")
    )


def incident_types(*, active_only: bool = True) -> QuerySet[IncidentType]:
    qs = IncidentType.objects.prefetch_related("default_agencies")
    return qs.filter(is_active=True) if active_only else qs


def type_choices() -> list[tuple[str, str]]:
    return list(IncidentType.objects.filter(is_active=True).values_list("code", "name"))


def compatible_types(type_code: str) -> set[str]:
    result = {type_code}
    for group in COMPATIBLE_TYPES:
        if type_code in group:
            result |= group
    return result


def incidents_nearby(
    *,
    actor: Actor,
    lat: float,
    lon: float,
    type_code: str | None = None,
    within_m: float = 500,
    window_min: float = 30,
) -> list[dict]:
    """Open incidents that may be the same event (duplicate suggestions for the console):
    within ``within_m`` metres, created or updated in the last ``window_min`` minutes, of a
    compatible type. Nearest first: [{"incident", "distance_m", "minutes_ago"}]."""
    lat, lon = float(lat), float(lon)
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return []
    now = timezone.now()
    since = now - timedelta(minutes=window_min)
    # A bounding box narrows the rows in the database; the exact distance is computed here.
    dlat = within_m / 111_320
    dlon = within_m / (111_320 * max(math.cos(math.radians(lat)), 0.01))
    qs = incidents_open(actor=actor).filter(
        Q(created_at__gte=since) | Q(updated_at__gte=since),
        lat__range=(lat - dlat, lat + dlat),
        lon__range=(lon - dlon, lon + dlon),
    )
    if type_code:
        qs = qs.filter(type__code__in=compatible_types(type_code))
    result = []
    for incident in qs.select_related("type", "kelurahan", "kecamatan"):
        distance = distance_m(lat, lon, incident.lat, incident.lon)
        if distance <= within_m:
            result.append(
                {
                    "incident": incident,
                    "distance_m": round(distance),
                    "minutes_ago": int((now - incident.created_at).total_seconds() // 60),
                }
            )
    result.sort(key=lambda r: (r["distance_m"], -r["incident"].created_at.timestamp()))
    return result


# ---------------------------------------------------------------- control room


def incidents_layer(*, actor: Actor) -> dict:
    """GeoJSON FeatureCollection of open incidents with a point, coloured by priority."""
    features = []
    qs = (
        incidents_open(actor=actor)
        .filter(lat__isnull=False, lon__isnull=False)
        .select_related("type", "kelurahan")
        .order_by("priority", "-created_at")[:2000]
    )
    for incident in qs:
        local = timezone.localtime(incident.created_at)
        popup = " · ".join(
            part
            for part in (
                incident.number,
                incident.type.name,
                incident.get_priority_display(),
                incident.get_status_display(),
                incident.kelurahan.nama if incident.kelurahan_id else "",
                local.strftime("%d/%m %H:%M WIB"),
            )
            if part
        )
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [incident.lon, incident.lat]},
                "properties": {
                    "id": incident.pk,
                    "number": incident.number,
                    "label": incident.number,
                    "color": PRIORITY_COLORS.get(incident.priority, "#555"),
                    "priority": incident.priority,
                    "status": incident.status,
                    "type": incident.type.code,
                    "type_label": incident.type.name,
                    "popup": popup,
                    "url": f"/kejadian/{incident.number}/",
                },
            }
        )
    # The same count as the "Kejadian terbuka" tile (same selector): open incidents without a
    # point yet are counted too, and said so.
    unplaced = incidents_open(actor=actor).filter(Q(lat__isnull=True) | Q(lon__isnull=True)).count()
    return {
        "type": "FeatureCollection",
        "features": features,
        "count": len(features) + unplaced,
        "unplaced": unplaced,
    }


def incidents_open_tile(*, actor: Actor) -> dict:
    counts = Counter(incidents_open(actor=actor).values_list("priority", flat=True))
    total = sum(counts.values())
    detail = {p: counts.get(p, 0) for p in Priority.values}
    level = "bad" if detail["P1"] else ("warn" if detail["P2"] else "ok")
    return {"value": total, "unit": _("kejadian"), "detail": detail, "level": level}


def incidents_history(*, actor: Actor, since: datetime, filters: dict | None = None):
    filters = filters or {}
    qs = incidents_visible(actor=actor).filter(created_at__gte=since)
    qs = qs.exclude(status=IncidentStatus.DIGABUNG)  # a duplicate is not a second event
    if filters.get("type"):
        qs = qs.filter(type__code=filters["type"])
    if filters.get("priority"):
        qs = qs.filter(priority=filters["priority"])
    for at, kel, code, name, priority in qs.values_list(
        "created_at", "kelurahan_id", "type__code", "type__name", "priority"
    ).iterator():
        yield {
            "at": at,
            "kelurahan_kode": kel,
            "type": code,
            "type_label": name,
            "priority": priority,
        }
