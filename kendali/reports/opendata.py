"""Open data: daily counts of citizen reports per kecamatan, category and status (no
descriptions, no people, no exact points)."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from kendali.core.registry import OpenDataset, register_dataset
from kendali.reports.deadlines import WIB
from kendali.reports.models import Report


def daily_by_kecamatan(*, start: date, end: date):
    since = datetime.combine(start, time.min, tzinfo=WIB)
    until = datetime.combine(end, time.min, tzinfo=WIB)
    rows = (
        Report.objects.filter(hidden=False, created_at__gte=since, created_at__lt=until)
        .annotate(tanggal=TruncDate("created_at", tzinfo=WIB))
        .values("tanggal", "kecamatan_id", "category__code", "status")
        .annotate(jumlah=Count("id"))
        .order_by("tanggal", "kecamatan_id", "category__code", "status")
    )
    for row in rows:
        yield {
            "tanggal": row["tanggal"].isoformat(),
            "kecamatan_kode": row["kecamatan_id"] or "",
            "kategori": row["category__code"],
            "status": row["status"],
            "jumlah": row["jumlah"],
        }


register_dataset(
    OpenDataset(
        "reports.daily_by_kecamatan",
        _("Laporan warga harian per kecamatan dan kategori"),
        _("Jumlah laporan warga per hari (WIB), kecamatan, kategori dan status terakhir."),
        "diskominfo",
        "harian",
        ("tanggal", "kecamatan_kode", "kategori", "status", "jumlah"),
        "kendali.reports.opendata.daily_by_kecamatan",
        count_columns=("jumlah",),
        tags=("pengaduan", "laporan warga", "open311"),
    )
)
