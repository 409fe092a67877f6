from django.urls import path

from kendali.control import views

app_name = "control"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dinding/", views.wall, name="wall"),
    path("riwayat/", views.history, name="history"),
]
