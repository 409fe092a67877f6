"""Open311 GeoReport v2 paths (standard names, ``.json`` or ``.xml``)."""

from django.urls import path, register_converter

from kendali.reports import open311


class FormatConverter:
    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "open311fmt")

app_name = "open311"

urlpatterns = [
    path("discovery.<open311fmt:fmt>", open311.discovery, name="discovery"),
    path("services.<open311fmt:fmt>", open311.service_list, name="services"),
    path("services/<slug:code>.<open311fmt:fmt>", open311.service_definition, name="service"),
    path("requests.<open311fmt:fmt>", open311.request_collection, name="requests"),
    path("requests/<slug:request_id>.<open311fmt:fmt>", open311.request_detail, name="request"),
    path("tokens/<slug:token>.<open311fmt:fmt>", open311.token_detail, name="token"),
]
