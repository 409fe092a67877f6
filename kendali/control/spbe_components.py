"""The control room as the SPBE architecture catalogue knows it."""

from django.utils.translation import gettext_lazy as _

from kendali.core.registry import SystemComponent, register_component

register_component(
    SystemComponent(
        "control.app",
        "aplikasi",
        _("Kendali — ruang kendali dan dinding video"),
        _("Peta kota langsung, ubin indikator, riwayat kejadian per kelurahan."),
        reference_code="RAA.02.03",
        depends_on=("core.platform", "regions.app"),
    )
)
register_component(
    SystemComponent(
        "control.monitoring_service",
        "layanan",
        _("Layanan pemantauan kota (ruang kendali)"),
        _("Pemantauan kondisi kota secara langsung oleh pimpinan dan operator."),
        reference_code="RAL.02.03",
        depends_on=("control.app",),
    )
)
