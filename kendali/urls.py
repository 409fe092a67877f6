"""URL wiring. Each app's pages mount under its own prefix; the API under /api/v1."""

from importlib import import_module
from importlib.util import find_spec

from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext as _
from django.views.i18n import JavaScriptCatalog

from kendali.api import api
from kendali.core.events.sse import stream
from kendali.core.problems import problem_response
from kendali.indicators.ckan import action as ckan_action

# Page prefixes of the modules (Indonesian paths; names stay stable in code).
MODULE_PREFIXES = {
    "calls": "112/",
    "incidents": "kejadian/",
    "dispatch": "dispatch/",
    "control": "ruang-kendali/",
    "sensors": "sensor/",
    "alerts": "peringatan/",
    "wifi": "wifi/",
    "reports": "lapor/",
    "portal": "warga/",
    "indicators": "indikator/",
    "assets": "aset/",
    "spbe": "spbe/",
}


# Admin registrations of our own apps only (SimpleAdminConfig does not autodiscover).
for _app in ("core", "regions", *MODULE_PREFIXES):
    if find_spec(f"kendali.{_app}.admin") is not None:
        import_module(f"kendali.{_app}.admin")


def _api_not_found(request, rest=""):
    return problem_response(404, _("Alamat API tidak dikenal."))


urlpatterns = [
    path("api/v1/events/stream", stream, name="events-stream"),
    path("api/v1/", api.urls),
    # CKAN Action API (read part) for open-data harvesters; CKAN's envelope, not problem+json.
    path("api/3/action/<slug:name>", ckan_action, name="ckan-action"),
    path("api/action/<slug:name>", ckan_action, name="ckan-action-unversioned"),
    re_path(r"^api/(?P<rest>.*)$", _api_not_found),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("", include("kendali.regions.urls")),
    path("alerts/", include("kendali.alerts.public_urls")),
    path("open311/v2/", include("kendali.reports.open311_urls")),
    path("opendata/", include("kendali.indicators.opendata_urls")),
]

for module, prefix in MODULE_PREFIXES.items():
    if find_spec(f"kendali.{module}.urls") is not None:
        urlpatterns.append(path(prefix, include(import_module(f"kendali.{module}.urls"))))

urlpatterns.append(path("", include("kendali.core.urls")))
