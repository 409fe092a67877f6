"""City sensors as the SPBE architecture catalogue knows them."""

from django.utils.translation import gettext_lazy as _

from kendali.core.registry import SystemComponent, register_component

register_component(
    SystemComponent(
        "sensors.app",
        "aplikasi",
        _("Kendali — sensor kota (IoT)"),
        _("Perangkat sensor, pembacaan, agregasi, aturan dan alarm; MQTT dan HTTP."),
        reference_code="RAA.02.04",
        depends_on=("core.platform",),
    )
)
