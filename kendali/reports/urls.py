from django.urls import path

from kendali.reports import views

app_name = "reports"

urlpatterns = [
    # Public, no account.
    path("", views.report_form, name="form"),
    path("otp/kirim/", views.otp_send, name="otp_send"),
    path("otp/periksa/", views.otp_verify, name="otp_verify"),
    path("mirip/", views.duplicates, name="duplicates"),
    path("lacak/", views.track, name="track"),
    path("peta/", views.public_map, name="map"),
    path("peta/data.json", views.map_data, name="map_data"),
    path("kinerja/", views.performance, name="performance"),
    path("foto/<int:photo_id>/", views.photo, name="photo"),
    # OPD inbox (staff).
    path("kotak/", views.inbox, name="inbox"),
    path("kotak/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("kotak/<int:pk>/kontak/", views.staff_contact, name="staff_contact"),
    path("kotak/<int:pk>/aksi/", views.staff_action, name="staff_action"),
    # Categories and routing (administrators).
    path("kategori/", views.categories, name="categories"),
    path("kategori/baru/", views.category_new, name="category_new"),
    path("kategori/<int:pk>/", views.category_edit, name="category_edit"),
    path("kategori/<int:pk>/rute/", views.rule_save, name="rule_save"),
    path("kategori/<int:pk>/rute/<int:rule_id>/hapus/", views.rule_delete, name="rule_delete"),
    # Tracking numbers last: LW-2026-000123.
    path("<str:tracking>/terkirim/", views.sent, name="sent"),
    path("<str:tracking>/buka-kembali/", views.reopen, name="reopen"),
    path("<str:tracking>/", views.detail, name="detail"),
]
