"""Open data: BMD summary per OPD and KIB (counts and values only, no personal data)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from kendali.core.registry import OpenDataset, register_dataset


def summary_rows(*, start: date, end: date):
    from kendali.assets.selectors import summary_by_opd

    yield from summary_by_opd()


register_dataset(
    OpenDataset(
        key="assets.summary_by_opd",
        title=str(_("Ringkasan barang milik daerah per OPD")),
        description=str(
            _(
                "Jumlah, nilai tercatat, akumulasi penyusutan, dan nilai buku BMD per OPD "
                "dan golongan KIB A–F, dari register BMD Kota Serang."
            )
        ),
        producer="BPKAD",
        frequency="tahunan",
        columns=("opd", "kode_opd", "kib", "jumlah", "nilai", "akumulasi_penyusutan", "nilai_buku"),
        rows="kendali.assets.opendata.summary_rows",
        tags=("aset", "bmd", "keuangan daerah"),
    )
)
