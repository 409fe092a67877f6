from django.apps import AppConfig


class ControlConfig(AppConfig):
    name = "kendali.control"
    label = "control"
