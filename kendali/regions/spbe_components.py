"""Kendali's region reference as the SPBE architecture catalogue knows it."""

from django.utils.translation import gettext_lazy as _

from kendali.core.registry import SystemComponent, register_component

register_component(
    SystemComponent(
        "regions.app",
        "aplikasi",
        _("Kendali — referensi wilayah Kota Serang"),
        _("Batas kecamatan dan kelurahan, penentuan wilayah dari koordinat."),
        reference_code="RAA.03.02",
        depends_on=("core.platform",),
    )
)
