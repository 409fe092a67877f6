from django.urls import path

from kendali.calls import views

app_name = "calls"
urlpatterns = [
    path("", views.console, name="console"),
    path("kebijakan/", views.policy, name="policy"),
    path("penelepon/", views.callers, name="callers"),
    path("penelepon/daftar-blokir.csv", views.blocklist_csv, name="blocklist_csv"),
    path("penelepon/<int:pk>/", views.caller_profile, name="caller"),
    path("penelepon/<int:pk>/buka-blokir/", views.caller_unblock, name="unblock"),
    path("laporan/", views.report, name="report"),
    path("laporan/unduh/", views.report_export, name="report_export"),
]
