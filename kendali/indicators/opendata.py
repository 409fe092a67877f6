"""The smart-city indicators' own open data set: every indicator's yearly value (live
figures from the yearly snapshots, entered figures once approved) next to its target."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.utils.translation import gettext_lazy

from kendali.core.registry import OpenDataset, register_dataset
from kendali.indicators.catalogue import catalogue
from kendali.indicators.selectors import indicator_rows

COLUMNS = (
    "tahun",
    "komponen",
    "kode",
    "indikator",
    "satuan",
    "arah",
    "rujukan_iso",
    "sumber",
    "nilai",
    "target",
    "keterangan",
)


def values(*, start: date, end: date) -> Iterator[dict]:
    cat = catalogue()
    years = list(range(start.year, end.year if end.month == 1 and end.day == 1 else end.year + 1))
    if not years:
        return
    names = {c.code: c.name_id for c in cat.components}
    for row in indicator_rows(indicators=list(cat.indicators), years=years, public=True):
        indicator = row.indicator
        for point in row.points:
            yield {
                "tahun": point.year,
                "komponen": names[indicator.component],
                "kode": indicator.code,
                "indikator": indicator.name_id,
                "satuan": indicator.unit,
                "arah": indicator.direction,
                "rujukan_iso": str(indicator.iso) if indicator.iso else "",
                "sumber": indicator.source,
                "nilai": point.value,
                "target": point.target,
                "keterangan": point.reason if point.value is None else "",
            }


register_dataset(
    OpenDataset(
        "indicators.values",
        gettext_lazy("Indikator kota cerdas Kota Serang per tahun"),
        gettext_lazy(
            "Nilai tahunan indikator delapan komponen kota cerdas Kota Serang beserta targetnya: "
            "dihitung langsung dari sistem Kendali atau diisi OPD dan disetujui pejabat kedua. "
            "Rujukan ISO 37120/37122 beserta edisinya."
        ),
        "diskominfo",
        "tahunan",
        COLUMNS,
        "kendali.indicators.opendata.values",
        tags=("kota cerdas", "indikator", "ISO 37120", "ISO 37122", "smart city"),
    )
)
