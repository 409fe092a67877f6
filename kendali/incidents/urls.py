from django.urls import path

from kendali.incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("baru/", views.incident_create, name="create"),
    path("<str:ref>/", views.incident_detail, name="detail"),
    path("<str:ref>/kontak/", views.incident_contact, name="contact"),
    path("<str:ref>/ubah/", views.incident_edit, name="edit"),
    path("<str:ref>/status/", views.incident_status, name="status"),
    path("<str:ref>/catatan/", views.incident_note, name="note"),
    path("<str:ref>/gabung/", views.incident_merge, name="merge"),
]
