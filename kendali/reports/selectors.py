"""Reads of citizen reports: the OPD inbox (scoped), the reporter's contact (audited), the
public map and list (no personal data), possible duplicates, timers and figures."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.audit import audit_personal_read
from kendali.core.errors import NotAllowed, NotFound
from kendali.core.scope import scope_queryset
from kendali.reports import deadlines
from kendali.reports.choices import CLOSED_STATUSES, OPEN_STATUSES, ReportStatus, Stage
from kendali.reports.models import Category, Report, ReportContact, RoutingRule

PUBLIC_MAP_LIMIT = 2000
MAP_VERSION_KEY = "reports:map:version"  # bumped after every report write (see services)
STATUS_COLORS = {
    ReportStatus.OPEN: "#b2182b",
    ReportStatus.REOPENED: "#b2182b",
    ReportStatus.IN_PROGRESS: "#b35806",
    ReportStatus.FIXED: "#1a7837",
    ReportStatus.CLOSED_NOT_FIXED: "#4d4d4d",
}


def map_legend() -> list[tuple[str, str, str]]:
    """(status, label, colour) of the public map's dots; statuses sharing a colour share a
    line ("Terbuka / Dibuka kembali")."""
    rows: dict[str, list[str]] = {}
    first: dict[str, str] = {}
    for status in ReportStatus:
        color = STATUS_COLORS[status]
        rows.setdefault(color, []).append(str(status.label))
        first.setdefault(color, status.value)
    return [(first[color], " / ".join(labels), color) for color, labels in rows.items()]


def categories() -> list[Category]:
    return list(Category.objects.filter(is_active=True).select_related("agency"))


# --- category and routing editor --------------------------------------------------------


def _require_editor(actor: Actor) -> None:
    if not actor.has_perm("reports.change_category"):
        raise NotAllowed(_("Peran Anda tidak berhak mengubah kategori."))


def categories_for_editor(*, actor: Actor) -> list[Category]:
    """Every category, inactive ones too, with the number of kelurahan rules."""
    _require_editor(actor)
    return list(
        Category.objects.select_related("agency")
        .annotate(rule_count=Count("rules"))
        .order_by("order", "name")
    )


def category_for_editor(*, actor: Actor, pk: int) -> Category:
    _require_editor(actor)
    category = Category.objects.select_related("agency").filter(pk=pk).first()
    if category is None:
        raise NotFound(_("Kategori tidak ditemukan."))
    return category


def category_rules(*, actor: Actor, category: Category) -> list[dict]:
    """The category's routing rules with the kelurahan and kecamatan names, by kelurahan."""
    _require_editor(actor)
    rules = (
        RoutingRule.objects.filter(category=category)
        .select_related("agency", "kelurahan__parent")
        .defer("kelurahan__geometry", "kelurahan__parent__geometry")
    )
    rows = [
        {
            "rule": rule,
            "kelurahan": rule.kelurahan.nama if rule.kelurahan else "",
            "kecamatan": rule.kelurahan.parent.nama
            if rule.kelurahan and rule.kelurahan.parent
            else "",
        }
        for rule in rules
    ]
    return sorted(rows, key=lambda r: (r["kelurahan"] != "", r["kelurahan"]))


def routing_rule_for_editor(*, actor: Actor, category: Category, pk: int) -> RoutingRule:
    _require_editor(actor)
    rule = RoutingRule.objects.filter(pk=pk, category=category).first()
    if rule is None:
        raise NotFound(_("Aturan rute tidak ditemukan."))
    return rule


# --- staff ------------------------------------------------------------------------------


def inbox(*, actor: Actor, filters: dict | None = None) -> QuerySet[Report]:
    """The reports this actor's OPD is responsible for (every OPD for city-wide staff)."""
    if not actor.has_perm("reports.view_report"):
        raise NotAllowed(_("Peran Anda tidak berhak melihat laporan warga."))
    qs = scope_queryset(
        Report.objects.select_related("category", "agency"), actor, "agency"
    ).order_by("-created_at", "-id")
    filters = filters or {}
    if filters.get("status") == "terbuka":
        qs = qs.filter(status__in=list(OPEN_STATUSES)).exclude(stage=Stage.ARCHIVED)
    elif filters.get("status") in ReportStatus.values:
        qs = qs.filter(status=filters["status"])
    if filters.get("stage") in Stage.values:
        qs = qs.filter(stage=filters["stage"])
    if filters.get("kategori"):
        qs = qs.filter(category__code=filters["kategori"])
    if filters.get("terlambat"):
        now = timezone.now()
        qs = qs.filter(
            Q(stage=Stage.NEW, forward_due__lt=now)
            | Q(stage__in=[Stage.FORWARDED, Stage.ON_HOLD], followup_due__lt=now)
        )
    return qs


def report_for_staff(*, actor: Actor, pk: int) -> Report:
    report = (
        inbox(actor=actor)
        .select_related("kelurahan", "kecamatan")
        .defer("kelurahan__geometry", "kecamatan__geometry")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise NotFound(_("Laporan tidak ditemukan."))
    return report


def reporter_contact(*, actor: Actor, report: Report) -> ReportContact | None:
    """The reporter's name and phone: personal data, every read recorded in the audit."""
    if not actor.has_perm("reports.view_reporter_contact"):
        raise NotAllowed(_("Peran Anda tidak berhak melihat kontak pelapor."))
    report_for_staff(actor=actor, pk=report.pk)  # scope: another OPD's report is a 404
    contact = ReportContact.objects.filter(report=report).first()
    audit_personal_read(
        actor=actor,
        object_type="reports.report",
        object_id=report.pk,
        what="reporter_contact",
        note=report.tracking,
    )
    return contact


def timers(report: Report, now: datetime | None = None) -> list[dict]:
    """The SP4N-LAPOR! clocks of one report, for the inbox and the detail page."""
    now = now or timezone.now()
    result = []
    forward = deadlines.timer(report.forward_due, report.forwarded_at, now)
    if forward:
        result.append(
            {"key": "forward", "label": _("Verifikasi & teruskan (3 hari kerja)"), **forward}
        )
    followup = deadlines.timer(report.followup_due, report.followup_at, now)
    if followup:
        result.append({"key": "followup", "label": _("Tindak lanjut (5 hari kerja)"), **followup})
    close = (
        deadlines.timer(report.close_due, report.closed_at, now)
        if report.stage == Stage.FOLLOWED_UP
        else None
    )
    if close:
        result.append(
            {
                "key": "close",
                "label": _("Selesai otomatis tanpa keberatan (10 hari kerja)"),
                **close,
            }
        )
    return result


def next_timer(report: Report, now: datetime | None = None) -> dict | None:
    running = [t for t in timers(report, now) if t["left"] is not None]
    return running[-1] if running else None


def _meters(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dlat = math.radians(lat2 - lat1)
    dlon = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6_371_000 * math.hypot(dlat, dlon)


def possible_duplicates(
    *,
    category_code: str,
    lat: float | None,
    lon: float | None,
    exclude_id: int | None = None,
    meters: int = 100,
    limit: int = 5,
) -> list[dict]:
    """Still-open public reports of the same category near this point (no personal data)."""
    if lat is None or lon is None:
        return []
    dlat = meters / 111_000
    dlon = meters / (111_000 * max(math.cos(math.radians(lat)), 0.1))
    qs = Report.objects.filter(
        category__code=category_code,
        status__in=list(OPEN_STATUSES),
        hidden=False,
        lat__range=(lat - dlat, lat + dlat),
        lon__range=(lon - dlon, lon + dlon),
    ).exclude(stage=Stage.ARCHIVED)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    found: list[dict[str, Any]] = []
    for row in qs.values(
        "pk", "tracking", "public_description", "lat", "lon", "status", "created_at"
    )[:50]:
        if row["lat"] is None or row["lon"] is None:
            continue
        distance = _meters(lat, lon, row["lat"], row["lon"])
        if distance <= meters:
            found.append(
                {
                    "id": row["pk"],
                    "tracking": row["tracking"],
                    "summary": row["public_description"][:140],
                    "meters": round(distance),
                    "status": ReportStatus(row["status"]).label,
                    "created_at": row["created_at"],
                }
            )
    return sorted(found, key=lambda r: r["meters"])[:limit]


# --- public -----------------------------------------------------------------------------


def public_queryset(filters: dict | None = None) -> QuerySet[Report]:
    """Reports anyone may see: not hidden by moderation; filters by category, status,
    kecamatan."""
    qs = Report.objects.filter(hidden=False)
    filters = filters or {}
    if filters.get("kategori"):
        qs = qs.filter(category__code=filters["kategori"])
    status = filters.get("status")
    if status == "terbuka":
        qs = qs.filter(status__in=list(OPEN_STATUSES))
    elif status == "selesai":
        qs = qs.filter(status__in=list(CLOSED_STATUSES))
    elif status in ReportStatus.values:
        qs = qs.filter(status=status)
    if filters.get("kecamatan"):
        qs = qs.filter(kecamatan_id=filters["kecamatan"])
    return qs


def public_map_points(filters: dict | None = None) -> dict:
    """Compact points for the public map: the newest ``PUBLIC_MAP_LIMIT`` matching reports
    as [lat, lon, status, category code, tracking], so a phone on a slow link never
    downloads 50,000 features. Public data only; cached per filter until the next report
    write in this process, at most 30 s (anyone sees the same answer, and a burst of
    visitors costs one query)."""
    filters = {k: v for k, v in (filters or {}).items() if v}
    version = cache.get(MAP_VERSION_KEY, 0)
    key = f"reports:map:{version}:" + "&".join(f"{k}={v}" for k, v in sorted(filters.items()))
    cached = cache.get(key)
    if cached is not None:
        return cached
    codes = dict(Category.objects.values_list("pk", "code"))
    rows = list(
        public_queryset(filters)
        .filter(lat__isnull=False)
        .order_by("-created_at")
        .values_list("lat", "lon", "status", "category_id", "tracking")[:PUBLIC_MAP_LIMIT]
    )
    data = {
        "shown": len(rows),
        "limit": PUBLIC_MAP_LIMIT,
        "points": [
            [round(a, 5), round(b, 5), s, codes.get(c, ""), t]
            for a, b, s, c, t in rows
            if a is not None and b is not None
        ],
        "colors": dict(STATUS_COLORS),
    }
    cache.set(key, data, 30)
    return data


def public_report(tracking: str) -> Report:
    report = (
        Report.objects.filter(tracking=tracking.strip().upper(), hidden=False)
        .select_related("category", "agency")
        .first()
    )
    if report is None:
        raise NotFound(_("Laporan tidak ditemukan."))
    return report


def public_updates(report: Report) -> list:
    return list(report.updates.filter(is_public=True).order_by("at", "id"))


def _wib_range(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, time.min, tzinfo=deadlines.WIB),
        datetime.combine(end, time.min, tzinfo=deadlines.WIB),
    )


def resolution_by_agency(*, start: date, end: date) -> list[dict]:
    """Per responsible body: reports received, followed up, followed up within the 5
    working days, and median days to the first follow-up (public figures, no people)."""
    since, until = _wib_range(start, end)
    rows: dict[int, dict] = {}
    qs = (
        Report.objects.filter(hidden=False, created_at__gte=since, created_at__lt=until)
        .exclude(agency__isnull=True)
        .values_list("agency_id", "agency__short_name", "created_at", "followup_at", "followup_due")
    )
    durations: dict[int, list[float]] = {}
    for agency_id, name, created, followup_at, followup_due in qs.iterator(chunk_size=2000):
        row = rows.setdefault(
            agency_id, {"agency": name, "received": 0, "followed_up": 0, "within": 0}
        )
        row["received"] += 1
        if followup_at is not None:
            row["followed_up"] += 1
            if followup_due is not None and followup_at <= followup_due:
                row["within"] += 1
            durations.setdefault(agency_id, []).append(
                (followup_at - created).total_seconds() / 86400
            )
    result = []
    for agency_id, row in rows.items():
        values = sorted(durations.get(agency_id, []))
        row["median_days"] = round(values[len(values) // 2], 1) if values else None
        row["within_share"] = (
            round(100 * row["within"] / row["followed_up"], 1) if row["followed_up"] else None
        )
        result.append(row)
    return sorted(result, key=lambda r: -r["received"])


def counts_by_status(filters: dict | None = None) -> dict[str, int]:
    return {
        row["status"]: row["n"]
        for row in public_queryset(filters).values("status").annotate(n=Count("id"))
    }


def default_window(now: datetime | None = None) -> tuple[datetime, datetime]:
    now = now or timezone.now()
    return now - timedelta(days=90), now
