"""The SPBE module itself as the architecture catalogue knows it."""

from django.utils.translation import gettext_lazy as _

from kendali.core.registry import SystemComponent, register_component

register_component(
    SystemComponent(
        "spbe.app",
        "aplikasi",
        _("Kendali — arsitektur, peta rencana dan evaluasi SPBE"),
        _(
            "Katalog arsitektur enam domain, matriks SIA-SPBE, peta rencana lima tahun, evaluasi indeks."
        ),
        reference_code="RAA.02.02",
        depends_on=("core.platform",),
    )
)
