"""Response-time reports: percentiles per agency, type, kecamatan and month; per-unit
activity; SLA breaches. Exported as CSV, XLSX (openpyxl) and PDF (pdf.py)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kendali.core.actors import Actor
from kendali.core.formatting import Minutes, xlsx_row
from kendali.core.scope import scope_queryset
from kendali.dispatch.models import Assignment, SlaBreach
from kendali.dispatch.pdf import SimplePdf


def percentile(values: list[float], p: float) -> float | None:
    """Linear interpolation between closest ranks (as numpy's default)."""
    if not values:
        return None
    data = sorted(values)
    k = (len(data) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (k - lo)


def response_rows(*, actor: Actor, since: datetime, until: datetime) -> list[dict]:
    """One row per assignment that reached the scene: response seconds and its groupings."""
    qs = scope_queryset(
        Assignment.objects.filter(
            assigned_at__gte=since, assigned_at__lt=until, on_scene_at__isnull=False
        ),
        actor,
        "agency",
    ).values_list(
        "assigned_at",
        "on_scene_at",
        "agency__short_name",
        "incident__type__name",
        "incident__kecamatan__nama",
    )
    rows = []
    for assigned, on_scene, agency, type_name, kecamatan in qs:
        rows.append(
            {
                "seconds": (on_scene - assigned).total_seconds(),
                "agency": agency,
                "type": type_name,
                "kecamatan": kecamatan or _("(tanpa kecamatan)"),
                "month": timezone.localtime(assigned).strftime("%Y-%m"),
            }
        )
    return rows


GROUPS = (
    ("agency", _("Instansi")),
    ("type", _("Jenis")),
    ("kecamatan", _("Kecamatan")),
    ("month", _("Bulan")),
)


def percentiles_by(rows: list[dict], key: str) -> list[dict]:
    groups: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row["seconds"])
    out = []
    for name in sorted(groups):
        values = groups[name]
        out.append(
            {
                "group": name,
                "n": len(values),
                "p50": percentile(values, 50),
                "p90": percentile(values, 90),
                "p95": percentile(values, 95),
            }
        )
    return out


def unit_activity(*, actor: Actor, since: datetime, until: datetime) -> list[dict]:
    qs = scope_queryset(
        Assignment.objects.filter(assigned_at__gte=since, assigned_at__lt=until), actor, "agency"
    )
    per: dict[str, dict] = {}
    for callsign, agency, status, assigned, cleared in qs.values_list(
        "unit__callsign", "agency__short_name", "status", "assigned_at", "cleared_at"
    ):
        row = per.setdefault(
            callsign,
            {
                "unit": callsign,
                "agency": agency,
                "assignments": 0,
                "cancelled": 0,
                "busy_minutes": 0.0,
            },
        )
        row["assignments"] += 1
        if status == "dibatalkan":
            row["cancelled"] += 1
        if cleared:
            row["busy_minutes"] += (cleared - assigned).total_seconds() / 60
    return [
        dict(r, busy_minutes=round(r["busy_minutes"], 1))
        for r in sorted(per.values(), key=lambda r: r["unit"])
    ]


def breaches(*, actor: Actor, since: datetime, until: datetime) -> list[dict]:
    qs = SlaBreach.objects.filter(detected_at__gte=since, detected_at__lt=until).select_related(
        "incident"
    )
    qs = scope_queryset(qs, actor, "incident__agencies")
    return [
        {
            "at": timezone.localtime(b.detected_at).strftime("%Y-%m-%d %H:%M"),
            "incident": b.incident.number,
            "kind": b.get_kind_display(),
            "target_s": b.target_seconds,
            "reason": b.reason,
        }
        for b in qs.order_by("-detected_at")[:2000]
    ]


def build(*, actor: Actor, since: datetime, until: datetime) -> dict:
    rows = response_rows(actor=actor, since=since, until=until)
    return {
        "since": since,
        "until": until,
        "count": len(rows),
        "overall": percentiles_by([dict(r, all=_("Semua")) for r in rows], "all"),
        "groups": [(label, percentiles_by(rows, key)) for key, label in GROUPS],
        "units": unit_activity(actor=actor, since=since, until=until),
        "breaches": breaches(actor=actor, since=since, until=until),
    }


def _fmt(seconds: float | None):
    """A duration as ``m:ss`` in CSV and PDF, a real duration in XLSX."""
    if seconds is None:
        return "-"
    return Minutes(seconds)


def tables(report: dict) -> list[tuple[str, list[str], list[list]]]:
    """(title, header, rows) for every table of the report, for all export formats."""
    header = [_("Kelompok"), "n", "p50 (mnt:dtk)", "p90", "p95"]
    out = [
        (
            _("Waktu respons (tugaskan → tiba) keseluruhan"),
            header,
            [
                [r["group"], r["n"], _fmt(r["p50"]), _fmt(r["p90"]), _fmt(r["p95"])]
                for r in report["overall"]
            ],
        )
    ]
    for label, rows in report["groups"]:
        out.append(
            (
                _("Waktu respons per %(g)s") % {"g": label.lower()},
                header,
                [
                    [r["group"], r["n"], _fmt(r["p50"]), _fmt(r["p90"]), _fmt(r["p95"])]
                    for r in rows
                ],
            )
        )
    out.append(
        (
            _("Aktivitas unit"),
            [_("Unit"), _("Instansi"), _("Penugasan"), _("Dibatalkan"), _("Menit bertugas")],
            [
                [r["unit"], r["agency"], r["assignments"], r["cancelled"], r["busy_minutes"]]
                for r in report["units"]
            ],
        )
    )
    out.append(
        (
            _("Pelanggaran SLA"),
            [_("Waktu (WIB)"), _("Kejadian"), _("Jenis"), _("Target (dtk)"), _("Alasan")],
            [
                [b["at"], b["incident"], b["kind"], b["target_s"], b["reason"]]
                for b in report["breaches"]
            ],
        )
    )
    return out


def to_csv(report: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for title, header, rows in tables(report):
        writer.writerow([title])
        writer.writerow(header)
        for row in rows:
            writer.writerow([_safe_cell(v) for v in row])
        writer.writerow([])
    return ("\ufeff" + buffer.getvalue()).encode()


def _safe_cell(value):
    """Spreadsheet formula injection: text starting with = + - @ is prefixed with '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def to_xlsx(report: dict) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for n, (title, header, rows) in enumerate(tables(report), start=1):
        sheet = book.create_sheet(f"{n} {title}"[:31].replace("/", "-").replace(":", ""))
        sheet.append([title])
        sheet.append(header)
        for row in rows:
            xlsx_row(sheet, [_safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_pdf(report: dict) -> bytes:
    pdf = SimplePdf()
    period = f"{timezone.localtime(report['since']):%d-%m-%Y} – {timezone.localtime(report['until']):%d-%m-%Y}"
    pdf.heading(_("Laporan respons Kendali Kota Serang") + f" ({period})")
    for title, header, rows in tables(report):
        pdf.heading(title, size=11)
        pdf.table(header, rows)
    return pdf.render()
