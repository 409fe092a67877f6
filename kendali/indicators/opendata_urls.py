"""The open-data catalogue at /opendata/ (public, stable paths for harvesters and the
citizens' portal) and the CKAN Action API at /api/3/action/."""

from django.urls import path

from kendali.indicators import views

app_name = "opendata"

urlpatterns = [
    path("", views.opendata_catalog, name="catalog"),
    path("catalog.jsonld", views.catalog_jsonld, name="catalog_jsonld"),
    path("catalog.ttl", views.catalog_ttl, name="catalog_ttl"),
    path("organisasi/<slug:code>", views.organization, name="organization"),
    path("<slug:name>/<str:version>.<slug:fmt>", views.opendata_download, name="download"),
    path("<slug:name>/", views.opendata_dataset, name="dataset"),
]
