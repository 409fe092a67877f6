from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The citizens' home of the city: it imports no module and reads everything through
    the core registry or links to public pages that resolve."""

    name = "kendali.portal"
    label = "portal"
    verbose_name = _("Portal warga")
