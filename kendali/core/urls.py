from django.urls import path

from kendali.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("masuk/", views.login_view, name="login"),
    path("keluar/", views.logout_view, name="logout"),
    path("dua-langkah/daftar/", views.totp_enrol, name="totp_enrol"),
    path("dua-langkah/", views.totp_verify, name="totp_verify"),
    path("audit/", views.audit_log, name="audit"),
    path("token/", views.token_list, name="tokens"),
    path("token/<int:token_id>/cabut/", views.token_revoke, name="token_revoke"),
    path("instansi/", views.agency_list, name="agencies"),
    path("instansi/<slug:code>/kanal/", views.agency_channel, name="agency_channel"),
    path("kata-sandi/", views.password_change, name="password_change"),
    path("pengguna/", views.user_list, name="users"),
    path("pengguna/<int:user_id>/aksi/", views.user_action, name="user_action"),
]
