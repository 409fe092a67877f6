"""Live figures of citizen reports, read by the smart-city indicators and SPBE evidence."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kendali.core.registry import LiveFigure, register_figure
from kendali.reports.deadlines import WIB
from kendali.reports.models import Report


def resolved_within_deadline(*, actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    """Share (%) of reports received in [start, end) whose first follow-up came within the
    SP4N-LAPOR! follow-up deadline (5 working days after forwarding). Reports still waiting
    whose deadline has passed count as late; those still inside their deadline are left out."""
    since = datetime.combine(start, time.min, tzinfo=WIB)
    until = datetime.combine(end, time.min, tzinfo=WIB)
    now = timezone.now()
    totals: dict[str, list[int]] = {}
    within = counted = 0
    rows = Report.objects.filter(
        hidden=False, created_at__gte=since, created_at__lt=until
    ).values_list("kecamatan_id", "followup_at", "followup_due", "forward_due")
    for kecamatan, followup_at, followup_due, forward_due in rows.iterator(chunk_size=2000):
        due = followup_due or forward_due
        if followup_at is None and (due is None or due > now):
            continue  # still inside its deadline: neither on time nor late yet
        ok = followup_at is not None and followup_due is not None and followup_at <= followup_due
        counted += 1
        within += ok
        bucket = totals.setdefault(kecamatan or "", [0, 0])
        bucket[0] += ok
        bucket[1] += 1
    if not counted:
        return {
            "value": None,
            "unit": "%",
            "reason": _("Belum ada laporan warga yang tenggat tindak lanjutnya lewat."),
            "by_kecamatan": {},
        }
    result = {
        "value": round(100 * within / counted, 1),
        "unit": "%",
        "reason": "",
        "by_kecamatan": {},
    }
    if by_kecamatan:
        result["by_kecamatan"] = {
            kode: round(100 * ok / n, 1) for kode, (ok, n) in totals.items() if kode and n
        }
    return result


def median_days_to_followup(*, actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    """Median calendar days from receipt to the first follow-up (ISO 37122 10.3-like)."""
    since = datetime.combine(start, time.min, tzinfo=WIB)
    until = datetime.combine(end, time.min, tzinfo=WIB)
    values = sorted(
        (followup - created).total_seconds() / 86400
        for created, followup in Report.objects.filter(
            hidden=False, created_at__gte=since, created_at__lt=until, followup_at__isnull=False
        ).values_list("created_at", "followup_at")
        if followup is not None
    )
    if not values:
        return {
            "value": None,
            "unit": "hari",
            "reason": _("Belum ada tindak lanjut."),
            "by_kecamatan": {},
        }
    return {
        "value": round(values[len(values) // 2], 1),
        "unit": "hari",
        "reason": "",
        "by_kecamatan": {},
    }


register_figure(
    LiveFigure(
        "reports.resolved_within_deadline",
        gettext_lazy("Laporan warga ditindaklanjuti tepat waktu (SP4N-LAPOR!)"),
        "%",
        "kendali.reports.figures.resolved_within_deadline",
        higher_is_better=True,
    )
)
register_figure(
    LiveFigure(
        "reports.median_days_to_followup",
        gettext_lazy("Median waktu tindak lanjut laporan warga"),
        "hari",
        "kendali.reports.figures.median_days_to_followup",
        higher_is_better=False,
    )
)
