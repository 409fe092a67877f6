"""Park Wi-Fi use as an open data set: per park and day (WIB) the users, sessions, hours
online, data volume and peak concurrency, from the daily rollups. No subscriber, phone
number, device or address of a user; small user counts are suppressed by the catalogue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.utils.translation import gettext_lazy

from kendali.core.registry import OpenDataset, register_dataset
from kendali.wifi.models import DailyUsage

COLUMNS = (
    "tanggal",
    "taman",
    "kelurahan_kode",
    "kelurahan",
    "kecamatan",
    "pengguna",
    "sesi",
    "jam_daring",
    "data_gb",
    "puncak_bersamaan",
)


def daily_by_park(*, start: date, end: date) -> Iterator[dict]:
    rows = (
        DailyUsage.objects.filter(day__gte=start, day__lt=end)
        .select_related("park__kelurahan", "park__kecamatan")
        .order_by("day", "park__name")
    )
    for usage in rows.iterator(chunk_size=2000):
        park = usage.park
        yield {
            "tanggal": usage.day.isoformat(),
            "taman": park.name,
            "kelurahan_kode": park.kelurahan_id or "",
            "kelurahan": park.kelurahan.nama if park.kelurahan else "",
            "kecamatan": park.kecamatan.nama if park.kecamatan else "",
            "pengguna": usage.unique_users,
            "sesi": usage.sessions,
            "jam_daring": round(usage.session_seconds / 3600, 2),
            "data_gb": round((usage.input_octets + usage.output_octets) / 1e9, 3),
            "puncak_bersamaan": usage.peak_concurrency,
        }


register_dataset(
    OpenDataset(
        "wifi.daily_by_park",
        gettext_lazy("Pemakaian Wi-Fi taman per hari"),
        gettext_lazy(
            "Pemakaian Wi-Fi publik gratis di taman kota Kota Serang per taman dan hari (WIB): "
            "jumlah pengguna, sesi, jam daring, volume data dan puncak pengguna bersamaan."
        ),
        "diskominfo",
        "harian",
        COLUMNS,
        "kendali.wifi.opendata.daily_by_park",
        count_columns=("pengguna", "sesi", "puncak_bersamaan"),
        tags=("wifi", "internet", "taman", "ruang publik"),
    )
)
