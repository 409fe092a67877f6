from django.urls import path

from kendali.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("komponen/<slug:code>/", views.component, name="component"),
    path("hitung-ulang/", views.refresh, name="refresh"),
    path("angka/", views.figures, name="figures"),
    path("angka/baru/", views.figure_new, name="figure_new"),
    path("angka/<int:pk>/setujui/", views.figure_approve, name="figure_approve"),
    path("angka/<int:pk>/tolak/", views.figure_reject, name="figure_reject"),
    path("target/", views.targets, name="targets"),
    path("publik/", views.public_overview, name="public"),
    path("publik/<slug:code>/", views.public_component, name="public_component"),
]
