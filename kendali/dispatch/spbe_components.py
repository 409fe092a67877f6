"""Dispatch as the SPBE architecture catalogue knows it."""

from django.utils.translation import gettext_lazy as _

from kendali.core.registry import SystemComponent, register_component

register_component(
    SystemComponent(
        "dispatch.app",
        "aplikasi",
        _("Kendali — pengerahan unit (dispatch)"),
        _("Rekomendasi dan penugasan unit, waktu respons (SLA), laporan lapangan."),
        reference_code="RAA.01.01.03",
        depends_on=("incidents.app",),
    )
)
