"""Incident management as the SPBE architecture catalogue knows it."""

from django.utils.translation import gettext_lazy as _

from kendali.core.registry import SystemComponent, register_component

register_component(
    SystemComponent(
        "incidents.app",
        "aplikasi",
        _("Kendali — manajemen kejadian"),
        _("Pencatatan kejadian bernomor, jenis, lokasi dan linimasa penanganan."),
        reference_code="RAA.01.01.02",
        depends_on=("core.platform", "regions.app"),
    )
)
