"""The standard CAP paths, public and without login: /alerts/cap.xml (Atom feed) and
/alerts/<identifier>.xml (one CAP 1.2 document)."""

from django.urls import path

from kendali.alerts import views

app_name = "alerts_public"

urlpatterns = [
    path("cap.xml", views.cap_feed, name="feed"),
    path("<str:identifier>.xml", views.cap_document, name="document"),
]
