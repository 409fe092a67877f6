from django.templatetags.static import static
from django.urls import path
from django.views.generic.base import RedirectView

from kendali.regions import views

app_name = "regions"
urlpatterns = [
    path("peta/", views.city_map, name="map"),
    path("peta/ubin/<int:z>/<int:x>/<int:y>", views.tile, name="tile"),
    # Browsers ask for /favicon.ico on pages without an icon link (files, the API): no 404.
    path("favicon.ico", RedirectView.as_view(url=static("kendali/favicon.svg"), permanent=True)),
]
