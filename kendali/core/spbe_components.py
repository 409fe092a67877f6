"""Kendali's platform core as the SPBE architecture catalogue knows it."""

from django.utils.translation import gettext_lazy as _

from kendali.core.registry import SystemComponent, register_component

register_component(
    SystemComponent(
        "core.platform",
        "aplikasi",
        _("Kendali — platform inti (akun, peran, OPD, log audit, token, aliran peristiwa)"),
        _("Pengelolaan pengguna dan hak akses per OPD, log audit, token mesin dan API /api/v1."),
        reference_code="RAA.03.01",
    )
)
