"""Public warnings as the SPBE architecture catalogue knows them."""

from django.utils.translation import gettext_lazy as _

from kendali.core.registry import SystemComponent, register_component

register_component(
    SystemComponent(
        "alerts.app",
        "aplikasi",
        _("Kendali — peringatan publik (CAP 1.2)"),
        _("Penyusunan, persetujuan empat mata dan penerbitan peringatan CAP 1.2."),
        reference_code="RAA.01.02",
        depends_on=("core.platform", "regions.app"),
    )
)
register_component(
    SystemComponent(
        "alerts.public_service",
        "layanan",
        _("Layanan peringatan dini publik"),
        _("Peringatan publik untuk warga melalui halaman, umpan CAP dan portal Wi-Fi."),
        reference_code="RAL.01.01.02",
        depends_on=("alerts.app",),
    )
)
