"""The 112 call center as the SPBE architecture catalogue knows it."""

from django.utils.translation import gettext_lazy as _

from kendali.core.registry import SystemComponent, register_component

register_component(
    SystemComponent(
        "calls.app",
        "aplikasi",
        _("Kendali — konsol panggilan darurat 112"),
        _("Penerimaan, triase dan klasifikasi panggilan 112, pemblokiran panggilan iseng."),
        reference_code="RAA.01.01.01",
        depends_on=("core.platform", "incidents.app"),
    )
)
register_component(
    SystemComponent(
        "calls.service_112",
        "layanan",
        _("Layanan panggilan darurat 112 Kota Serang"),
        _("Warga menelepon 112; panggilan diterima, dipilah dan diteruskan menjadi kejadian."),
        reference_code="RAL.01.01.01",
        depends_on=("calls.app", "dispatch.app"),
    )
)
