"""The 112 calls as an open data set: how many calls of each outcome per day (WIB) and
kecamatan. Only counts: no number, name, note or place of any caller. The kecamatan is the one
of the incident a call led to; calls without one count under an empty kecamatan."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kendali.calls.choices import Outcome
from kendali.calls.models import Call
from kendali.core.registry import OpenDataset, register_dataset

COLUMNS = ("tanggal", "kecamatan_kode", "kecamatan", "hasil", "hasil_label", "jumlah")


def daily_by_kecamatan(*, start: date, end: date) -> Iterator[dict]:
    tz = timezone.get_default_timezone()
    since = timezone.make_aware(datetime.combine(start, time.min), tz)
    until = timezone.make_aware(datetime.combine(end, time.min), tz)
    labels = dict(Outcome.choices)
    rows = (
        Call.objects.filter(offered_at__gte=since, offered_at__lt=until)
        .annotate(day=TruncDate("offered_at", tzinfo=tz))
        .values("day", "incident__kecamatan__kode", "incident__kecamatan__nama", "outcome")
        .annotate(n=Count("pk"))
        .order_by("day", "incident__kecamatan__kode", "outcome")
    )
    for row in rows:
        outcome = row["outcome"] or ""
        yield {
            "tanggal": row["day"].isoformat(),
            "kecamatan_kode": row["incident__kecamatan__kode"] or "",
            "kecamatan": row["incident__kecamatan__nama"] or "",
            "hasil": outcome,
            "hasil_label": str(labels.get(outcome, _("Belum diklasifikasi"))),
            "jumlah": row["n"],
        }


register_dataset(
    OpenDataset(
        "calls.daily_by_kecamatan",
        gettext_lazy("Panggilan 112 per hari, hasil dan kecamatan"),
        gettext_lazy(
            "Jumlah panggilan ke layanan darurat 112 Kota Serang per hari (WIB), menurut hasil "
            "klasifikasi (darurat, informasi, iseng, ghost, salah sambung, terputus, uji) dan "
            "kecamatan kejadian yang ditimbulkannya. Tanpa nomor, nama atau lokasi penelepon."
        ),
        "diskominfo",
        "harian",
        COLUMNS,
        "kendali.calls.opendata.daily_by_kecamatan",
        count_columns=("jumlah",),
        tags=("112", "darurat", "panggilan", "keselamatan"),
    )
)
