from django.urls import path

from kendali.regions import views

app_name = "regions"
urlpatterns = [
    path("peta/", views.city_map, name="map"),
    path("peta/ubin/<int:z>/<int:x>/<int:y>", views.tile, name="tile"),
]
