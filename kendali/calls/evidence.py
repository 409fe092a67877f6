"""The 112 service's figures as live evidence for the SPBE evaluation (aggregates only)."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kendali.calls.choices import CallState, Outcome
from kendali.calls.models import Call
from kendali.core.registry import EvidenceSource, register_evidence

WIB = ZoneInfo("Asia/Jakarta")


def service_112(*, actor, year: int) -> dict:
    start = datetime.combine(datetime(year, 1, 1).date(), time.min, tzinfo=WIB)
    end = datetime.combine(datetime(year + 1, 1, 1).date(), time.min, tzinfo=WIB)
    calls = Call.objects.filter(offered_at__gte=start, offered_at__lt=end)
    totals = calls.aggregate(
        total=Count("id"),
        answered=Count("id", filter=Q(answered_at__isnull=False)),
        emergency=Count("id", filter=Q(outcome=Outcome.DARURAT)),
        ended=Count("id", filter=Q(state=CallState.ENDED)),
    )
    wait = (
        calls.filter(answered_at__isnull=False)
        .annotate(
            w=ExpressionWrapper(F("answered_at") - F("offered_at"), output_field=DurationField())
        )
        .aggregate(avg=Avg("w"))["avg"]
    )
    total = totals["total"] or 0
    answered_share = round(100 * totals["answered"] / total, 1) if total else None
    figures = {
        _("Panggilan masuk"): total,
        _("Dijawab (%)"): answered_share,
        _("Panggilan darurat"): totals["emergency"],
        _("Rata-rata waktu jawab (detik)"): round(wait.total_seconds(), 1) if wait else None,
    }
    summary = (
        _("Layanan 112 menerima %(n)s panggilan pada %(y)s; %(a)s%% dijawab.")
        % {"n": total, "y": year, "a": answered_share if answered_share is not None else "—"}
        if total
        else _("Belum ada panggilan 112 tercatat pada %(y)s.") % {"y": year}
    )
    return {
        "title": _("Layanan panggilan darurat 112 (Kendali)"),
        "summary": summary,
        "figures": figures,
        "url": "/112/",
    }


register_evidence(
    EvidenceSource(
        "calls.service_112",
        gettext_lazy("Angka layanan 112 (panggilan, jawaban, waktu jawab)"),
        "kendali.calls.evidence.service_112",
        indicators=("45", "42"),
    )
)
