"""SPBE evidence: the public complaints service (Layanan Pengaduan Pelayanan Publik,
indicator 42 of PermenPANRB 59/2020) runs here, with its own figures."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kendali.core.registry import EvidenceSource, register_evidence
from kendali.reports.choices import CLOSED_STATUSES
from kendali.reports.deadlines import WIB
from kendali.reports.figures import resolved_within_deadline
from kendali.reports.models import Category, Report


def complaints_service(*, actor, year: int) -> dict:
    since = datetime.combine(date(year, 1, 1), time.min, tzinfo=WIB)
    until = datetime.combine(date(year + 1, 1, 1), time.min, tzinfo=WIB)
    counts = Report.objects.filter(created_at__gte=since, created_at__lt=until).aggregate(
        total=Count("id"),
        closed=Count("id", filter=Q(status__in=list(CLOSED_STATUSES))),
        open311=Count("id", filter=Q(source="open311")),
        opds=Count("agency", distinct=True),
    )
    on_time = resolved_within_deadline(
        actor=actor, start=date(year, 1, 1), end=date(year + 1, 1, 1)
    )
    return {
        "title": _("Layanan pengaduan warga (laporan warga, Open311 GeoReport v2)"),
        "summary": _(
            "Warga melapor lewat halaman publik atau aplikasi Open311; laporan diteruskan ke OPD "
            "penanggung jawab dengan tenggat SP4N-LAPOR! (3/5/10 hari kerja) dan statusnya "
            "terbuka di peta publik."
        ),
        "figures": {
            _("Laporan diterima"): counts["total"],
            _("Laporan ditutup"): counts["closed"],
            _("Lewat Open311"): counts["open311"],
            _("OPD/instansi penerima"): counts["opds"],
            _("Kategori layanan"): Category.objects.filter(is_active=True).count(),
            _("Tindak lanjut tepat waktu (%)"): on_time["value"],
        },
        "url": "/lapor/kinerja/",
    }


register_evidence(
    EvidenceSource(
        "reports.complaints_service",
        gettext_lazy("Layanan pengaduan pelayanan publik"),
        "kendali.reports.evidence.complaints_service",
        indicators=("42",),
    )
)
