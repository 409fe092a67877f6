"""Reads of the dispatch module, scoped to what the actor may see."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db import connection
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.errors import NotFound
from kendali.core.models import Agency
from kendali.core.scope import scope_queryset
from kendali.dispatch import scope, sla
from kendali.dispatch.choices import ACTIVE_ASSIGNMENT, SLA_SHORT, SlaKind, UnitKind, UnitStatus
from kendali.dispatch.models import (
    Assignment,
    FieldReportPhoto,
    Referral,
    RunCard,
    ShiftLog,
    SlaBreach,
    SlaTarget,
    Unit,
)
from kendali.dispatch.travel import unit_index
from kendali.incidents.models import Incident, IncidentType

STATUS_COLORS = {
    UnitStatus.TERSEDIA: "#2e7d32",
    UnitStatus.DITUGASKAN: "#f9a825",
    UnitStatus.MENUJU: "#ef6c00",
    UnitStatus.DI_LOKASI: "#c62828",
    UnitStatus.KEMBALI: "#1565c0",
    UnitStatus.TIDAK_SIAGA: "#757575",
}


def units_visible(*, actor: Actor):
    qs = Unit.objects.filter(is_active=True).select_related("agency")
    unit_id = scope.token_unit_id(actor)
    if actor.user is None and actor.token is not None:
        return qs.filter(pk=unit_id) if unit_id else qs.none()
    if not actor.has_perm("dispatch.view_unit"):
        return qs.none()
    return scope_queryset(qs, actor, "agency")


def unit_for(*, actor: Actor, pk) -> Unit:
    try:
        return units_visible(actor=actor).get(pk=int(pk))
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Unit tidak ditemukan."))


def assignments_visible(*, actor: Actor):
    qs = Assignment.objects.select_related("unit", "agency", "incident", "incident__type")
    if actor.user is None and actor.token is not None:
        unit_id = scope.token_unit_id(actor)
        return qs.filter(unit_id=unit_id) if unit_id else qs.none()
    if not actor.has_perm("dispatch.view_assignment"):
        return qs.none()
    return scope_queryset(qs, actor, "agency")


def assignment_for(*, actor: Actor, pk) -> Assignment:
    try:
        return assignments_visible(actor=actor).get(pk=int(pk))
    except (Assignment.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Penugasan tidak ditemukan."))


def referrals_visible(*, actor: Actor):
    qs = Referral.objects.select_related("agency", "incident", "incident__type")
    return scope_queryset(qs, actor, "agency")


def referral_for(*, actor: Actor, pk) -> Referral:
    try:
        return referrals_visible(actor=actor).get(pk=int(pk))
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Rujukan tidak ditemukan."))


def incident_for(*, actor: Actor, pk):
    """An incident the actor may see (dispatch staff: all; officers: their agency's)."""
    qs = Incident.objects.select_related("type")
    if not actor.has_perm("incidents.view_incident"):
        qs = qs.none()
    qs = scope_queryset(qs, actor, "agencies")
    try:
        return qs.get(pk=int(pk))
    except (Incident.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Kejadian tidak ditemukan."))


def field_report_photo_for(*, actor: Actor, pk):
    """A field-report photo of an incident the actor may see (officers: their agency's)."""
    qs = FieldReportPhoto.objects.select_related("report__incident")
    qs = scope_queryset(qs, actor, "report__incident__agencies")
    try:
        return qs.distinct().get(pk=int(pk))
    except (FieldReportPhoto.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Foto tidak ditemukan."))


# The recommendation runs at every incident a dispatcher opens and at every key press on the
# board, while the fleet moves: its reads are single plain statements (the ORM's query
# building cost more than the queries themselves; bench/dispatch_moving.py).


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _run_card_lines(incident) -> list[tuple]:
    """(kind, count, agency id, agency short name) of the incident's run card, in order."""
    return _rows(
        "SELECT l.kind, l.count, l.agency_id, a.short_name FROM dispatch_runcardline l "
        "JOIN dispatch_runcard c ON c.id = l.run_card_id "
        "LEFT JOIN core_agency a ON a.id = l.agency_id "
        "WHERE c.incident_type_id = %s AND c.priority = %s ORDER BY l.id",
        [incident.type_id, incident.priority],
    )


def _assigned_kinds(incident_id: int) -> list[tuple]:
    """(unit kind, agency id) of each active assignment of the incident."""
    marks = ", ".join(["%s"] * len(ACTIVE_ASSIGNMENT))
    return _rows(
        "SELECT u.kind, s.agency_id FROM dispatch_assignment s "  # noqa: S608 (placeholders)
        f"JOIN dispatch_unit u ON u.id = s.unit_id WHERE s.incident_id = %s AND s.status IN ({marks})",
        [incident_id, *(str(s) for s in ACTIVE_ASSIGNMENT)],
    )


def _agency_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    marks = ", ".join(["%s"] * len(ids))
    return dict(_rows(f"SELECT id, short_name FROM core_agency WHERE id IN ({marks})", sorted(ids)))  # noqa: S608


def run_card_for(incident) -> RunCard | None:
    return (
        RunCard.objects.filter(incident_type_id=incident.type_id, priority=incident.priority)
        .prefetch_related("lines__agency")
        .first()
    )


def recommend(*, actor: Actor, incident, limit: int = 9) -> dict:
    """Available units of the run card's types, ranked by estimated travel time.

    Returns {"needs": [{kind, label, count, assigned, agency}], "candidates": [...]} where
    candidates are numbered 1..limit for the keyboard (press the number to assign).
    """
    needs = []
    # Units already on the incident, by (type, agency): a line naming an agency counts only
    # that agency's units, a line without one counts every unit of its type.
    assigned = Counter(_assigned_kinds(incident.pk))
    for kind, count, agency_id, agency_name in _run_card_lines(incident):
        needs.append(
            {
                "kind": kind,
                "label": str(UnitKind(kind).label),
                "count": count,
                "assigned": sum(
                    n
                    for (unit_kind, unit_agency), n in assigned.items()
                    if unit_kind == kind and agency_id in (None, unit_agency)
                ),
                "agency": agency_name or "",
                "agency_id": agency_id,
            }
        )
    if incident.lat is None or incident.lon is None:
        return {"needs": needs, "candidates": [], "reason": _("Kejadian belum berkoordinat.")}
    missing = [n for n in needs if n["assigned"] < n["count"]]
    kinds = sorted({n["kind"] for n in (missing or needs)}) or None
    index = unit_index()
    ranked = index.rank(to_lat=incident.lat, to_lon=incident.lon, kinds=kinds, limit=max(limit, 60))
    # The run card's missing units first (nearest of each needed type, as many as needed),
    # so pressing 1, 2, 3… sends exactly the card; then the other candidates by travel time.
    suggested, picked = [], set()
    for need in missing:
        want = need["count"] - need["assigned"]
        for c in ranked:
            if want <= 0:
                break
            if (
                c.kind == need["kind"]
                and c.unit_id not in picked
                and (not need["agency_id"] or c.agency_id == need["agency_id"])
            ):
                suggested.append(c)
                picked.add(c.unit_id)
                want -= 1
    rest = [c for c in ranked if c.unit_id not in picked]
    candidates = (suggested + rest)[:limit]
    names = _agency_names({c.agency_id for c in candidates})
    rows = []
    for n, c in enumerate(candidates, start=1):
        rows.append(
            {
                "key": n,
                "unit_id": c.unit_id,
                "callsign": c.callsign,
                "agency": names.get(c.agency_id, ""),
                "agency_id": c.agency_id,
                "kind": c.kind,
                "kind_label": str(UnitKind(c.kind).label),
                "status": c.status,
                "lat": c.lat,
                "lon": c.lon,
                "distance_km": round(c.distance_m / 1000, 1),
                "eta_min": round(c.eta_s / 60, 1),
                "suggested": c.unit_id in picked,
            }
        )
    return {"needs": needs, "candidates": rows, "reason": ""}


def active_incidents(*, actor: Actor, limit: int = 300):
    """Open incidents for the board, most urgent first, with their assignments."""
    qs = (
        Incident.objects.open()
        .select_related("type", "kecamatan")
        # The board needs the kecamatan's name, never its boundary polygon.
        .defer("kecamatan__geometry", "description", "reporter_name", "reporter_phone")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(status__in=ACTIVE_ASSIGNMENT).select_related(
                    "unit"
                ),
                to_attr="active_assignments",
            )
        )
        .order_by("priority", "created_at")
    )
    qs = scope_queryset(qs, actor, "agencies")
    return list(qs[:limit])


def board(*, actor: Actor, with_units: bool = True) -> dict:
    """Everything the dispatcher board shows, in a bounded number of queries."""
    now = timezone.now()
    incidents = active_incidents(actor=actor)
    timers = sla.timers_for(incidents, now=now)
    by_agency: dict[str, list] = defaultdict(list)
    if with_units:
        units = units_visible(actor=actor).only(
            "id", "callsign", "kind", "status", "agency__short_name"
        )
        for unit in units.order_by("agency__short_name", "callsign"):
            by_agency[unit.agency.short_name].append(unit)
    rows = []
    for incident in incidents:
        rows.append(
            {
                "incident": incident,
                "timers": [t.as_dict() for t in timers[incident.pk]],
                "assignments": incident.active_assignments,
            }
        )
    return {"incidents": rows, "units_by_agency": sorted(by_agency.items()), "now": now}


def units_layer(*, actor: Actor) -> dict:
    labels = {k.value: str(k.label) for k in UnitKind}
    statuses = {k.value: str(k.label) for k in UnitStatus}
    features = []
    rows = units_visible(actor=actor).values_list(
        "id",
        "callsign",
        "kind",
        "status",
        "lat",
        "lon",
        "home_lat",
        "home_lon",
        "agency__short_name",
    )
    for pk, callsign, kind, status, lat, lon, home_lat, home_lon, agency in rows:
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [
                        lon if lon is not None else home_lon,
                        lat if lat is not None else home_lat,
                    ],
                },
                "properties": {
                    "id": pk,
                    "label": callsign,
                    "color": STATUS_COLORS[status],
                    "status": status,
                    "status_label": str(statuses.get(status, status)),
                    "popup": f"{callsign} — {agency} — {labels.get(kind, kind)} — {statuses.get(status, status)}",
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def units_available_tile(*, actor: Actor) -> dict:
    rows = (
        units_visible(actor=actor)
        .values("agency__short_name")
        .annotate(total=Count("id"), free=Count("id", filter=Q(status=UnitStatus.TERSEDIA)))
        .order_by("agency__short_name")
    )
    rows = list(rows)
    free = sum(r["free"] for r in rows)
    total = sum(r["total"] for r in rows)
    detail = ", ".join(f"{r['agency__short_name']} {r['free']}/{r['total']}" for r in rows)
    empty = any(r["free"] == 0 for r in rows)
    level = "bad" if total and free == 0 else ("warn" if empty else "ok")
    return {"value": free, "unit": _("unit"), "detail": detail, "level": level}


def breaches_today_tile(*, actor: Actor) -> dict:
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    qs = SlaBreach.objects.filter(detected_at__gte=start)
    qs = scope_queryset(qs, actor, "incident__agencies")
    counts = Counter(qs.values_list("kind", flat=True))
    total = sum(counts.values())

    detail = ", ".join(
        f"{SLA_SHORT[SlaKind(k)]} {v}" for k, v in sorted(counts.items()) if k in SlaKind.values
    )
    return {
        "value": total,
        "unit": _("pelanggaran"),
        "detail": detail,
        "level": "ok" if total == 0 else ("warn" if total < 5 else "bad"),
    }


# ---------------------------------------------------------------- the pages' reference data
# Agencies, incident types, run cards, SLA targets and shift logs are the same for everyone
# who may open the page (the page's permission decides); nothing here is agency-scoped.


def active_agencies():
    return Agency.objects.filter(is_active=True).order_by("short_name")


def agency_by_id(raw) -> Agency | None:
    """The agency a form names (``agency_id``), or None when it names none or an unknown one."""
    raw = str(raw or "").strip()
    return Agency.objects.filter(pk=int(raw)).first() if raw.isdigit() else None


def run_cards():
    return RunCard.objects.select_related("incident_type").prefetch_related("lines__agency")


def active_incident_types() -> list[IncidentType]:
    return list(IncidentType.objects.filter(is_active=True))


def sla_targets():
    return SlaTarget.objects.select_related("incident_type").order_by(
        "kind", "incident_type__order", "priority"
    )


def shift_logs(limit: int = 30):
    return ShiftLog.objects.select_related("handed_over_by", "received_by")[:limit]


def shift_log(pk: int) -> ShiftLog | None:
    return ShiftLog.objects.filter(pk=pk).first()
