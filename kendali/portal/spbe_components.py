"""The citizens' portal as the SPBE catalogue knows it."""

from django.utils.translation import gettext_lazy as _

from kendali.core.registry import SystemComponent, register_component

register_component(
    SystemComponent(
        "portal.public_service",
        "layanan",
        _("Portal layanan warga Kota Serang"),
        _("Peringatan publik, Wi-Fi taman, laporan warga, data terbuka dan indikator kota."),
        depends_on=("reports.public_service",),
    )
)
