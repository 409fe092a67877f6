from django.urls import path

from kendali.sensors import views

app_name = "sensors"

urlpatterns = [
    path("", views.index, name="index"),
    path("perangkat/baru/", views.device_new, name="device_new"),
    path("perangkat/<slug:code>/", views.device_detail, name="device"),
    path("perangkat/<slug:code>/token/", views.device_token, name="device_token"),
    path("perangkat/<slug:code>/aturan/", views.rule_save, name="rule_save"),
    path("perangkat/<slug:code>/variabel/", views.variable_add, name="variable_add"),
    path("alarm/", views.alarm_list, name="alarms"),
    path("alarm/<int:alarm_id>/", views.alarm_detail, name="alarm"),
    path("alarm/<int:alarm_id>/aksi/", views.alarm_action, name="alarm_action"),
    path("aturan/", views.rule_list, name="rules"),
    path("aturan/ekspor/", views.rules_export, name="rules_export"),
    path("aturan/impor/", views.rules_import, name="rules_import"),
    path("aturan/<int:rule_id>/hapus/", views.rule_delete, name="rule_delete"),
    path("impor-csv/", views.csv_import, name="csv_import"),
    path("langganan/", views.subscription, name="subscription"),
]
