"""The BMD module as the SPBE architecture catalogue knows it."""

from __future__ import annotations

from kendali.core.registry import SystemComponent, register_component

register_component(
    SystemComponent(
        key="assets.app",
        kind="aplikasi",
        name="Kendali Aset (BMD)",
        description=(
            "Penatausahaan barang milik daerah seluruh OPD: kodefikasi Permendagri 108/2016, "
            "KIB A–F, buku entri dengan persetujuan berlapis, penyusutan semester, inventarisasi "
            "QR, laporan Permendagri 47/2021, impor/ekspor Excel."
        ),
    )
)
register_component(
    SystemComponent(
        key="assets.bmd_service",
        kind="layanan",
        name="Layanan Pengelolaan BMD",
        description="Layanan administrasi pemerintahan untuk pencatatan dan pelaporan BMD OPD ke BPKAD.",
        depends_on=("assets.app",),
    )
)
