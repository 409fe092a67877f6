from django.urls import path

from kendali.dispatch import views

app_name = "dispatch"
urlpatterns = [
    path("", views.board, name="board"),
    path("papan/", views.board_fragment, name="board_fragment"),
    path("kejadian/<int:pk>/", views.incident_panel, name="incident"),
    path("kejadian/<int:pk>/tugaskan/", views.assign, name="assign"),
    path("kejadian/<int:pk>/tutup/", views.close, name="close"),
    path("kejadian/<int:pk>/rujuk/", views.refer, name="refer"),
    path("kejadian/<int:pk>/laporan/", views.field_report, name="field_report"),
    path("penugasan/<int:pk>/lepas/", views.release, name="release"),
    path("kotak-masuk/", views.inbox, name="inbox"),
    path("kotak-masuk/<int:pk>/terima/", views.inbox_ack, name="inbox_ack"),
    path("rujukan/<int:pk>/selesai/", views.referral_resolve, name="referral_resolve"),
    path("kru/", views.crew, name="crew"),
    path("kru/<int:pk>/status/", views.crew_status, name="crew_status"),
    path("unit/", views.units, name="units"),
    path("unit/baru/", views.unit_add, name="unit_add"),
    path("unit/<int:pk>/ubah/", views.unit_edit, name="unit_edit"),
    path("kartu/", views.runcards, name="runcards"),
    path("kartu/sla/", views.sla_target, name="sla_target"),
    path("serah-terima/", views.handover, name="handover"),
    path("serah-terima/<int:pk>/terima/", views.handover_receive, name="handover_receive"),
    path("laporan/", views.report, name="reports"),
    path("laporan/unduh.<str:fmt>", views.report_export, name="report_export"),
    path("laporan/foto/<int:pk>/", views.field_report_photo, name="field_report_photo"),
]
