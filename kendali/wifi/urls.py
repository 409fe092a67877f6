from django.urls import path

from kendali.wifi import views

app_name = "wifi"

urlpatterns = [
    path("", views.parks, name="parks"),
    path("taman/<int:park_id>/", views.park_detail, name="park"),
    path("taman/<int:park_id>/ubah/", views.park_edit, name="park_edit"),
    path("pengumuman/", views.announcements, name="announcements"),
    path("ap/<int:ap_id>/", views.access_point_edit, name="ap_edit"),
    path("grup/", views.groups, name="groups"),
    path("voucher/", views.vouchers, name="vouchers"),
    path("voucher/<int:batch_id>/cetak/", views.voucher_sheet, name="voucher_sheet"),
    path("penggunaan/", views.usage_page, name="usage"),
    path("penggunaan.csv", views.usage_csv, name="usage_csv"),
    path("portal/", views.portal, name="portal"),
    path("portal/kode/", views.portal_send_code, name="portal_send_code"),
    path("portal/verifikasi/", views.portal_verify, name="portal_verify"),
    path("portal/voucher/", views.portal_voucher, name="portal_voucher"),
    path("portal/status/", views.portal_status, name="portal_status"),
    path("portal/ketentuan/", views.portal_terms, name="portal_terms"),
    path("portal/api/", views.captive_api, name="captive_api"),
]
