from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "kendali.alerts"
    label = "alerts"
