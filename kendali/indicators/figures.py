"""The open-data catalogue's own live figures (smart government): data sets published with
complete Satu Data metadata, and downloads of them."""

from __future__ import annotations

from datetime import date

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kendali.core.actors import Actor
from kendali.core.registry import LiveFigure, register_figure
from kendali.indicators import datacatalog
from kendali.indicators.models import DatasetDownload


def open_datasets(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    sets = datacatalog.all_datasets()
    if not sets:
        return {
            "value": None,
            "unit": "data set",
            "reason": _("Belum ada data set terdaftar di katalog."),
            "by_kecamatan": {},
        }
    complete = sum(1 for d in sets if datacatalog.complete(datacatalog.metadata(d)))
    return {"value": float(complete), "unit": "data set", "reason": "", "by_kecamatan": {}}


def opendata_downloads(*, actor: Actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    rows = DatasetDownload.objects.all()
    first = rows.order_by("day").values_list("day", flat=True).first()
    if first is None or first >= end:
        return {
            "value": None,
            "unit": "unduhan",
            "reason": _("Katalog data terbuka belum mencatat unduhan pada periode ini."),
            "by_kecamatan": {},
        }
    total = rows.filter(day__gte=start, day__lt=end).aggregate(n=Sum("count"))["n"] or 0
    return {"value": float(total), "unit": "unduhan", "reason": "", "by_kecamatan": {}}


register_figure(
    LiveFigure(
        "indicators.open_datasets",
        gettext_lazy("Data set terbuka dengan metadata lengkap"),
        "data set",
        "kendali.indicators.figures.open_datasets",
    )
)
register_figure(
    LiveFigure(
        "indicators.opendata_downloads",
        gettext_lazy("Unduhan data terbuka"),
        "unduhan",
        "kendali.indicators.figures.opendata_downloads",
    )
)
