from django.apps import AppConfig


class SensorsConfig(AppConfig):
    name = "kendali.sensors"
    label = "sensors"
