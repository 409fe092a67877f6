"""112 service reports: daily and monthly figures, NENA answer-time targets, per call-taker,
and the monthly report in the shape of the ministry's 112 monitoring. CSV and XLSX."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kendali.calls.choices import GENUINE_OUTCOMES, Outcome
from kendali.calls.models import Call
from kendali.core.formatting import Percent, xlsx_row

# NENA call answering standard (NENA-STA-020): 90% within 15 s, 95% within 20 s.
NENA_TARGETS = ((15, 90.0), (20, 95.0))


def percentile(values: list[float], pct: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@dataclass
class Period:
    kind: str  # "day" | "month"
    start: datetime
    end: datetime
    label: str


def period_for(kind: str, day: date) -> Period:
    tz = timezone.get_current_timezone()
    if kind == "month":
        first = day.replace(day=1)
        nxt = (first + timedelta(days=32)).replace(day=1)
        return Period(
            "month",
            timezone.make_aware(datetime.combine(first, time.min), tz),
            timezone.make_aware(datetime.combine(nxt, time.min), tz),
            first.strftime("%m/%Y"),
        )
    start = timezone.make_aware(datetime.combine(day, time.min), tz)
    return Period("day", start, start + timedelta(days=1), day.strftime("%d/%m/%Y"))


def call_report(period: Period) -> dict:
    calls = Call.objects.filter(offered_at__gte=period.start, offered_at__lt=period.end)
    total = calls.count()
    labels = dict(Outcome.choices)
    by_outcome = dict.fromkeys(Outcome.values, 0)
    by_outcome[""] = 0
    for row in calls.values("outcome").annotate(n=Count("pk")):
        by_outcome[row["outcome"]] = row["n"]
    hours = [dict.fromkeys([*Outcome.values, ""], 0) for _h in range(24)]
    for offered_at, outcome in calls.values_list("offered_at", "outcome"):
        hours[timezone.localtime(offered_at).hour][outcome] += 1
    answered = list(
        calls.filter(answered_at__isnull=False).values_list(
            "offered_at", "answered_at", "call_taker_id"
        )
    )
    waits = [max(0.0, (a - o).total_seconds()) for o, a, _u in answered]
    abandoned = calls.filter(abandoned=True).count()
    genuine = sum(by_outcome[o] for o in GENUINE_OUTCOMES)
    nena = []
    for seconds, target in NENA_TARGETS:
        share = (sum(1 for w in waits if w <= seconds) / len(waits) * 100) if waits else None
        nena.append(
            {
                "seconds": seconds,
                "target": target,
                "share": share,
                "met": share is not None and share >= target,
            }
        )
    takers = []
    per_user = (
        calls.filter(call_taker__isnull=False)
        .values("call_taker_id", "call_taker__username", "call_taker__full_name")
        .annotate(
            n=Count("pk"),
            genuine=Count("pk", filter=Q(outcome__in=list(GENUINE_OUTCOMES))),
            noise=Count(
                "pk",
                filter=Q(
                    outcome__in=[Outcome.ISENG, Outcome.GHOST, Outcome.SALAH_SAMBUNG, Outcome.UJI]
                ),
            ),
            unclassified=Count("pk", filter=Q(outcome="")),
        )
        .order_by("-n")
    )
    for row in per_user:
        own = [
            max(0.0, (a - o).total_seconds()) for o, a, u in answered if u == row["call_taker_id"]
        ]
        takers.append(
            {
                "name": row["call_taker__full_name"] or row["call_taker__username"],
                "calls": row["n"],
                "genuine": row["genuine"],
                "noise": row["noise"],
                "unclassified": row["unclassified"],
                "p50": percentile(own, 50),
                "p90": percentile(own, 90),
                "p95": percentile(own, 95),
            }
        )
    columns = [*Outcome.values, ""]
    return {
        "period": period,
        "total": total,
        "by_outcome": [
            (o, str(labels.get(o, _("Belum diklasifikasi"))), by_outcome[o]) for o in columns
        ],
        # The hour-of-day table: one column per outcome (and one for calls not yet
        # classified), so the hours of pranks, silent calls and real emergencies show apart.
        "hour_columns": [(o, str(labels.get(o, _("Belum diklasifikasi")))) for o in columns],
        "by_hour": [
            {
                "hour": h,
                "total": sum(hours[h].values()),
                "counts": [hours[h][o] for o in columns],
                "by_outcome": {o or "belum": hours[h][o] for o in columns},
                "genuine": sum(hours[h][o] for o in GENUINE_OUTCOMES),
            }
            for h in range(24)
        ],
        "genuine": genuine,
        "genuine_share": genuine / total * 100 if total else 0.0,
        "answered": len(waits),
        "p50": percentile(waits, 50),
        "p90": percentile(waits, 90),
        "p95": percentile(waits, 95),
        "nena": nena,
        "abandoned": abandoned,
        "abandoned_rate": abandoned / total * 100 if total else 0.0,
        "takers": takers,
    }


def ministry_report(period: Period) -> dict:
    """Monthly 112 service report: calls per outcome, and emergencies per incident category."""
    base = call_report(period)
    categories = (
        Call.objects.filter(
            offered_at__gte=period.start, offered_at__lt=period.end, incident__isnull=False
        )
        .values("incident__type__name")
        .annotate(n=Count("pk"), incidents=Count("incident", distinct=True))
        .order_by("-n")
    )
    return {
        **base,
        "categories": [
            {"category": r["incident__type__name"], "calls": r["n"], "incidents": r["incidents"]}
            for r in categories
        ],
    }


def _fmt(value):
    """A figure as a number (one decimal), or empty when there is none."""
    if value is None:
        return ""
    if isinstance(value, float):
        return round(value, 1)
    return value


def _pct(value):
    return "" if value is None else Percent(round(float(value), 1))


def report_rows(report: dict, *, ministry: bool = False) -> list[list]:
    """The report as rows (one table with section headers), for CSV and XLSX."""
    period = report["period"]
    rows: list[list] = [
        [_("Laporan layanan 112 Kota Serang"), period.label],
        [_("Total panggilan"), report["total"]],
        [
            _("Panggilan asli (darurat + informasi)"),
            report["genuine"],
            _pct(report["genuine_share"]),
        ],
        [_("Terputus sebelum dijawab"), report["abandoned"], _pct(report["abandoned_rate"])],
        [
            _("Waktu jawab p50/p90/p95 (detik)"),
            _fmt(report["p50"]),
            _fmt(report["p90"]),
            _fmt(report["p95"]),
        ],
    ]
    for item in report["nena"]:
        rows.append(
            [
                _("NENA: %(t)d%% dijawab ≤ %(s)d detik")
                % {"t": item["target"], "s": item["seconds"]},
                _pct(item["share"]),
                _("tercapai") if item["met"] else _("belum tercapai"),
            ]
        )
    rows.append([])
    rows.append([_("Hasil"), _("Jumlah")])
    rows.extend([label, n] for _code, label, n in report["by_outcome"])
    if ministry:
        rows.append([])
        rows.append([_("Kategori kejadian"), _("Panggilan"), _("Kejadian")])
        rows.extend([c["category"], c["calls"], c["incidents"]] for c in report["categories"])
    else:
        rows.append([])
        rows.append(
            [_("Jam (WIB)"), _("Total"), *(label for _code, label in report["hour_columns"])]
        )
        rows.extend([f"{h['hour']:02d}:00", h["total"], *h["counts"]] for h in report["by_hour"])
        rows.append([])
        rows.append(
            [
                _("Penerima panggilan"),
                _("Panggilan"),
                _("Asli"),
                _("Gangguan"),
                _("Belum"),
                "p50 (s)",
                "p90 (s)",
                "p95 (s)",
            ]
        )
        rows.extend(
            [
                t["name"],
                t["calls"],
                t["genuine"],
                t["noise"],
                t["unclassified"],
                _fmt(t["p50"]),
                _fmt(t["p90"]),
                _fmt(t["p95"]),
            ]
            for t in report["takers"]
        )
    return rows


def as_csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(rows: list[list], title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    for row in rows:
        xlsx_row(ws, row)
    ws.column_dimensions["A"].width = 44
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
