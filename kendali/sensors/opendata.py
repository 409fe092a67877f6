"""The sensors' hourly rollups as an open data set: per device, variable and hour (WIB) the
number of readings, mean, minimum and maximum. Streamed row by row from the database, so a
year of 200 sensors never sits in memory. Sensors are the city's own; no person is in it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext_lazy

from kendali.core.registry import OpenDataset, register_dataset
from kendali.sensors.models import RollupHour

COLUMNS = (
    "jam",
    "perangkat",
    "jenis",
    "kecamatan_kode",
    "kelurahan_kode",
    "variabel",
    "satuan",
    "jumlah_bacaan",
    "rata_rata",
    "minimum",
    "maksimum",
)


def hourly_rollups(*, start: date, end: date) -> Iterator[dict]:
    tz = timezone.get_default_timezone()
    since = timezone.make_aware(datetime.combine(start, time.min), tz)
    until = timezone.make_aware(datetime.combine(end, time.min), tz)
    rows = (
        RollupHour.objects.filter(bucket__gte=since, bucket__lt=until)
        .order_by("bucket", "variable_id")
        .values_list(
            "bucket",
            "variable__device__code",
            "variable__device__kind",
            "variable__device__kecamatan_id",
            "variable__device__kelurahan_id",
            "variable__name",
            "variable__unit",
            "count",
            "total",
            "minimum",
            "maximum",
        )
        .iterator(chunk_size=5000)
    )
    for bucket, code, kind, kec, kel, name, unit, count, total, lo, hi in rows:
        yield {
            "jam": timezone.localtime(bucket, tz).isoformat(timespec="minutes"),
            "perangkat": code,
            "jenis": kind,
            "kecamatan_kode": kec or "",
            "kelurahan_kode": kel or "",
            "variabel": name,
            "satuan": unit,
            "jumlah_bacaan": count,
            "rata_rata": round(total / count, 4) if count else None,
            "minimum": lo,
            "maksimum": hi,
        }


register_dataset(
    OpenDataset(
        "sensors.hourly_rollups",
        gettext_lazy("Data sensor kota per jam"),
        gettext_lazy(
            "Ringkasan per jam (WIB) dari sensor kota Kota Serang — tinggi muka air, curah "
            "hujan, kualitas udara, lalu lintas, penerangan jalan: jumlah bacaan, rata-rata, "
            "minimum dan maksimum per perangkat dan variabel."
        ),
        "diskominfo",
        "jam-an",
        COLUMNS,
        "kendali.sensors.opendata.hourly_rollups",
        tags=("sensor", "banjir", "kualitas udara", "lalu lintas", "iot"),
    )
)
