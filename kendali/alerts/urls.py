from django.urls import path

from kendali.alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.public_list, name="public_list"),
    path("publik/<str:identifier>/", views.public_detail, name="public_detail"),
    path("baru/", views.create, name="create"),
    path("kelola/", views.manage, name="manage"),
    path("kelola/<int:pk>/", views.detail, name="detail"),
    path("kelola/<int:pk>/ubah/", views.edit, name="edit"),
    path("kelola/<int:pk>/ajukan/", views.submit, name="submit"),
    path("kelola/<int:pk>/setujui/", views.approve, name="approve"),
    path("kelola/<int:pk>/kembalikan/", views.reject, name="reject"),
    path("kelola/<int:pk>/perbarui/", views.followup_update, name="update"),
    path("kelola/<int:pk>/batalkan/", views.cancel, name="cancel"),
]
