"""Park Wi-Fi as the SPBE architecture catalogue knows it."""

from django.utils.translation import gettext_lazy as _

from kendali.core.registry import SystemComponent, register_component

register_component(
    SystemComponent(
        "wifi.app",
        "aplikasi",
        _("Kendali — hotspot Wi-Fi taman (RADIUS, portal tertawan)"),
        _("Taman dan titik akses, autentikasi RADIUS, portal tertawan, kuota dan pemakaian."),
        reference_code="RAA.01.04",
        depends_on=("core.platform",),
    )
)
register_component(
    SystemComponent(
        "wifi.public_service",
        "layanan",
        _("Layanan Wi-Fi publik taman kota"),
        _("Akses internet gratis bagi warga di taman kota Serang."),
        reference_code="RAL.01.04.01",
        depends_on=("wifi.app",),
    )
)
