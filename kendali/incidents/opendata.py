"""Incidents as an open data set: how many incidents of each type were opened per month and
kelurahan. No reporter, address, description or coordinates: only the type, the kelurahan and
a count (small counts suppressed by the catalogue)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy

from kendali.core.registry import OpenDataset, register_dataset
from kendali.incidents.choices import IncidentStatus
from kendali.incidents.models import Incident

COLUMNS = (
    "bulan",
    "kecamatan_kode",
    "kecamatan",
    "kelurahan_kode",
    "kelurahan",
    "jenis",
    "jenis_label",
    "jumlah",
)


def by_type_and_kelurahan(*, start: date, end: date) -> Iterator[dict]:
    tz = timezone.get_default_timezone()
    since = timezone.make_aware(datetime.combine(start, time.min), tz)
    until = timezone.make_aware(datetime.combine(end, time.min), tz)
    rows = (
        Incident.objects.filter(created_at__gte=since, created_at__lt=until)
        .exclude(status=IncidentStatus.DIGABUNG)
        .annotate(month=TruncMonth("created_at", tzinfo=tz))
        .values(
            "month",
            "kecamatan__kode",
            "kecamatan__nama",
            "kelurahan__kode",
            "kelurahan__nama",
            "type__code",
            "type__name",
        )
        .annotate(n=Count("pk"))
        .order_by("month", "kelurahan__kode", "type__code")
    )
    for row in rows:
        month = row["month"]
        yield {
            "bulan": (month.date() if isinstance(month, datetime) else month).strftime("%Y-%m"),
            "kecamatan_kode": row["kecamatan__kode"] or "",
            "kecamatan": row["kecamatan__nama"] or "",
            "kelurahan_kode": row["kelurahan__kode"] or "",
            "kelurahan": row["kelurahan__nama"] or "",
            "jenis": row["type__code"],
            "jenis_label": row["type__name"],
            "jumlah": row["n"],
        }


register_dataset(
    OpenDataset(
        "incidents.by_type_kelurahan",
        gettext_lazy("Kejadian darurat per bulan, jenis dan kelurahan"),
        gettext_lazy(
            "Jumlah kejadian yang ditangani pusat kendali Kota Serang per bulan, menurut jenis "
            "kejadian dan kelurahan. Tanpa nama, nomor telepon, alamat atau koordinat pelapor."
        ),
        "diskominfo",
        "bulanan",
        COLUMNS,
        "kendali.incidents.opendata.by_type_and_kelurahan",
        count_columns=("jumlah",),
        tags=("kejadian", "darurat", "keselamatan", "kelurahan"),
    )
)
