"""Kendali's citizen reports as the SPBE catalogue knows them."""

from django.utils.translation import gettext_lazy as _

from kendali.core.registry import SystemComponent, register_component

register_component(
    SystemComponent(
        "reports.app",
        "aplikasi",
        _("Kendali — Laporan Warga"),
        _(
            "Pengaduan warga: halaman publik, Open311 GeoReport v2, rute ke OPD, tenggat "
            "SP4N-LAPOR!, kotak masuk OPD dan peta publik."
        ),
    )
)
register_component(
    SystemComponent(
        "reports.public_service",
        "layanan",
        _("Layanan pengaduan pelayanan publik"),
        _("Warga melaporkan masalah kota dan mengikuti penanganannya."),
        depends_on=("reports.app",),
    )
)
